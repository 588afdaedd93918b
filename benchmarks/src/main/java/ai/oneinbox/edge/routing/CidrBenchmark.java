package ai.oneinbox.edge.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The trunk check of every INVITE: a source address against Twilio's 15 published ranges. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CidrBenchmark {
  Cidr[] twilio;
  CidrSet twilioSet;
  InetAddress last; // in the last range: the worst case of a linear scan
  InetAddress outside;
  InetAddress ipv6;

  @Setup
  public void setUp() throws UnknownHostException {
    twilio = List.of("54.172.60.0/23", "34.203.250.0/23", "54.244.51.0/24", "54.171.127.192/26",
        "52.215.127.0/24", "35.156.191.128/25", "3.122.181.0/24", "54.65.63.192/26", "3.112.80.0/24",
        "54.169.127.128/26", "3.1.77.0/24", "54.252.254.64/26", "3.104.90.0/24",
        "177.71.206.192/26", "18.228.249.0/24").stream().map(Cidr::parse).toArray(Cidr[]::new);
    twilioSet = CidrSet.of(List.of(twilio));
    last = InetAddress.getByName("18.228.249.17");
    outside = InetAddress.getByName("203.0.113.9");
    ipv6 = InetAddress.getByName("2001:db8::1");
  }

  private boolean any(InetAddress a) {
    for (Cidr c : twilio) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  @Benchmark
  public boolean ipv4InLastRange() {
    return any(last);
  }

  @Benchmark
  public boolean ipv4Outside() {
    return any(outside);
  }

  @Benchmark
  public boolean ipv6Outside() {
    return any(ipv6);
  }

  @Benchmark
  public boolean setIpv4InLastRange() {
    return twilioSet.contains(last);
  }

  @Benchmark
  public boolean setIpv6Outside() {
    return twilioSet.contains(ipv6);
  }
}
