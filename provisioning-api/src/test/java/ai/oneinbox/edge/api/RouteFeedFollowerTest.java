package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.AgentCredentials;
import ai.oneinbox.edge.routing.TrunkCredentials;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The feed from the store to routing tables: notification, poll, reconnect, gap, and start-up load. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouteFeedFollowerTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private ApiFixture node;

    @BeforeAll
    void start() {
        node = new ApiFixture();
        node.agent("a1");
        node.agent("a2");
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private long storeVersion() {
        try (Connection c = node.db.openJdbc(); Statement st = c.createStatement();
             var rs = st.executeQuery("select version from feed_head")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A committed change whose NOTIFY never happened (as if the listener had missed it). */
    private void appendWithoutNotify(String agentId) throws SQLException {
        try (Connection c = node.db.openJdbc(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("insert into agents (id, sip_uris) values ('" + agentId + "', array['sip:" + agentId + "@192.0.2.9'])");
            st.execute("with head as (update feed_head set version = version + 1 returning version)"
                    + " insert into route_changes (version, kind, payload) select version, 'agent_upserted', '"
                    + new JsonObject().put("id", agentId).put("sip_uris", new io.vertx.core.json.JsonArray().add("sip:" + agentId + "@192.0.2.9"))
                            .put("max_concurrent_calls", 0).put("voicemail_message", null).put("enabled", true).encode()
                    + "'::jsonb from head");
            c.commit();
        }
    }

    @Test
    void twoTablesFollowTheSamePatch() {
        RoutingTable second = RoutingTable.empty();
        try (RouteFeedFollower other = RouteFeedFollower.start(node.vertx, node.db, second, HOUR)) {
            String number = node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "a1").put("inbound_routing", new JsonObject()))
                    .json().getString("phone_number");
            E164 e = E164.of(Long.parseLong(number.substring(1)));
            assertEquals(200, node.patch("/v1/phone-numbers/" + number.substring(1), new JsonObject().put("agent_id", "a2")).status());
            long target = storeVersion();
            Await.until("both tables at version " + target, Duration.ofSeconds(10),
                    () -> node.table.version() == target && second.version() == target);
            assertEquals("a2", node.table.number(e).orElseThrow().agentId());
            assertEquals("a2", second.number(e).orElseThrow().agentId());
        }
    }

    @Test
    void aMissedNotifyIsCaughtUpByThePoll() throws SQLException {
        RoutingTable polled = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, polled, Duration.ofMillis(100))) {
            appendWithoutNotify("silent");
            Await.until("the poll applies the silent change", Duration.ofSeconds(10), () -> polled.agent("silent").isPresent());
            assertEquals(storeVersion(), polled.version());
        }
    }

    @Test
    void aReconnectCatchesUpWhatWasNotifiedWhileDisconnected() throws SQLException {
        RoutingTable table = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, table, HOUR)) {
            long before = table.version();
            TestDatabases.admin("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + node.dbName
                    + "' and query ilike 'LISTEN%'");
            assertEquals(201, node.post("/v1/agents", new JsonObject().put("agent_id", "during-outage").put("sip_uri", "sip:x@192.0.2.3")).status());
            Await.until("the re-subscribed follower catches up", Duration.ofSeconds(15), () -> table.agent("during-outage").isPresent());
            assertTrue(table.version() > before);
        }
    }

    @Test
    void aGapInTheFeedReloadsTheTable() throws SQLException {
        RoutingTable table = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, table, HOUR)) {
            long reloads = follower.reloads();
            appendWithoutNotify("pruned");
            // The change this table never saw is pruned from the feed (as retention would): a gap.
            try (Connection c = node.db.openJdbc(); Statement st = c.createStatement()) {
                st.execute("delete from route_changes where version = (select version from feed_head)");
            }
            assertEquals(201, node.post("/v1/agents", new JsonObject().put("agent_id", "after-gap").put("sip_uri", "sip:y@192.0.2.4")).status());
            Await.until("the table reloads past the gap", Duration.ofSeconds(10),
                    () -> table.agent("after-gap").isPresent() && table.agent("pruned").isPresent());
            assertEquals(reloads + 1, follower.reloads());
            assertEquals(storeVersion(), table.version());
        }
    }

    @Test
    void trunkCredentialsReachTheTableDecryptedButNeverTravelInTheFeed() throws SQLException {
        RoutingTable table = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, table, HOUR,
                Optional.of(SecretBox.load("", node.dataDir)))) {
            assertEquals(201, node.post("/v1/trunks", new JsonObject().put("id", "out-1").put("provider", "twilio")
                    .put("termination_uri", "sip:acme.pstn.twilio.com").put("sip_username", "edge-user")
                    .put("sip_password", "feed-secret-8731")).status());
            Await.until("the trunk arrives with its credentials", Duration.ofSeconds(10),
                    () -> table.trunk("out-1").flatMap(t -> t.credentials()).isPresent());
            assertEquals(new TrunkCredentials("edge-user", "feed-secret-8731"),
                    table.trunk("out-1").orElseThrow().credentials().orElseThrow());
            assertFalse(table.trunk("out-1").orElseThrow().toString().contains("feed-secret-8731"));
            assertEquals(200, node.patch("/v1/trunks/out-1", new JsonObject().put("sip_password", "rotated-2222")).status());
            Await.until("the rotated password arrives", Duration.ofSeconds(10), () -> table.trunk("out-1")
                    .flatMap(t -> t.credentials()).map(c -> c.password().equals("rotated-2222")).orElse(false));
            try (Connection c = node.db.openJdbc(); Statement st = c.createStatement();
                 var rs = st.executeQuery("select count(*) from route_changes where payload::text like '%feed-secret%'"
                         + " or payload::text like '%rotated-2222%'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "no plaintext secret in the feed");
            }
        }
        RoutingTable reloaded = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, reloaded, HOUR,
                Optional.of(SecretBox.load("", node.dataDir)))) {
            assertEquals("rotated-2222", reloaded.trunk("out-1").orElseThrow().credentials().orElseThrow().password(),
                    "the start-up snapshot decrypts too");
        }
        RoutingTable withoutKey = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, withoutKey, HOUR)) {
            assertEquals(Optional.empty(), withoutKey.trunk("out-1").orElseThrow().credentials());
        }
    }

    @Test
    void agentCredentialsReachTheTableDecryptedButNeverTravelInTheFeed() throws SQLException {
        RoutingTable table = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, table, HOUR,
                Optional.of(SecretBox.load("", node.dataDir)))) {
            assertEquals(201, node.post("/v1/agents", new JsonObject().put("agent_id", "dialer-1")
                    .put("sip_uri", "sip:dialer-1@198.51.100.30").put("sip_username", "dialer-sip")
                    .put("sip_password", "agent-feed-9182")).status());
            Await.until("the agent arrives with its credentials", Duration.ofSeconds(10),
                    () -> table.agent("dialer-1").flatMap(a -> a.credentials()).isPresent());
            assertEquals(new AgentCredentials("dialer-sip", "agent-feed-9182"),
                    table.agent("dialer-1").orElseThrow().credentials().orElseThrow());
            assertFalse(table.agent("dialer-1").orElseThrow().toString().contains("agent-feed-9182"));
            try (Connection c = node.db.openJdbc(); Statement st = c.createStatement();
                 var rs = st.executeQuery("select count(*) from route_changes where payload::text like '%agent-feed-9182%'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "no plaintext secret in the feed");
            }
        }
        RoutingTable reloaded = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, reloaded, HOUR,
                Optional.of(SecretBox.load("", node.dataDir)))) {
            assertEquals("agent-feed-9182", reloaded.agent("dialer-1").orElseThrow().credentials().orElseThrow().password(),
                    "the start-up snapshot decrypts too");
        }
        RoutingTable withoutKey = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, withoutKey, HOUR)) {
            assertEquals(Optional.empty(), withoutKey.agent("dialer-1").orElseThrow().credentials());
        }
    }

    @Test
    void startLoadsEverythingAtTheStoreVersion() {
        String message = "Line one\nTab\there, a backslash \\ and \\N, ünïcödé ☎";
        String number = node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "a1")
                .put("inbound_routing", new JsonObject().put("agent_id", "a2").put("voicemail_message", message)))
                .json().getString("phone_number");
        RoutingTable table = RoutingTable.empty();
        try (RouteFeedFollower follower = RouteFeedFollower.start(node.vertx, node.db, table, HOUR)) {
            assertEquals(storeVersion(), table.version());
            assertEquals(node.table.size(), table.size());
            assertTrue(table.agent("a1").isPresent());
            var route = table.number(E164.of(Long.parseLong(number.substring(1)))).orElseThrow();
            assertEquals(message, route.inboundRouting().orElseThrow().voicemailMessage().orElseThrow(),
                    "COPY text escapes decoded");
            assertEquals("a2", route.inboundAgentId());
        }
    }
}
