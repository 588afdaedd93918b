package ai.oneinbox.edge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.sip.testing.Sipp;
import ai.oneinbox.edge.sip.testing.SippProcess;
import ai.oneinbox.edge.sip.testing.SippResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole node as {@code bin/edge} runs it (launcher, PostgreSQL, route feed, REST API, SIP edge) with SIPp
 * as the trunk and the agents: numbers provisioned over REST route real calls, and a {@code PATCH} is in force
 * for the very next call.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProvisionedCallsTest {
    private static final String ADMIN = "it-admin-key-0123456789abcdef";
    private static final String NUMBER = "+14155550100";
    private static final Path SCENARIOS = Path.of("..", "loadtests", "scenarios").toAbsolutePath();
    private static final Duration EXIT = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String database;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private EdgeNode node;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = "edge_server_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aPatchedRouteTakesTheNextCallAndRemovingInboundRoutingMakesTheNumberOutboundOnly() throws Exception {
        Path file = dataDir.resolve("edge.yaml");
        Files.writeString(file, "api:\n  host: 127.0.0.1\n");
        node = EdgeNode.start(ConfigLoader.load(file, Map.of(
                "EDGE_DATA_DIR", dataDir.toString(),
                "EDGE_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + database,
                "EDGE_SIP_HOST", "127.0.0.1",
                "EDGE_SIP_PORT", "0",
                "EDGE_API_PORT", "0",
                "EDGE_API_KEY", ADMIN,
                "EDGE_TRUNK_CIDRS", "127.0.0.0/8")));

        SippProcess agent1 = agent("agent-1");
        SippProcess agent2 = agent("agent-2");
        post("/v1/agents", "{\"agent_id\":\"agent-1\",\"sip_uri\":\"sip:agent-1@127.0.0.1:" + agent1.address().getPort() + "\",\"enabled\":true}", 201);
        post("/v1/agents", "{\"agent_id\":\"agent-2\",\"sip_uri\":\"sip:agent-2@127.0.0.1:" + agent2.address().getPort() + "\",\"enabled\":true}", 201);
        // Path A: buy the number from the sandbox and wire it to agent-1 for inbound calls.
        JsonNode bought = post("/v1/phone-numbers",
                "{\"phone_number\":\"" + NUMBER + "\",\"agent_id\":\"agent-1\",\"inbound_routing\":{\"agent_id\":\"agent-1\"}}", 201);
        assertEquals(NUMBER, bought.get("phone_number").asText());

        awaitRoute(r -> r.inboundRouting().isPresent());
        assertEquals(0, call("twilio_uac.xml").failedCalls());
        assertEquals(1, agent1.awaitCalls(1, EXIT).successfulCalls());

        patch("{\"inbound_routing\":{\"agent_id\":\"agent-2\"}}");
        awaitRoute(r -> r.inboundRouting().flatMap(ir -> ir.agentId()).equals(Optional.of("agent-2")));
        assertEquals(0, call("twilio_uac.xml").failedCalls());
        assertEquals(1, agent2.awaitCalls(1, EXIT).successfulCalls());
        assertEquals(1, agent1.stats().successfulCalls(), "agent-1 took no call after the PATCH");

        patch("{\"inbound_routing\":null}");
        awaitRoute(r -> r.inboundRouting().isEmpty());
        SippResult refused = call("uac_expect_outbound_only.xml");
        assertEquals(1, refused.successfulCalls(), "the trunk saw the outbound-only 404: " + refused.describe());

        JsonNode simulated = post("/v1/routing/simulate", "{\"to\":\"" + NUMBER + "\"}", 200);
        assertEquals("outbound_only", simulated.get("reject_code").asText(), simulated.toString());
    }

    @Test
    void theNodeStopsAndStartsAgainOnTheSameDataWithTheSameKeyAndTable() throws Exception {
        Path file = dataDir.resolve("edge.yaml");
        Files.writeString(file, "api:\n  host: 127.0.0.1\n");
        Map<String, String> env = Map.of(
                "EDGE_DATA_DIR", dataDir.toString(),
                "EDGE_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + database,
                "EDGE_SIP_HOST", "127.0.0.1", "EDGE_SIP_PORT", "0", "EDGE_API_PORT", "0");
        node = EdgeNode.start(ConfigLoader.load(file, env));
        String key = Files.readString(dataDir.resolve("admin-api-key")).strip();
        assertTrue(node.describe().contains("database external"), node.describe());
        node.close();

        node = EdgeNode.start(ConfigLoader.load(file, env));
        assertEquals(key, Files.readString(dataDir.resolve("admin-api-key")).strip(), "the generated key is kept");
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(api("/health/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
    }

    private SippProcess agent(String agentId) {
        SippProcess p = Sipp.uas(SCENARIOS.resolve("agent_uas.xml").toString())
                .set("expect_agent", agentId).set("expect_number", NUMBER).set("expect_route", "primary").start();
        resources.add(p);
        return p;
    }

    private SippResult call(String scenario) {
        SippProcess p = Sipp.uac(SCENARIOS.resolve(scenario).toString(), node.sipAddress())
                .injection(List.of(String.join(";", NUMBER, "AC0123456789abcdef0123456789abcdef", "+14155550199", NUMBER)))
                .calls(1).start();
        resources.add(p);
        return p.awaitExit(EXIT);
    }

    /** The feed applies changes asynchronously (NOTIFY then catch-up): wait, bounded, for the table to show it. */
    private void awaitRoute(Predicate<NumberRoute> condition) {
        E164 number = E164.of(Long.parseLong(NUMBER.substring(1)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!node.table().number(number).filter(condition).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the routing table never showed the change: " + node.table().number(number));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private JsonNode post(String path, String body, int expected) throws Exception {
        return send(HttpRequest.newBuilder(api(path)).POST(HttpRequest.BodyPublishers.ofString(body)), expected);
    }

    private void patch(String body) throws Exception {
        send(HttpRequest.newBuilder(api("/v1/phone-numbers/" + NUMBER.replace("+", "%2B")))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)), 200);
    }

    private JsonNode send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private URI api(String path) {
        return URI.create("http://127.0.0.1:" + node.apiPort() + path);
    }
}
