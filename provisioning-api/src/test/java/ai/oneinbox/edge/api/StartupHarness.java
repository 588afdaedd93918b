package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.RoutingTable;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Start-up with a large store: fills a fresh database with {@code n} numbers (bulk SQL, three agents,
 * a mix of inbound routing), then times {@link RouteFeedFollower#start} (snapshot load until ready)
 * {@code runs} times, each into a new routing table.
 *
 * <p>Usage: {@code StartupHarness [n=1000000] [runs=3] [existing-database]} (an existing database filled
 * by an earlier run with {@code keep} is reused as it is).
 */
public final class StartupHarness {

    private StartupHarness() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        boolean reuse = args.length > 2 && !args[2].equals("keep");
        boolean keep = args.length > 2;
        String name = reuse ? args[2] : TestDatabases.create();
        Vertx vertx = Vertx.vertx();
        try (Database db = TestDatabases.start(name, Files.createTempDirectory("startup"))) {
            long fill = System.nanoTime();
            try (Connection c = db.openJdbc(); Statement st = c.createStatement()) {
                var rs = st.executeQuery("select count(*) from numbers");
                rs.next();
                if (rs.getLong(1) > 0) {
                    n = (int) rs.getLong(1);
                }
            }
            if (!reuse) try (Connection c = db.openJdbc(); Statement st = c.createStatement()) {
                st.execute("insert into agents (id, sip_uris) values ('a0', array['sip:a0@192.0.2.1']),"
                        + " ('a1', array['sip:a1@192.0.2.2']), ('a2', array['sip:a2@192.0.2.3'])");
                // +1 (200..999) 555-xxxx style fictional numbers: 12-digit values from 1_200_000_0000 upward.
                st.execute("insert into numbers (e164, phone_number, agent_id, inbound, inbound_agent_id,"
                        + " inbound_fallback_agent_id, provider)"
                        + " select 12000000000 + g, '+' || (12000000000 + g), 'a' || (g % 3), g % 4 <> 0,"
                        + " case when g % 7 = 0 then 'a1' end, case when g % 5 = 0 then 'a2' end, 'sandbox'"
                        + " from generate_series(1, " + n + ") g");
                st.execute("with head as (update feed_head set version = version + 1 returning version)"
                        + " insert into route_changes (version, kind, payload) select version, 'agent_upserted',"
                        + " '{\"id\":\"a0\",\"sip_uris\":[\"sip:a0@192.0.2.1\"],\"max_concurrent_calls\":0,\"enabled\":true}'::jsonb from head");
                st.execute("vacuum analyze numbers");
            }
            System.out.printf("%s %d numbers in %.1f s%n", reuse ? "reused" : "filled", n, (System.nanoTime() - fill) / 1e9);
            for (int i = 0; i < runs; i++) {
                RoutingTable table = RoutingTable.empty();
                var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                try (RouteFeedFollower follower = RouteFeedFollower.start(vertx, db, table)) {
                    long t1 = System.nanoTime();
                    long cpu = os.getProcessCpuTime() - cpu0;
                    if (table.size() != n || table.number(E164.of(12000000000L + n)).isEmpty()) {
                        throw new IllegalStateException("table has " + table.size() + " numbers");
                    }
                    System.out.printf("run %d: follower ready with %d numbers in %.2f s wall, %.2f s CPU of this process"
                                    + " (load average %.1f, heap used %d MB)%n", i + 1, table.size(), (t1 - t0) / 1e9, cpu / 1e9,
                            os.getSystemLoadAverage(), (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            if (!keep) {
                TestDatabases.drop(name);
            } else {
                System.out.println("kept database " + name);
            }
        }
    }
}
