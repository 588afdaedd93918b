package ai.oneinbox.edge.routing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The routing-table figures as ratios that survive a shared, overloaded machine: the lookups of
 * {@link RoutingTableBenchmark} and the load of {@link RoutingTableLoadBenchmark}, interleaved round by
 * round in one JVM (so every contender sees the same background load) and timed in this thread's CPU
 * time as well as wall time. Prints the median of the rounds. A complement to the JMH runs, not a
 * replacement: JMH guards against dead code and warm-up effects; this guards against the neighbours.
 *
 * <p>Run: {@code java -Xms3g -Xmx3g -cp benchmarks/target/benchmarks.jar
 * ai.oneinbox.edge.routing.RoutingTableInterleaved [rounds]}
 */
public final class RoutingTableInterleaved {
  private static final int QUERIES = 1 << 20;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private RoutingTableInterleaved() {}

  interface Op {
    long run(int i);
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    RoutingData data = new RoutingData(1_000_000, 1);
    RoutingTable table = data.table();
    HashMap<Long, NumberRoute> map = new HashMap<>();
    for (NumberRoute r : data.routes) {
      map.put(r.number().value(), r);
    }
    SplittableRandom random = new SplittableRandom(2);
    E164[] queries = new E164[QUERIES];
    Long[] boxed = new Long[QUERIES];
    for (int i = 0; i < QUERIES; i++) {
      long n = data.numbers[random.nextInt(data.numbers.length)];
      queries[i] = E164.of(n);
      boxed[i] = n;
    }
    Availability availability = agent -> switch (System.identityHashCode(agent) & 7) {
      case 0 -> AgentState.AT_CAPACITY;
      case 1 -> AgentState.UNHEALTHY;
      default -> AgentState.AVAILABLE;
    };
    String[] names = {"hashMapGet", "tableLookup", "tableRouteEntry", "tableNumber", "resolve"};
    Op[] ops = {
        i -> map.get(boxed[i]) == null ? 0 : 1,
        i -> table.lookup(queries[i].value()),
        i -> table.routeEntry(queries[i].value()) == null ? 0 : 1,
        i -> table.number(queries[i]).isPresent() ? 1 : 0,
        i -> table.resolve(queries[i], availability) instanceof RouteDecision.ToAgent ? 1 : 0,
    };
    List<double[]> cpu = new ArrayList<>();
    List<double[]> wall = new ArrayList<>();
    long sink = 0;
    for (int round = -3; round < rounds; round++) { // three warm-up rounds
      double[] c = new double[ops.length];
      double[] w = new double[ops.length];
      for (int k = 0; k < ops.length; k++) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        for (int i = 0; i < QUERIES; i++) {
          sink += ops[k].run(i);
        }
        w[k] = (double) (System.nanoTime() - w0) / QUERIES;
        c[k] = (double) (THREADS.getCurrentThreadCpuTime() - c0) / QUERIES;
      }
      if (round >= 0) {
        cpu.add(c);
        wall.add(w);
      }
    }
    System.out.printf("lookups, 1,000,000-number table, %d interleaved rounds of 2^20 random present"
        + " numbers, median ns/op:%n", rounds);
    System.out.printf("%-16s %10s %10s %14s%n", "", "cpu", "wall", "cpu vs HashMap");
    double mapCpu = median(cpu, 0);
    for (int k = 0; k < ops.length; k++) {
      System.out.printf("%-16s %10.1f %10.1f %14.2f%n", names[k], median(cpu, k), median(wall, k),
          median(cpu, k) / mapCpu);
    }

    double[] loadCpu = new double[5];
    double[] loadWall = new double[5];
    for (int round = -1; round < loadCpu.length; round++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      RoutingTable fresh = RoutingTable.empty();
      fresh.replace(data.snapshot());
      sink += fresh.size();
      if (round >= 0) {
        loadWall[round] = (System.nanoTime() - w0) / 1e6;
        loadCpu[round] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
      }
    }
    Arrays.sort(loadCpu);
    Arrays.sort(loadWall);
    System.out.printf("load of 1,000,000 numbers + 10,000 agents (snapshot build + replace), median of"
        + " 5: %.0f ms cpu (this thread; GC threads not counted), %.0f ms wall%n", loadCpu[2],
        loadWall[2]);
    System.out.println(sink == 42 ? "" : "(checksum " + sink + ")");
  }

  private static double median(List<double[]> rounds, int k) {
    double[] v = rounds.stream().mapToDouble(r -> r[k]).sorted().toArray();
    return v[v.length / 2];
  }
}
