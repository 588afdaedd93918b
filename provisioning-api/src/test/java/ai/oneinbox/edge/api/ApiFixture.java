package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.provider.FakeTelnyx;
import ai.oneinbox.edge.api.provider.FakeTwilio;
import ai.oneinbox.edge.api.provider.RetryPolicy;
import ai.oneinbox.edge.routing.RoutingTable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A running node for API tests: a fresh database, the routing table fed by a follower, the API on a
 * loopback port, and a JDK HTTP client with the admin key.
 */
final class ApiFixture implements AutoCloseable {

    static final String KEY = "test-admin-key-0123456789abcdef";

    final String dbName;
    final Path dataDir;
    final Vertx vertx;
    final Database db;
    final RoutingTable table;
    final RouteFeedFollower follower;
    final ProvisioningApi api;
    final HttpClient http;
    final PrometheusMeterRegistry registry;
    /** Local fakes of Twilio's and Telnyx's APIs for Path C checks (permissive unless a test says otherwise). */
    final FakeTwilio twilio;
    final FakeTelnyx telnyx;
    /** The configuration the API was started with (fakes' base URLs filled in). */
    final ApiConfig config;

    ApiFixture() {
        this(ApiConfig.defaults(Path.of("unused")).withMaxBodyBytes(65536));
    }

    ApiFixture(ApiConfig base) {
        try {
            dataDir = Files.createTempDirectory("edge-api-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dbName = TestDatabases.create();
        vertx = Vertx.vertx();
        twilio = new FakeTwilio();
        twilio.permissive = true;
        telnyx = new FakeTelnyx();
        telnyx.permissive = true;
        // Retries without pauses: tests never wait on a backoff.
        ProviderConfig provider = base.provider().withRetry(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5)),
                Duration.ZERO, base.provider().orderMaxPolls());
        if (provider.twilio().baseUrl().isEmpty()) {
            provider = provider.withTwilio(provider.twilio().withBaseUrl("http://127.0.0.1:" + twilio.port()));
        }
        if (provider.telnyx().baseUrl().isEmpty()) {
            provider = provider.withTelnyx(provider.telnyx().withBaseUrl("http://127.0.0.1:" + telnyx.port() + "/v2"));
        }
        config = new ApiConfig("127.0.0.1", 0, KEY, base.maxBodyBytes(), base.publicSipUri(), "",
                DatabaseConfig.external(TestDatabases.url(dbName)), provider, dataDir, "US");
        Database started = null;
        RouteFeedFollower following = null;
        try {
            started = TestDatabases.start(dbName, dataDir);
            table = RoutingTable.empty();
            following = RouteFeedFollower.start(vertx, started, table);
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            api = ProvisioningApi.start(vertx, config, started, table, registry);
        } catch (RuntimeException | Error e) {
            // A fixture that did not start leaves no database (and no fake) behind.
            if (following != null) {
                following.close();
            }
            if (started != null) {
                started.close();
            }
            vertx.close();
            TestDatabases.drop(dbName);
            twilio.close();
            telnyx.close();
            throw e;
        }
        db = started;
        follower = following;
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    Response get(String path) {
        return send(request(path).GET().build());
    }

    Response delete(String path) {
        return send(request(path).DELETE().build());
    }

    Response post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    Response patch(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + KEY);
    }

    Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    CompletableFuture<Response> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.body(), r));
    }

    /** Creates an agent with a SIP URI on a documentation address. */
    JsonObject agent(String id) {
        Response r = post("/v1/agents", new JsonObject().put("agent_id", id).put("sip_uri", "sip:" + id + "@192.0.2.10:5060"));
        if (r.status() != 201) {
            throw new IllegalStateException("agent " + id + ": " + r);
        }
        return r.json();
    }

    /** Waits until the table has applied every change committed so far. */
    void awaitTable() {
        ProvisioningApi.await(follower.catchUp());
    }

    @Override
    public void close() {
        try {
            api.close();
        } finally {
            follower.close();
            db.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            TestDatabases.drop(dbName);
            twilio.close();
            telnyx.close();
        }
    }

    record Response(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            return new JsonObject(body);
        }

        JsonArray data() {
            return json().getJsonArray("data");
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** The problem's {@code errors[].field} values. */
        java.util.List<String> fields() {
            java.util.List<String> out = new java.util.ArrayList<>();
            json().getJsonArray("errors").forEach(e -> out.add(((JsonObject) e).getString("field")));
            return out;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
