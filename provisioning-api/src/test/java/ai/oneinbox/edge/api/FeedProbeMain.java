package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.RoutingTable;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.locks.LockSupport;

/**
 * The second edge process of the propagation measurement: a follower on its own routing table that
 * prints {@code v <version>} each time the table's version moves, until stdin closes.
 *
 * <p>Usage: {@code FeedProbeMain <postgresql-url>}
 */
public final class FeedProbeMain {

    private FeedProbeMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        Vertx vertx = Vertx.vertx();
        RoutingTable table = RoutingTable.empty();
        try (Database db = Database.start(DatabaseConfig.external(args[0]), Files.createTempDirectory("probe"));
             RouteFeedFollower follower = RouteFeedFollower.start(vertx, db, table)) {
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // drain
                    }
                } catch (java.io.IOException e) {
                    // parent gone
                }
                System.exit(0);
            });
            stdin.setDaemon(true);
            stdin.start();
            long seen = table.version();
            out.println("ready " + seen);
            out.flush();
            while (true) {
                long v = table.version();
                if (v != seen) {
                    seen = v;
                    out.println("v " + v);
                    out.flush();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        }
    }
}
