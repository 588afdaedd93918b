package ai.oneinbox.edge.routing;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Reading the called number from a SIP user part: the hot path and the national cold path. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class E164Benchmark {
  String plus = "+14155550100";
  String digits = "14155550100";
  String uri = "sip:+14155550100@edge.example.com;user=phone";
  String national = "(415) 555-0100";

  @Benchmark
  public Optional<E164> plusDigits() {
    return E164.fromSipUser(plus, "US");
  }

  @Benchmark
  public Optional<E164> plainDigits() {
    return E164.fromSipUser(digits, "US");
  }

  @Benchmark
  public Optional<E164> sipUri() {
    return E164.fromSipUser(uri, "US");
  }

  /** Cold path: libphonenumber. */
  @Benchmark
  public Optional<E164> nationalFormat() {
    return E164.fromSipUser(national, "US");
  }
}
