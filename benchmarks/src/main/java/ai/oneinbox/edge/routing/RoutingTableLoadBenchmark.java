package ai.oneinbox.edge.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading 1,000,000 numbers (and 10,000 agents) into a fresh table, single shot: as a snapshot (how a
 * node starts and resyncs) and as the change feed in batches of 1,000 (a node catching up).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@State(Scope.Benchmark)
public class RoutingTableLoadBenchmark {
  @Param("1000000")
  int numbers;

  RoutingData data;
  List<List<RouteChange>> feed;

  @Setup(Level.Trial)
  public void setUp() {
    data = new RoutingData(numbers, 1);
    feed = new ArrayList<>();
    List<RouteChange> batch = new ArrayList<>();
    long version = 0;
    for (Agent a : data.agents) {
      batch.add(new RouteChange.AgentUpserted(++version, a));
    }
    for (NumberRoute r : data.routes) {
      batch.add(new RouteChange.NumberUpserted(++version, r));
      if (batch.size() == 1000) {
        feed.add(batch);
        batch = new ArrayList<>();
      }
    }
    feed.add(batch);
  }

  @Benchmark
  public RoutingTable snapshot() {
    RoutingTable table = RoutingTable.empty();
    table.replace(data.snapshot());
    return table;
  }

  @Benchmark
  public RoutingTable feedInBatchesOf1000() {
    RoutingTable table = RoutingTable.empty();
    for (List<RouteChange> batch : feed) {
      table.applyAll(batch);
    }
    return table;
  }
}
