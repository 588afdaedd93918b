package ai.oneinbox.edge.server;

import ai.oneinbox.edge.api.ApiConfig;
import ai.oneinbox.edge.api.Database;
import ai.oneinbox.edge.api.DatabaseConfig;
import ai.oneinbox.edge.api.ProviderConfig;
import ai.oneinbox.edge.api.ProvisioningApi;
import ai.oneinbox.edge.api.RouteFeedFollower;
import ai.oneinbox.edge.routing.RoutingConfig;
import ai.oneinbox.edge.routing.RoutingTable;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
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
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Database database;
    private RouteFeedFollower feed;
    private ProvisioningApi api;

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
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        started.push(gc);

        Vertx vertx = Vertx.vertx();
        started.push(() -> vertx.close().await());

        DatabaseConfig dbConfig = new DatabaseConfig(config.database().url().orElse(""), config.database().poolSize());
        database = Database.start(dbConfig, config.dataDir());
        started.push(database);

        feed = RouteFeedFollower.start(vertx, database, table);
        started.push(feed);

        EdgeConfig.Api a = config.api();
        ApiConfig apiConfig = new ApiConfig(a.host(), a.port(), a.apiKey().orElse(""), a.maxBodyBytes(),
                a.publicSipUri(), a.secretsKey().orElse(""), dbConfig, new ProviderConfig(config.provider().name()),
                config.dataDir(), config.routing().defaultRegion());
        api = ProvisioningApi.start(vertx, apiConfig, database, table, registry);
        started.push(api);
    }

    RoutingTable table() {
        return table;
    }

    /** What the ready line says: where the node listens and what it routes. */
    String describe() {
        return "node " + config.nodeId()
                + ", API http://" + config.api().host() + ":" + api.port()
                + ", " + table.size() + " numbers at version " + table.version()
                + ", database " + (database.isEmbedded() ? "embedded in " + config.dataDir().resolve("pg") : "external")
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
