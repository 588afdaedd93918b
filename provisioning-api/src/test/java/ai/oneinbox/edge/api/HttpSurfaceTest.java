package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.ApiFixture.Response;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Authentication, limits, errors, health, metrics, the OpenAPI document, the simulator, secrets in logs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpSurfaceTest {

    private ApiFixture node;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void start() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        ((Logger) LoggerFactory.getLogger("ai.oneinbox")).setLevel(ch.qos.logback.classic.Level.DEBUG);
        node = new ApiFixture(ApiConfig.defaults(java.nio.file.Path.of("unused")).withMaxBodyBytes(4096));
    }

    @AfterAll
    void stop() {
        node.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("ai.oneinbox")).setLevel(ch.qos.logback.classic.Level.INFO);
    }

    @Test
    void everyV1RouteNeedsTheBearerKey() {
        Response none = node.send(HttpRequest.newBuilder(node.uri("/v1/agents")).GET().build());
        assertEquals(401, none.status());
        assertEquals("application/problem+json", none.header("Content-Type"));
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"));
        Response wrong = node.send(HttpRequest.newBuilder(node.uri("/v1/agents")).header("Authorization", "Bearer nope").GET().build());
        assertEquals(401, wrong.status(), "RFC 6750 §3.1: an invalid token is 401");
        assertEquals("Bearer realm=\"oneinbox\", error=\"invalid_token\"", wrong.header("WWW-Authenticate"));
        Response basic = node.send(HttpRequest.newBuilder(node.uri("/v1/agents")).header("Authorization", "Basic eDp5").GET().build());
        assertEquals(401, basic.status());
        assertEquals(200, node.get("/v1/agents").status());
        assertEquals(200, node.send(HttpRequest.newBuilder(node.uri("/health/live")).GET().build()).status(), "health needs no key");
    }

    @Test
    void theAdminKeyIsStoredHashed() throws Exception {
        try (var c = node.db.openJdbc(); var st = c.createStatement(); var rs = st.executeQuery("select key_hash from api_keys")) {
            assertTrue(rs.next());
            assertFalse(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1).contains(ApiFixture.KEY));
            assertEquals(32, rs.getBytes(1).length);
        }
    }

    @Test
    void bodiesOverTheLimitAre413() {
        String big = new JsonObject().put("agent_id", "big").put("sip_uri", "sip:a@192.0.2.1").put("voicemail_message", "x".repeat(5000)).encode();
        Response r = node.post("/v1/agents", big);
        assertEquals(413, r.status(), r.body());
        assertEquals(413, r.json().getInteger("status"));
        assertEquals(404, node.get("/v1/agents/big").status(), "nothing written");
    }

    @Test
    void unknownRoutesAndMethodsAreProblems() {
        Response missing = node.get("/v1/nothing-here");
        assertEquals(404, missing.status());
        assertEquals("application/problem+json", missing.header("Content-Type"));
        Response method = node.send(node.request("/v1/routing/simulate").GET().build());
        assertEquals(405, method.status(), method.body());
    }

    @Test
    void healthAndMetrics() {
        Response ready = node.get("/health/ready");
        assertEquals(200, ready.status(), ready.body());
        assertEquals("up", ready.json().getString("database"));
        node.get("/v1/agents");
        Response metrics = node.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("edge_api_requests_seconds_count{method=\"GET\",resource=\"/v1/agents\",status=\"200\"}"),
                metrics.body());
        assertTrue(metrics.body().contains("edge_routing_table_version "), metrics.body());
    }

    @Test
    void theOpenApiDocumentMatchesTheRouter() {
        Response doc = node.get("/openapi.json");
        assertEquals(200, doc.status());
        JsonObject paths = doc.json().getJsonObject("paths");
        Set<String> documented = new TreeSet<>();
        for (String path : paths.fieldNames()) {
            for (String key : paths.getJsonObject(path).fieldNames()) {
                if (Set.of("get", "post", "put", "patch", "delete").contains(key)) {
                    documented.add(key.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
        }
        Set<String> routed = new TreeSet<>();
        for (Route route : node.api.router().getRoutes()) {
            if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
                continue;
            }
            for (HttpMethod m : route.methods()) {
                routed.add(m.name() + " " + route.getPath().replaceAll(":([a-z0-9_]+)", "{$1}"));
            }
        }
        assertEquals(routed, documented);
        assertTrue(doc.json().getString("openapi").startsWith("3."));
    }

    @Test
    void theOpenApiAgentSchemasListEveryFieldTheApiAcceptsAndReturns() {
        JsonObject schemas = node.get("/openapi.json").json().getJsonObject("components").getJsonObject("schemas");
        assertEquals(AgentHandlers.FIELDS, schemas.getJsonObject("AgentInput").getJsonObject("properties").fieldNames());
        Set<String> patchable = new TreeSet<>(AgentHandlers.FIELDS);
        patchable.remove("agent_id");
        assertEquals(patchable, schemas.getJsonObject("AgentPatch").getJsonObject("properties").fieldNames());
        Response created = node.post("/v1/agents", new JsonObject().put("agent_id", "documented")
                .put("sip_uri", "sip:documented@198.51.100.40").put("sip_username", "documented-sip")
                .put("sip_password", "documented-pass-1"));
        assertEquals(201, created.status(), created.body());
        assertEquals(new TreeSet<>(created.json().fieldNames()),
                new TreeSet<>(schemas.getJsonObject("Agent").getJsonObject("properties").fieldNames()));
    }

    @Test
    void simulateExplainsTheDecision() {
        node.agent("primary");
        node.agent("backup");
        String number = node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "primary").put("area_code", "415")
                .put("inbound_routing", new JsonObject().put("fallback", new JsonObject().put("agent_id", "backup"))))
                .json().getString("phone_number");
        node.awaitTable();
        Response toAgent = node.post("/v1/routing/simulate", new JsonObject().put("to", number));
        assertEquals(200, toAgent.status(), toAgent.body());
        assertEquals("to_agent", toAgent.json().getString("decision"));
        assertEquals("primary", toAgent.json().getString("agent_id"));
        assertEquals("primary", toAgent.json().getString("leg"));

        assertEquals(200, node.patch("/v1/agents/primary", "{\"enabled\": false}").status());
        node.awaitTable();
        Response fallback = node.post("/v1/routing/simulate", new JsonObject().put("to", "sip:" + number + "@voice.oneinbox.ai"));
        assertEquals("backup", fallback.json().getString("agent_id"), fallback.body());
        assertEquals("fallback", fallback.json().getString("leg"));
        assertTrue(fallback.json().getJsonArray("trace").encode().contains("disabled"), fallback.body());

        Response unknown = node.post("/v1/routing/simulate", new JsonObject().put("to", "+12125550199").put("source_ip", "54.172.60.1"));
        assertEquals("reject", unknown.json().getString("decision"));
        assertEquals(404, unknown.json().getInteger("sip_status"));
        assertEquals("not_found", unknown.json().getString("reject_code"));
        assertEquals("54.172.60.1", unknown.json().getJsonObject("trunk_check").getString("source_ip"));

        Response bad = node.post("/v1/routing/simulate", new JsonObject().put("to", "hello").put("source_ip", "example.com").put("x", 1));
        assertEquals(400, bad.status());
        assertEquals(Set.of("to", "source_ip", "x"), new java.util.HashSet<>(bad.fields()));
    }

    @Test
    void secretsNeverReachTheLogs() {
        String token = "0badc0de0badc0de0badc0de0bad4242";
        String trunkPassword = "trunk-pass-never-logged";
        node.post("/v1/integrations", new JsonObject().put("provider", "twilio")
                .put("account_sid", "AC22222222222222222222222222222222").put("auth_token", token));
        node.post("/v1/integrations", new JsonObject().put("provider", "twilio")
                .put("account_sid", "bad").put("auth_token", token));
        node.post("/v1/trunks", new JsonObject().put("provider", "generic").put("termination_uri", "gw.secret.example")
                .put("sip_username", "u").put("sip_password", trunkPassword));
        node.post("/v1/trunks", new JsonObject().put("provider", "generic").put("termination_uri", "gw.secret.example")
                .put("sip_username", "u").put("sip_password", trunkPassword));
        List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage() + " " + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).toList();
        assertFalse(lines.isEmpty(), "the appender sees our logs");
        for (String line : lines) {
            assertFalse(line.contains(token) || line.contains(trunkPassword) || line.contains(ApiFixture.KEY), line);
        }
    }
}
