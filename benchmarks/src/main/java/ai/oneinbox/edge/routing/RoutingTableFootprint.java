package ai.oneinbox.edge.routing;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import org.openjdk.jol.info.GraphLayout;

/**
 * Heap per number of a 1,000,000-number table, measured two ways: JOL's walk of the table's object
 * graph minus the shared agents, and the used-heap delta around building it (after full GCs). Prints
 * the same for {@code HashMap<Long, NumberRoute>} for scale, and the time of the load.
 *
 * <p>Run: {@code java -Xmx3g -cp benchmarks/target/benchmarks.jar
 * ai.oneinbox.edge.routing.RoutingTableFootprint [numbers]}
 */
public final class RoutingTableFootprint {
  private RoutingTableFootprint() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    RoutingData data = new RoutingData(n, 1);
    Snapshot warm = data.snapshot(); // class loading and JIT off the measured load
    warm = null;

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    long start = System.nanoTime();
    RoutingTable table = RoutingTable.empty();
    table.replace(data.snapshot());
    long loadNanos = System.nanoTime() - start;
    long after = usedAfterGc(memory);

    GraphLayout tableGraph = GraphLayout.parseInstance(table);
    GraphLayout agentsGraph = GraphLayout.parseInstance(data.agents.toArray());
    long tableBytes = tableGraph.totalSize();
    // The table shares the Agent objects with the caller; they are counted once, apart.
    long agentBytes = agentsGraph.totalSize();
    GraphLayout shapes = GraphLayout.parseInstance(data.routes.get(0)).subtract(
        GraphLayout.parseInstance(data.routes.get(0).number()));

    System.out.printf("numbers: %,d, distinct shapes: %,d, agents: %,d%n", table.size(),
        table.shapeCount(), data.agents.size());
    System.out.printf("load (snapshot build + replace): %,d ms%n", loadNanos / 1_000_000);
    System.out.printf("JOL: table graph %,d bytes, of which agents (shared) %,d bytes%n",
        tableBytes, agentBytes);
    System.out.printf("JOL: %.1f bytes/number beyond the shared agents%n",
        (double) (tableBytes - agentBytes) / n);
    System.out.printf("heap delta after GC: %,d bytes = %.1f bytes/number (agents already live"
        + " before)%n", after - before, (double) (after - before) / n);
    System.out.printf("(one route shape costs about %,d bytes, shared by all numbers of that"
        + " shape)%n", shapes.totalSize());

    HashMap<Long, NumberRoute> map = new HashMap<>();
    for (NumberRoute r : data.routes) {
      map.put(r.number().value(), r);
    }
    GraphLayout mapGraph = GraphLayout.parseInstance(map);
    System.out.printf("for scale, HashMap<Long, NumberRoute>: %.1f bytes/number (routes and"
        + " their E164 included, agents not referenced)%n", (double) mapGraph.totalSize() / n);
    System.out.println(table.version() + map.size() > 0 ? "" : "");
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
