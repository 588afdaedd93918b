package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.ApiFixture.Response;
import ai.oneinbox.edge.routing.Agent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Agents, trunks and integrations: every operation's success and failure cases. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResourcesApiTest {

    private ApiFixture node;

    @BeforeAll
    void start() {
        node = new ApiFixture();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void agentLifecycleReachesTheTable() {
        Response created = node.post("/v1/agents", new JsonObject().put("agent_id", "alice").put("sip_uri", "sip:alice@192.0.2.1:5080")
                .put("sip_uris", new JsonArray().add("sips:alice@backup.example.com")).put("max_concurrent_calls", 3)
                .put("voicemail_message", "Alice is away"));
        assertEquals(201, created.status(), created.body());
        assertEquals("alice", created.json().getString("agent_id"));
        assertEquals(List.of("sips:alice@backup.example.com"), created.json().getJsonArray("sip_uris").getList());
        assertTrue(created.json().getBoolean("enabled"));

        node.awaitTable();
        Agent a = node.table.agent("alice").orElseThrow();
        assertEquals(List.of("sip:alice@192.0.2.1:5080", "sips:alice@backup.example.com"), a.sipUris());
        assertEquals(3, a.maxConcurrentCalls());

        assertEquals(409, node.post("/v1/agents", new JsonObject().put("agent_id", "alice").put("sip_uri", "sip:a@b.example")).status());

        Response patched = node.patch("/v1/agents/alice", "{\"enabled\": false, \"voicemail_message\": null, \"sip_uris\": null}");
        assertEquals(200, patched.status(), patched.body());
        assertFalse(patched.json().getBoolean("enabled"));
        assertNull(patched.json().getValue("voicemail_message"));
        assertEquals(0, patched.json().getJsonArray("sip_uris").size());
        node.awaitTable();
        assertFalse(node.table.agent("alice").orElseThrow().enabled());

        assertEquals(200, node.get("/v1/agents/alice").status());
        assertEquals(404, node.get("/v1/agents/bob").status());
        assertEquals(404, node.patch("/v1/agents/bob", "{\"enabled\": true}").status());

        Response generated = node.post("/v1/agents", new JsonObject().put("sip_uri", "sip:gen@192.0.2.2"));
        assertEquals(201, generated.status());
        assertTrue(generated.json().getString("agent_id").startsWith("agt_"));

        assertEquals(204, node.delete("/v1/agents/alice").status());
        assertEquals(404, node.delete("/v1/agents/alice").status());
        node.awaitTable();
        assertTrue(node.table.agent("alice").isEmpty());
    }

    @Test
    void agentValidation() {
        Response r = node.post("/v1/agents", new JsonObject().put("agent_id", "bad id!").put("sip_uri", "http://x")
                .put("sip_uris", new JsonArray().add("sip:ok@example.com").add("mailto:x")).put("max_concurrent_calls", -1)
                .put("enabled", "yes").put("colour", "red"));
        assertEquals(400, r.status());
        assertEquals(Set.of("agent_id", "sip_uri", "sip_uris[1]", "max_concurrent_calls", "enabled", "colour"), new HashSet<>(r.fields()));
        assertEquals(List.of("sip_uri"), node.post("/v1/agents", new JsonObject().put("agent_id", "nouri")).fields());
        Response patch = node.patch("/v1/agents/whoever", "{\"agent_id\": \"x\", \"enabled\": null}");
        assertEquals(400, patch.status());
        assertEquals(Set.of("agent_id", "enabled"), new HashSet<>(patch.fields()));
    }

    @Test
    void deletingAnAgentInUseIsConflictNamingTheNumbers() {
        node.agent("busy");
        node.agent("spare");
        String n1 = node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "spare").put("area_code", "416")
                .put("country", "CA").put("inbound_routing", new JsonObject().put("fallback", new JsonObject().put("agent_id", "busy"))))
                .json().getString("phone_number");
        Response r = node.delete("/v1/agents/busy");
        assertEquals(409, r.status(), r.body());
        assertTrue(r.json().getString("detail").contains(n1), r.body());
        node.awaitTable();
        assertTrue(node.table.agent("busy").isPresent());
    }

    @Test
    void trunkLifecycleWithSealedPassword() throws Exception {
        Response created = node.post("/v1/trunks", new JsonObject().put("id", "carrier-1").put("provider", "generic")
                .put("termination_uri", "sip:gw.carrier.example:5060").put("source_cidrs", new JsonArray().add("198.51.100.0/24"))
                .put("sip_username", "edge").put("sip_password", "trunk-password-4321").put("max_concurrent_calls", 30));
        assertEquals(201, created.status(), created.body());
        JsonObject t = created.json();
        assertTrue(t.getBoolean("has_sip_password"));
        assertFalse(created.body().contains("trunk-password-4321"));
        assertFalse(node.get("/v1/trunks/carrier-1").body().contains("4321"));

        try (Connection c = node.db.openJdbc(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select sip_password from trunks where id = 'carrier-1'")) {
            rs.next();
            String stored = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertFalse(stored.contains("trunk-password"), "the password is sealed at rest");
        }

        node.awaitTable();
        var trunk = node.table.trunk("carrier-1").orElseThrow();
        assertTrue(trunk.accepts(java.net.InetAddress.getByName("198.51.100.7")));

        assertEquals(409, node.post("/v1/trunks", new JsonObject().put("provider", "generic")
                .put("termination_uri", "gw.carrier.example:5060")).status(), "same termination, written another way");

        Response patched = node.patch("/v1/trunks/carrier-1", new JsonObject().put("source_cidrs", new JsonArray().add("203.0.113.0/24")));
        assertEquals(200, patched.status(), patched.body());
        assertTrue(patched.json().getBoolean("has_sip_password"), "a patch without sip_password keeps it");
        node.awaitTable();
        assertTrue(node.table.trunk("carrier-1").orElseThrow().accepts(java.net.InetAddress.getByName("203.0.113.9")));

        Response bad = node.post("/v1/trunks", new JsonObject().put("provider", "acme").put("termination_uri", "not a host")
                .put("source_cidrs", new JsonArray().add("10.0.0.0/33")).put("sip_password", "x12345678"));
        assertEquals(400, bad.status());
        assertEquals(Set.of("provider", "termination_uri", "source_cidrs[0]", "sip_username"), new HashSet<>(bad.fields()));

        Response list = node.get("/v1/trunks");
        assertEquals(200, list.status());
        assertTrue(list.data().size() >= 1);

        assertEquals(204, node.delete("/v1/trunks/carrier-1").status());
        assertEquals(404, node.get("/v1/trunks/carrier-1").status());
        node.awaitTable();
        assertTrue(node.table.trunk("carrier-1").isEmpty());
    }

    @Test
    void agentSipCredentialsAreSealedAndNeverReturned() throws Exception {
        Response created = node.post("/v1/agents", new JsonObject().put("agent_id", "caller-1")
                .put("sip_uri", "sip:caller-1@198.51.100.20").put("sip_username", "caller-1-sip")
                .put("sip_password", "agent-password-5150"));
        assertEquals(201, created.status(), created.body());
        assertEquals("caller-1-sip", created.json().getString("sip_username"));
        assertTrue(created.json().getBoolean("has_sip_password"));
        assertFalse(created.json().containsKey("sip_password"));
        assertFalse(created.body().contains("5150"));
        assertFalse(node.get("/v1/agents/caller-1").body().contains("5150"));
        assertFalse(node.get("/v1/agents").body().contains("5150"));
        try (Connection c = node.db.openJdbc(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select sip_password from agents where id = 'caller-1'")) {
            rs.next();
            String stored = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertFalse(stored.contains("agent-password"), "the password is sealed at rest");
        }

        Response kept = node.patch("/v1/agents/caller-1", new JsonObject().put("max_concurrent_calls", 3));
        assertEquals(200, kept.status(), kept.body());
        assertTrue(kept.json().getBoolean("has_sip_password"), "a patch without sip_password keeps it");
        Response orphan = node.patch("/v1/agents/caller-1", new JsonObject().putNull("sip_username"));
        assertEquals(400, orphan.status(), orphan.body());
        assertEquals(List.of("sip_username"), orphan.fields());
        Response cleared = node.patch("/v1/agents/caller-1", new JsonObject().putNull("sip_username").putNull("sip_password"));
        assertEquals(200, cleared.status(), cleared.body());
        assertFalse(cleared.json().getBoolean("has_sip_password"));
        assertNull(cleared.json().getString("sip_username"));

        Response bad = node.post("/v1/agents", new JsonObject().put("sip_uri", "sip:x@198.51.100.21")
                .put("sip_username", "has space").put("sip_password", "short"));
        assertEquals(400, bad.status(), bad.body());
        assertEquals(Set.of("sip_username", "sip_password"), new HashSet<>(bad.fields()));
        Response noUser = node.post("/v1/agents", new JsonObject().put("sip_uri", "sip:x@198.51.100.21")
                .put("sip_password", "long-enough-1"));
        assertEquals(List.of("sip_username"), noUser.fields());
        assertEquals(204, node.delete("/v1/agents/caller-1").status());
    }

    @Test
    void integrationsNeverReturnTheirSecrets() throws Exception {
        String token = "f00dfeedf00dfeedf00dfeedf00d9876";
        Response twilio = node.post("/v1/integrations", new JsonObject().put("provider", "twilio")
                .put("account_sid", "AC11111111111111111111111111111111").put("auth_token", token));
        assertEquals(201, twilio.status(), twilio.body());
        assertEquals("9876", twilio.json().getString("auth_token_last4"));
        assertFalse(twilio.body().contains(token));
        String id = twilio.json().getString("id");
        assertFalse(node.get("/v1/integrations/" + id).body().contains(token));
        assertFalse(node.get("/v1/integrations").body().contains(token));

        Response telnyx = node.post("/v1/integrations", new JsonObject().put("provider", "telnyx")
                .put("api_key", "KEY0123456789_telnyx_secret_ABCD").put("connection_id", "1234567890"));
        assertEquals(201, telnyx.status(), telnyx.body());
        assertEquals("ABCD", telnyx.json().getString("api_key_last4"));

        try (Connection c = node.db.openJdbc(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select secret from integrations")) {
            while (rs.next()) {
                String stored = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(stored.contains(token) || stored.contains("telnyx_secret"), "secrets are sealed at rest");
            }
        }

        Response bad = node.post("/v1/integrations", new JsonObject().put("provider", "twilio").put("account_sid", "XX1")
                .put("api_key", "k"));
        assertEquals(400, bad.status());
        assertEquals(Set.of("account_sid", "api_key", "auth_token"), new HashSet<>(bad.fields()));
        assertEquals(List.of("provider"), node.post("/v1/integrations", new JsonObject().put("provider", "acme")).fields());

        assertEquals(204, node.delete("/v1/integrations/" + id).status());
        assertEquals(404, node.get("/v1/integrations/" + id).status());
    }
}
