package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.RouteDecision;
import ai.oneinbox.edge.routing.RoutingTable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The database goes away: the API answers 503 problems, routing goes on from memory, and both recover. */
class DatabaseOutageTest {

    private static final String KEY = "outage-test-key-0123456789";

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void apiAnswers503WhileTheDatabaseIsAwayAndRecoversByItself() throws Exception {
        String name = TestDatabases.create();
        Vertx vertx = Vertx.vertx();
        Path dataDir = Files.createTempDirectory("edge-outage");
        try (TcpProxy proxy = new TcpProxy(5432);
             Database db = Database.start(DatabaseConfig.external("postgresql://postgres@127.0.0.1:" + proxy.port() + "/" + name), dataDir)) {
            RoutingTable table = RoutingTable.empty();
            ApiConfig config = ApiConfig.defaults(dataDir).withListen("127.0.0.1", 0).withApiKey(KEY);
            try (RouteFeedFollower follower = RouteFeedFollower.start(vertx, db, table, Duration.ofMillis(200));
                 ProvisioningApi api = ProvisioningApi.start(vertx, config, db, table, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                HttpClient http = HttpClient.newHttpClient();
                var call = new Object() {
                    HttpResponse<String> send(String method, String path, String body) throws Exception {
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                                .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + KEY)
                                .header("Content-Type", "application/json");
                        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
                        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    }
                };
                assertEquals(201, call.send("POST", "/v1/agents", "{\"agent_id\":\"a\",\"sip_uri\":\"sip:a@192.0.2.1\"}").statusCode());
                var bought = call.send("POST", "/v1/phone-numbers", "{\"agent_id\":\"a\",\"inbound_routing\":{}}");
                assertEquals(201, bought.statusCode(), bought.body());
                String number = new JsonObject(bought.body()).getString("phone_number");
                E164 e164 = E164.of(Long.parseLong(number.substring(1)));
                Await.until("the table has the number", Duration.ofSeconds(10), () -> table.number(e164).isPresent());

                proxy.cut();

                var down = call.send("GET", "/v1/agents", null);
                assertEquals(503, down.statusCode(), down.body());
                assertEquals("application/problem+json", down.headers().firstValue("Content-Type").orElse(""));
                assertTrue(new JsonObject(down.body()).getString("detail").contains("database"), down.body());
                assertEquals(503, call.send("POST", "/v1/agents", "{\"agent_id\":\"b\",\"sip_uri\":\"sip:b@192.0.2.2\"}").statusCode());
                assertEquals(503, call.send("GET", "/health/ready", null).statusCode());
                var simulated = call.send("POST", "/v1/routing/simulate", new JsonObject().put("to", number).encode());
                assertEquals(200, simulated.statusCode());
                assertEquals("to_agent", new JsonObject(simulated.body()).getString("decision"), "routing goes on from memory");
                assertTrue(table.resolve(e164, ProvisioningApi.ENABLED_AGENTS_AVAILABLE) instanceof RouteDecision.ToAgent);

                proxy.restore();

                Await.until("the API recovers by itself", Duration.ofSeconds(30), () -> {
                    try {
                        return call.send("GET", "/v1/agents", null).statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });
                var patched = call.send("PATCH", "/v1/phone-numbers/" + number.substring(1), "{\"inbound_routing\":null}");
                assertEquals(200, patched.statusCode(), patched.body());
                Await.until("the follower applies changes again", Duration.ofSeconds(30),
                        () -> table.resolve(e164, ProvisioningApi.ENABLED_AGENTS_AVAILABLE) instanceof RouteDecision.Reject);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            TestDatabases.drop(name);
        }
    }
}
