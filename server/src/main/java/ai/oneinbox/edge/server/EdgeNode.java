package ai.oneinbox.edge.server;

import ai.oneinbox.edge.routing.RoutingConfig;
import ai.oneinbox.edge.routing.RoutingTable;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: the parts started in order, stopped in reverse. A part that fails to start stops the
 * ones already running, so a failed start leaves no ports bound and no database running.
 */
final class EdgeNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeNode.class);

    private final EdgeConfig config;
    private final RoutingTable table;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    private EdgeNode(EdgeConfig config, RoutingTable table) {
        this.config = config;
        this.table = table;
    }

    static EdgeNode start(EdgeConfig config) throws Exception {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new ConfigException("data_dir", "cannot create " + config.dataDir() + ": " + e.getMessage());
        }
        RoutingTable table = RoutingTable.create(
                new RoutingConfig(config.routing().defaultRegion(), config.routing().platformVoicemailMessage()));
        EdgeNode node = new EdgeNode(config, table);
        try {
            node.startParts();
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void startParts() {
        // The database, feed, API and SIP edge are started here in that order as each lands.
    }

    RoutingTable table() {
        return table;
    }

    /** What the ready line says: where the node listens and what it routes. */
    String describe() {
        return "node " + config.nodeId() + ", " + table.size() + " numbers at version " + table.version()
                + ", data " + config.dataDir().toAbsolutePath().normalize();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("stopping {} failed: {}", part, e.toString());
            }
        }
    }
}
