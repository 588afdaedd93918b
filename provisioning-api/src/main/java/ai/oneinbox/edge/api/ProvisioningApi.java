package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.provider.NumberProvider;
import ai.oneinbox.edge.routing.AgentState;
import ai.oneinbox.edge.routing.Availability;
import ai.oneinbox.edge.routing.RoutingTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioning REST API: numbers (Paths A, B, C), agents, trunks, integrations, the routing
 * simulator, the OpenAPI document, health and Prometheus metrics, on one Vert.x HTTP server.
 */
public final class ProvisioningApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningApi.class);
    static final String OPENAPI_RESOURCE = "/ai/oneinbox/edge/api/openapi.json";

    /** The default availability view until the edge supplies its own: enabled agents are available. */
    public static final Availability ENABLED_AGENTS_AVAILABLE =
            agent -> agent.enabled() ? AgentState.AVAILABLE : AgentState.DISABLED;

    private final Vertx vertx;
    private final Pool pool;
    private final HttpServer server;
    private final Router router;
    private final AdminKey adminKey;

    private ProvisioningApi(Vertx vertx, Pool pool, HttpServer server, Router router, AdminKey adminKey) {
        this.vertx = vertx;
        this.pool = pool;
        this.server = server;
        this.router = router;
        this.adminKey = adminKey;
    }

    /** Starts with every enabled agent taken as available (see the other overload). */
    public static ProvisioningApi start(Vertx vertx, ApiConfig config, Database db, RoutingTable table, MeterRegistry registry) {
        return start(vertx, config, db, table, registry, ENABLED_AGENTS_AVAILABLE);
    }

    /**
     * Binds the API and returns when it listens (blocking; not on an event loop).
     *
     * @param table        the routing table this node's edge reads ({@code /v1/routing/simulate} asks it)
     * @param registry     a {@link PrometheusMeterRegistry}, or a composite holding one ({@code /metrics})
     * @param availability the edge's live view of agents, for the simulator
     */
    public static ProvisioningApi start(Vertx vertx, ApiConfig config, Database db, RoutingTable table,
                                        MeterRegistry registry, Availability availability) {
        PrometheusMeterRegistry prometheus = prometheus(registry).orElseThrow(() -> new IllegalArgumentException(
                "the meter registry must be a PrometheusMeterRegistry or a composite holding one"));
        AdminKey adminKey = AdminKey.resolve(config.apiKey(), config.dataDir());
        SecretBox secrets = SecretBox.load(config.secretsKey(), config.dataDir());
        Pool pool = db.pool(vertx);
        try {
            ApiKeys keys = new ApiKeys();
            await(keys.install(pool, adminKey));
            Providers providers = new Providers(vertx, config.provider());
            NumberProvider provider = providers.platform(pool);
            // Interrupted purchases are settled before serving; a provider that is down only delays that.
            await(new PurchaseReconciler(pool, provider).reconcile().otherwise(e -> {
                log.warn("Purchase reconciliation skipped: {}", e.getMessage());
                return null;
            }));
            ByoChecks byo = new ByoChecks(pool, secrets, providers, provider, config.publicSipUri());
            Router router = router(vertx, config, pool, table, registry, prometheus, availability, keys, secrets, provider, byo);
            HttpServer server = await(vertx.createHttpServer(new HttpServerOptions()
                            .setHost(config.host())
                            .setPort(config.port())
                            .setCompressionSupported(true))
                    .requestHandler(router)
                    .listen());
            log.info("Provisioning API listening on {}:{} (admin key {})", config.host(), server.actualPort(),
                    adminKey.storedIn().map(p -> "in " + p).orElse("from config"));
            return new ProvisioningApi(vertx, pool, server, router, adminKey);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static Router router(Vertx vertx, ApiConfig config, Pool pool, RoutingTable table, MeterRegistry registry,
                                 PrometheusMeterRegistry prometheus, Availability availability, ApiKeys keys,
                                 SecretBox secrets, NumberProvider provider, ByoChecks byo) {
        Router router = Router.router(vertx);
        io.micrometer.core.instrument.Gauge.builder("edge.routing.table.version", table, RoutingTable::version)
                .description("Route-change feed version applied to this node's routing table").register(registry);
        io.micrometer.core.instrument.Gauge.builder("edge.routing.table.numbers", table, RoutingTable::size)
                .description("Numbers in this node's routing table").register(registry);
        Problems problems = new Problems(config.maxBodyBytes());
        Buffer openapi = openApiDocument();
        router.route().handler(ctx -> observe(ctx, registry));
        router.route().handler(InputGuard::request);
        router.get("/health/live").handler(ProvisioningApi::live);
        router.get("/health/ready").handler(ctx -> ready(ctx, pool, table));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(prometheus.scrape()));
        router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(openapi));
        router.route("/v1/*").handler(keys::authenticate);
        router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
        router.route("/v1/*").handler(InputGuard::body);
        byo.mount(router);
        new NumberHandlers(pool, provider, config.defaultRegion(), byo).mount(router);
        new AgentHandlers(pool, secrets).mount(router);
        new TrunkHandlers(pool, secrets).mount(router);
        new IntegrationHandlers(pool, secrets, byo).mount(router);
        new SimulateHandler(table, availability, config.defaultRegion()).mount(router);
        router.route().failureHandler(problems::handle);
        router.errorHandler(404, problems::handle);
        router.errorHandler(405, problems::handle);
        return router;
    }

    private static void live(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("status", "up").encode());
    }

    private static void ready(RoutingContext ctx, Pool pool, RoutingTable table) {
        pool.query("select 1").execute()
                .timeout(2, TimeUnit.SECONDS)
                .onSuccess(ok -> ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                        .put("status", "ready")
                        .put("database", "up")
                        .put("routing_version", table.version())
                        .put("routing_numbers", table.size())
                        .encode()))
                .onFailure(e -> Problems.send(ctx, ApiProblem.unavailable(
                        "the database is unreachable; routing continues from memory at version " + table.version())));
    }

    /** Times every request by method, resource pattern and status. */
    private static void observe(RoutingContext ctx, MeterRegistry registry) {
        long started = System.nanoTime();
        ctx.addEndHandler(ignored -> Timer.builder("edge.api.requests")
                .description("Provisioning API requests")
                .tag("method", ctx.request().method().name())
                .tag("resource", resource(ctx.request().path()))
                .tag("status", Integer.toString(ctx.response().getStatusCode()))
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - started)));
        ctx.next();
    }

    /** The path with its ids replaced, so a metric's tags stay few: {@code /v1/phone-numbers/{id}}. */
    static String resource(String path) {
        if (path == null) {
            return "other";
        }
        String[] parts = path.split("/");
        if (parts.length < 3 || !parts[1].equals("v1")) {
            return path.startsWith("/health/") || path.equals("/metrics") || path.equals("/openapi.json") ? path : "other";
        }
        StringBuilder out = new StringBuilder("/v1/").append(parts[2]);
        for (int i = 3; i < parts.length; i++) {
            boolean fixed = parts[i].equals("available") || parts[i].equals("import") || parts[i].equals("simulate");
            out.append('/').append(fixed ? parts[i] : "{id}");
        }
        return out.toString();
    }

    private static Optional<PrometheusMeterRegistry> prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return Optional.of(p);
        }
        if (registry instanceof CompositeMeterRegistry c) {
            for (MeterRegistry inner : c.getRegistries()) {
                Optional<PrometheusMeterRegistry> found = prometheus(inner);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Buffer openApiDocument() {
        try (InputStream in = ProvisioningApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out", e);
        }
    }

    /** The port the API listens on. */
    public int port() {
        return server.actualPort();
    }

    /** The admin key in force (the launcher prints where it is stored, never the key). */
    public AdminKey adminKey() {
        return adminKey;
    }

    Router router() {
        return router;
    }

    @Override
    public void close() {
        try {
            await(server.close());
        } finally {
            // Wait: the database may be stopped right after this returns (the launcher's order).
            await(pool.close());
        }
    }
}
