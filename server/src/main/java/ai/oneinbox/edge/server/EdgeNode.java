package ai.oneinbox.edge.server;

import ai.oneinbox.edge.api.ApiConfig;
import ai.oneinbox.edge.api.Database;
import ai.oneinbox.edge.api.DatabaseConfig;
import ai.oneinbox.edge.api.ProviderConfig;
import ai.oneinbox.edge.api.ProvisioningApi;
import ai.oneinbox.edge.api.RouteFeedFollower;
import ai.oneinbox.edge.routing.RoutingConfig;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.sip.SipEdge;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.outbound.OutboundConfig;
import ai.oneinbox.edge.sip.transaction.SipTimers;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
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
    private SipEdge sip;

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
        // The launcher's shutdown hook stops the database last, after draining SIP and closing the API and feed.
        database = Database.start(dbConfig, config.dataDir(), false);
        started.push(database);

        // with the secrets key: trunks reach the table with their SIP credentials (outbound digest)
        feed = RouteFeedFollower.start(vertx, database, table, config.api().secretsKey().orElse(""), config.dataDir());
        started.push(feed);

        // The SIP edge routes from the table the feed keeps current; the API simulates with the edge's own
        // live view of the agents.
        sip = SipEdge.start(sipConfig(config), outboundConfig(config, effectiveSecretsKey(config)), table, registry);
        started.push(sip);

        EdgeConfig.Api a = config.api();
        ApiConfig apiConfig = new ApiConfig(a.host(), a.port(), a.apiKey().orElse(""), a.maxBodyBytes(),
                a.publicSipUri(), a.secretsKey().orElse(""), dbConfig, providerConfig(config.provider()),
                config.dataDir(), config.routing().defaultRegion());
        api = ProvisioningApi.start(vertx, apiConfig, database, table, registry, sip.availability());
        started.push(api);
    }

    static SipEdgeConfig sipConfig(EdgeConfig config) {
        EdgeConfig.Sip s = config.sip();
        return new SipEdgeConfig(s.host(), s.port(), s.advertisedHost(), s.udpChannels(),
                new SipEdgeConfig.Tls(s.tls().port(), s.tls().certificate(), s.tls().privateKey(), s.tls().selfSigned()),
                new SipLimits(s.limits().maxMessageBytes(), s.limits().maxHeaders(), s.limits().maxLineBytes(),
                        s.limits().streamIdleTimeout()),
                new SipTimers(s.timers().t1(), s.timers().t2(), s.timers().t4()),
                new SipEdgeConfig.Failover(s.failover().provisionalTimeout(), Set.copyOf(s.failover().finalStatuses())),
                s.voicemailUri(), s.drainRetryAfter(),
                new SipEdgeConfig.Trunks(s.trunks().extraCidrs(), s.trunks().twilioCidrs(), s.trunks().telnyxCidrs(),
                        s.trunks().scannerUserAgents()),
                new SipEdgeConfig.Health(s.health().interval(), s.health().timeout(), s.health().downAfter(),
                        s.health().upAfter()),
                config.routing().defaultRegion(), config.dataDir(), SipEdgeConfig.DEFAULT_MAX_TRANSACTIONS);
    }

    /**
     * The outbound section; agents calling from an unregistered address are challenged in the realm of the
     * edge's advertised host, with nonces keyed from the secrets key (the same on every node of one database).
     */
    static OutboundConfig outboundConfig(EdgeConfig config) {
        return outboundConfig(config, config.api().secretsKey().orElse(""));
    }

    static OutboundConfig outboundConfig(EdgeConfig config, String secretsKey) {
        EdgeConfig.Outbound o = config.outbound();
        return new OutboundConfig(o.platformTrunkUri(), o.maxCallsPerNumber(), o.maxCallsPerTrunk(), o.retryAfter(),
                o.dnsServer().map(EdgeNode::hostPort), o.dnsMinTtl(), o.dnsMaxTtl(), config.sip().advertisedHost(),
                secretsKey, OutboundConfig.DEFAULT_AUTH_ALGORITHMS);
    }

    /**
     * The configured secrets key, else the one the feed follower generated into the data directory: nonces
     * then survive a restart, and nodes that share the key (as they must, to read each other's secrets)
     * verify each other's nonces.
     */
    private static String effectiveSecretsKey(EdgeConfig config) {
        if (config.api().secretsKey().isPresent()) {
            return config.api().secretsKey().get();
        }
        Path file = config.dataDir().resolve("secrets.key");
        try {
            return Files.isReadable(file) ? Files.readString(file).strip() : "";
        } catch (IOException e) {
            log.warn("cannot read {}: {}; agent digest nonces use a key of this process only", file, e.toString());
            return "";
        }
    }

    /** {@code host:port} as the loader validated it; a name here is resolved once, at start. */
    private static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
    }

    /**
     * Stops taking new calls (OPTIONS and INVITE get 503 + Retry-After, so trunks fail over to another
     * node) and waits, up to {@code sip.drain_timeout}, for the transactions in flight to end.
     */
    void drain() throws InterruptedException {
        if (sip == null) {
            return;
        }
        sip.drain();
        long deadline = System.nanoTime() + config.sip().drainTimeout().toNanos();
        while (sip.transactionsInFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50); // shutdown path only: nothing to wake us when the last transaction ends
        }
        if (sip.transactionsInFlight() > 0) {
            log.warn("drain timeout: {} transactions still in flight are cut off", sip.transactionsInFlight());
        }
    }

    static ProviderConfig providerConfig(EdgeConfig.Provider p) {
        EdgeConfig.Twilio tw = p.twilio();
        EdgeConfig.Telnyx tx = p.telnyx();
        return ProviderConfig.of(p.name(),
                new ProviderConfig.Twilio(tw.accountSid(), tw.authToken(), tw.baseUrl().orElse(""), tw.trunkSid()),
                new ProviderConfig.Telnyx(tx.apiKey(), tx.baseUrl().orElse(""), tx.connectionId()));
    }

    /** Where SIP listens (UDP and TCP share it). */
    java.net.InetSocketAddress sipAddress() {
        return sip.boundAddresses().get(0);
    }

    int apiPort() {
        return api.port();
    }

    RoutingTable table() {
        return table;
    }

    /** What the ready line says: where the node listens and what it routes. */
    String describe() {
        return "node " + config.nodeId()
                + ", SIP " + sip.boundAddresses()
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
