package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.NumberRoute;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The small pure parts: keys, sealing, validation, URLs, the COPY row parser. */
class SmallPartsTest {

    @Test
    void adminKeyIsGeneratedOnceWithOwnerOnlyPermissions() throws Exception {
        Path dir = Files.createTempDirectory("admin-key");
        AdminKey first = AdminKey.resolve("", dir);
        AdminKey second = AdminKey.resolve("", dir);
        assertEquals(first.key(), second.key());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("admin-api-key"))));
        assertTrue(first.key().length() >= 40);
        assertFalse(first.toString().contains(first.key()));
        AdminKey configured = AdminKey.resolve("  configured-key-0123456789 ", dir);
        assertEquals("configured-key-0123456789", configured.key());
        assertEquals(Optional.empty(), configured.storedIn());
        assertThrows(IllegalArgumentException.class, () -> AdminKey.resolve("short", dir));
    }

    @Test
    void secretBoxSealsWithAFreshNonceAndDetectsTampering() throws Exception {
        Path dir = Files.createTempDirectory("secret-box");
        SecretBox box = SecretBox.load("", dir);
        byte[] a = box.seal("auth-token-1234");
        byte[] b = box.seal("auth-token-1234");
        assertFalse(java.util.Arrays.equals(a, b), "a fresh nonce per seal");
        assertFalse(new String(a, StandardCharsets.ISO_8859_1).contains("auth-token"));
        assertEquals("auth-token-1234", SecretBox.load("", dir).open(a), "the key file is reused");
        a[a.length - 1] ^= 1;
        byte[] tampered = a;
        assertThrows(IllegalStateException.class, () -> box.open(tampered));
        assertThrows(IllegalStateException.class, () -> SecretBox.of(new byte[32]).open(b), "another key does not open it");
        assertThrows(IllegalArgumentException.class, () -> SecretBox.load("bm90IDMyIGJ5dGVz", dir));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sip:agent@192.0.2.1", "sip:agent@10.0.0.5:5060", "sips:a@host.example.com;transport=tls",
            "sip:host.example.com", "sip:a@[2001:db8::1]:5070", "SIP:Agent@Example.COM"})
    void validSipUris(String uri) {
        assertEquals(Optional.empty(), Validation.sipUriProblem(uri));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://x", "sip:", "sip:a@", "agent@host", "sip:a@host:99999", "sip:a b@host", "tel:+14155550100"})
    void invalidSipUris(String uri) {
        assertTrue(Validation.sipUriProblem(uri).isPresent(), uri);
    }

    @Test
    void terminationsNormaliseToOneForm() {
        assertEquals(Optional.of("sip:acme.pstn.twilio.com"), Validation.normaliseTermination("Acme.PSTN.twilio.com"));
        assertEquals(Optional.of("sip:acme.pstn.twilio.com"), Validation.normaliseTermination("sip:acme.pstn.twilio.com"));
        assertEquals(Optional.of("sip:gw.example:5080"), Validation.normaliseTermination("gw.example:5080"));
        assertEquals(Optional.empty(), Validation.normaliseTermination("not a host"));
        assertEquals(Optional.empty(), Validation.normaliseTermination("localhost"));
    }

    @Test
    void pathNumbersInBothForms() {
        assertEquals(14155550100L, Validation.pathNumber("+14155550100").value());
        assertEquals(14155550100L, Validation.pathNumber("14155550100").value());
        assertThrows(ApiProblem.class, () -> Validation.pathNumber("04155550100"));
        assertThrows(ApiProblem.class, () -> Validation.pathNumber("1234"));
    }

    @Test
    void databaseUrlsInEveryForm() {
        PgConnectOptions a = Database.parseUrl("postgresql://edge:pw@db.internal:6543/routes");
        assertEquals("db.internal", a.getHost());
        assertEquals(6543, a.getPort());
        assertEquals("routes", a.getDatabase());
        assertEquals("edge", a.getUser());
        assertEquals("pw", a.getPassword());
        PgConnectOptions b = Database.parseUrl("jdbc:postgresql://127.0.0.1:5432/edge?user=svc&password=s3cret");
        assertEquals("svc", b.getUser());
        assertEquals("edge", b.getDatabase());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Database.parseUrl("mysql://root:topsecret@db/x"));
        assertTrue(e.getMessage().startsWith("database.url"));
        assertFalse(e.getMessage().contains("topsecret"), "no password in the message");
    }

    @Test
    void copyRowsParseEscapesAndNulls() {
        SnapshotRows.Numbers rows = new SnapshotRows.Numbers();
        byte[] row = "14155550100\tsales\tt\t\\N\tbackup\tHi\\tthere\\nbye \\\\ \\303\\251\ttwilio\tint_1\ttrk_1\tAC1\tacme.pstn.twilio.com\n"
                .getBytes(StandardCharsets.UTF_8);
        NumberRoute route = rows.route(row);
        assertEquals(14155550100L, route.number().value());
        assertEquals("sales", route.agentId());
        var in = route.inboundRouting().orElseThrow();
        assertEquals(Optional.empty(), in.agentId());
        assertEquals(Optional.of("backup"), in.fallbackAgentId());
        assertEquals(Optional.of("Hi\tthere\nbye \\ é"), in.voicemailMessage());
        assertEquals(Optional.of("AC1"), route.ownership().binding());
        NumberRoute outbound = rows.route("12125550100\tsales\tf\t\\N\t\\N\t\\N\tsandbox\t\\N\t\\N\t\\N\t\\N".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), outbound.inboundRouting());
        assertTrue(route.agentId() == outbound.agentId(), "repeated ids are shared");
        assertThrows(IllegalStateException.class, () -> rows.route("1\t2".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void metricResourcesKeepIdsOut() {
        assertEquals("/v1/phone-numbers/{id}", ProvisioningApi.resource("/v1/phone-numbers/14155550100"));
        assertEquals("/v1/phone-numbers/available", ProvisioningApi.resource("/v1/phone-numbers/available"));
        assertEquals("/v1/routing/simulate", ProvisioningApi.resource("/v1/routing/simulate"));
        assertEquals("other", ProvisioningApi.resource("/wp-admin/x"));
        assertNotEquals("", ProvisioningApi.resource("/health/live"));
        assertArrayEquals(ApiKeys.hash("k"), ApiKeys.hash("k"));
    }
}
