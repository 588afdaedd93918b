package ai.oneinbox.edge.routing;

import java.util.HashMap;
import java.util.Optional;
import java.util.SplittableRandom;
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
 * Lookups and decisions on a 1,000,000-number table, against {@code HashMap<Long, NumberRoute>#get}
 * on the same keys, in the same run. Each operation looks up the next of 2^20 present numbers in
 * random order, so the caches see what a busy edge sees: mostly misses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@State(Scope.Benchmark)
public class RoutingTableBenchmark {
  private static final int QUERIES = 1 << 20;

  @Param("1000000")
  int numbers;

  RoutingTable table;
  HashMap<Long, NumberRoute> hashMap;
  E164[] queries;
  Long[] boxedQueries;
  Availability availability;

  @Setup(Level.Trial)
  public void setUp() {
    RoutingData data = new RoutingData(numbers, 1);
    table = data.table();
    hashMap = new HashMap<>();
    for (NumberRoute r : data.routes) {
      hashMap.put(r.number().value(), r);
    }
    SplittableRandom random = new SplittableRandom(2);
    queries = new E164[QUERIES];
    boxedQueries = new Long[QUERIES];
    for (int i = 0; i < QUERIES; i++) {
      long n = data.numbers[random.nextInt(numbers)];
      queries[i] = E164.of(n);
      boxedQueries[i] = n; // boxed once here, as a HashMap user holding Long keys would
    }
    // A quarter of the agents busy or failing, as the edge would report them. The state is read from
    // what the decision has loaded anyway (the agent's header), so the figure is the engine's cost.
    availability = agent -> switch (System.identityHashCode(agent) & 7) {
      case 0 -> AgentState.AT_CAPACITY;
      case 1 -> AgentState.UNHEALTHY;
      default -> AgentState.AVAILABLE;
    };
  }

  /** Per thread: where in the query sequence it is. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance() {
      return next++ & (QUERIES - 1);
    }
  }

  @Benchmark
  public Object hashMapGet(Cursor c) {
    return hashMap.get(boxedQueries[c.advance()]);
  }

  /** The public lookup: finds the number and builds its {@link NumberRoute}. */
  @Benchmark
  public Optional<NumberRoute> tableNumber(Cursor c) {
    return table.number(queries[c.advance()]);
  }

  /** The lookup alone: the number's shape, as {@code resolve} does it first. */
  @Benchmark
  public long tableLookup(Cursor c) {
    return table.lookup(queries[c.advance()].value());
  }

  /**
   * The like of {@code HashMap#get}: the number's route entry (shared by the numbers of the same
   * shape), without building a {@link NumberRoute}.
   */
  @Benchmark
  public Object tableRouteEntry(Cursor c) {
    return table.routeEntry(queries[c.advance()].value());
  }

  /** The full decision with availability and its trace (text not rendered). */
  @Benchmark
  public RouteDecision resolve(Cursor c) {
    return table.resolve(queries[c.advance()], availability);
  }

  /** The full decision and its trace rendered as text, as a log line would. */
  @Benchmark
  public String resolveAndRenderTrace(Cursor c) {
    return table.resolve(queries[c.advance()], availability).trace().toString();
  }
}
