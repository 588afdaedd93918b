package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.E164;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default deployment: embedded PostgreSQL in {@code <data_dir>/pg}, a generated admin key and secrets
 * key, and everything still there after a restart.
 */
class EmbeddedDatabaseTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theEmbeddedServerWantsTheDataDirectorysOwnPasswordNotTheWellKnownOne() throws Exception {
        Path dataDir = Files.createTempDirectory("edge-embedded-password");
        String password;
        try (Database db = Database.start(DatabaseConfig.DEFAULTS, dataDir)) {
            Path file = dataDir.resolve("pg-password");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            password = Files.readString(file).strip();
            assertEquals(password, db.connectOptions().getPassword(), "the store connects with it");
            assertRefused(db, "postgres");
            assertRefused(db, "not-the-password");
            assertConnects(db, password);
        }
        // The next start on the same directory: the same password, still required.
        try (Database db = Database.start(DatabaseConfig.DEFAULTS, dataDir)) {
            assertEquals(password, Files.readString(dataDir.resolve("pg-password")).strip());
            assertRefused(db, "postgres");
            assertConnects(db, password);
        }
        // Another data directory gets another password.
        Path other = Files.createTempDirectory("edge-embedded-password");
        assertNotEquals(password, EmbeddedPassword.load(other));
    }

    private static void assertRefused(Database db, String password) {
        SQLException e = assertThrows(SQLException.class, () -> connect(db, password).close());
        assertEquals("28P01", e.getSQLState(), "password authentication failed: " + e.getMessage());
    }

    private static void assertConnects(Database db, String password) throws SQLException {
        try (Connection c = connect(db, password)) {
            assertTrue(c.isValid(5));
        }
    }

    private static Connection connect(Database db, String password) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), "postgres", password);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void embeddedStoreServesTheApiAndPersistsAcrossRestarts() throws Exception {
        Path dataDir = Files.createTempDirectory("edge-embedded");
        Vertx vertx = Vertx.vertx();
        HttpClient http = HttpClient.newHttpClient();
        String number;
        String key;
        try {
            try (Database db = Database.start(DatabaseConfig.DEFAULTS, dataDir)) {
                assertTrue(db.isEmbedded());
                RoutingTable table = RoutingTable.empty();
                ApiConfig config = ApiConfig.defaults(dataDir).withListen("127.0.0.1", 0).withProvider(fakeTelnyx());
                try (RouteFeedFollower follower = RouteFeedFollower.start(vertx, db, table);
                     ProvisioningApi api = ProvisioningApi.start(vertx, config, db, table, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                    Path keyFile = dataDir.resolve("admin-api-key");
                    assertEquals(keyFile.toAbsolutePath(), api.adminKey().storedIn().orElseThrow());
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("secrets.key"))));
                    key = Files.readString(keyFile).strip();
                    assertFalse(api.adminKey().toString().contains(key), "the key is not in its toString");
                    send(http, api.port(), key, "POST", "/v1/agents", "{\"agent_id\":\"emb\",\"sip_uri\":\"sip:emb@192.0.2.5\"}", 201);
                    number = new JsonObject(send(http, api.port(), key, "POST", "/v1/phone-numbers",
                            "{\"agent_id\":\"emb\",\"inbound_routing\":{}}", 201)).getString("phone_number");
                    send(http, api.port(), key, "POST", "/v1/integrations",
                            "{\"provider\":\"telnyx\",\"api_key\":\"KEY_embedded_secret_1234\"}", 201);
                }
            }
            try (Database db = Database.start(DatabaseConfig.DEFAULTS, dataDir)) {
                RoutingTable table = RoutingTable.empty();
                ApiConfig config = ApiConfig.defaults(dataDir).withListen("127.0.0.1", 0).withProvider(fakeTelnyx());
                try (RouteFeedFollower follower = RouteFeedFollower.start(vertx, db, table);
                     ProvisioningApi api = ProvisioningApi.start(vertx, config, db, table, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                    assertTrue(table.number(E164.of(Long.parseLong(number.substring(1)))).isPresent(), "loaded after restart");
                    String again = send(http, api.port(), key, "GET", "/v1/phone-numbers/" + number.substring(1), null, 200);
                    assertEquals("emb", new JsonObject(again).getString("agent_id"));
                    String forSale = send(http, api.port(), key, "GET", "/v1/phone-numbers/available?limit=100&area_code=" + number.substring(2, 5), null, 200);
                    assertFalse(forSale.contains(number), "the sale survived the restart");
                    String integrations = send(http, api.port(), key, "GET", "/v1/integrations", null, 200);
                    assertTrue(integrations.contains("\"api_key_last4\":\"1234\""), "sealed secret readable with the same key file");
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            TELNYX.close();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aPostgresLeftRunningByAKilledEdgeIsStoppedBeforeTheNextStart() throws Exception {
        Path dataDir = Files.createTempDirectory("edge-leftover");
        // an edge process starts its embedded PostgreSQL and is then killed (SIGKILL): no hook runs
        Process edge = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LeftOverPostgresMain.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(edge.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                // start-up output
            }
            assertEquals("READY", line, "the child edge started its PostgreSQL");
            edge.destroyForcibly();
            assertTrue(edge.waitFor(30, TimeUnit.SECONDS));
        }
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "left running");
        long started = System.nanoTime();
        try (Database again = Database.start(DatabaseConfig.DEFAULTS, dataDir, false)) {
            assertTrue(again.isEmbedded());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the left-over server was stopped");
            long newPid = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
            assertTrue(newPid != pid, "a server of its own");
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 45,
                "no minute-long wait for a directory another server holds");
    }

    private static String send(HttpClient http, int port, String key, String method, String path, String body, int expected) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), method + " " + path + " → " + r.body());
        return r.body();
    }

    /** A permissive local Telnyx fake (the integration created here is verified against it). */
    private static final ai.oneinbox.edge.api.provider.FakeTelnyx TELNYX = permissiveTelnyx();

    private static ai.oneinbox.edge.api.provider.FakeTelnyx permissiveTelnyx() {
        var fake = new ai.oneinbox.edge.api.provider.FakeTelnyx();
        fake.permissive = true;
        return fake;
    }

    private static ProviderConfig fakeTelnyx() {
        return ProviderConfig.DEFAULTS.withTelnyx(ProviderConfig.Telnyx.DEFAULTS.withBaseUrl("http://127.0.0.1:" + TELNYX.port() + "/v2"));
    }
}
