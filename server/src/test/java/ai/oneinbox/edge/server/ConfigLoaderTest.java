package ai.oneinbox.edge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final Path SHIPPED = Path.of("..", "config", "edge.yaml");

    @TempDir
    Path dir;

    @Test
    void shippedFileLoadsWithItsDocumentedDefaults() throws Exception {
        EdgeConfig c = ConfigLoader.load(SHIPPED, Map.of());
        assertEquals(Path.of("./data"), c.dataDir());
        assertEquals("0.0.0.0", c.sip().host());
        assertEquals(5060, c.sip().port());
        assertEquals(5061, c.sip().tls().port());
        assertFalse(c.sip().tls().enabled());
        assertEquals(8080, c.api().port());
        assertEquals(Optional.empty(), c.api().apiKey());
        assertEquals(Optional.empty(), c.database().url());
        assertEquals(Duration.ofMillis(500), c.sip().timers().t1());
        assertEquals(Duration.ofSeconds(2), c.sip().failover().provisionalTimeout());
        assertEquals(List.of(486, 600, 603), c.sip().failover().finalStatuses());
        assertTrue(c.sip().trunks().twilioCidrs().contains("54.172.60.0/23"));
        assertEquals("sandbox", c.provider().name());
        assertEquals("US", c.routing().defaultRegion());
        assertEquals(new EdgeConfig.Outbound("", 10, 0, Duration.ofSeconds(5), Optional.empty(), Duration.ofSeconds(5),
                Duration.ofHours(1)), c.outbound());
    }

    @Test
    void outboundSectionMapsToTheEdgesOutboundConfig() throws Exception {
        EdgeConfig c = ConfigLoader.load(write("""
                outbound:
                  platform_trunk_uri: sip:oneinbox.pstn.twilio.com
                  max_calls_per_number: 2
                  max_calls_per_trunk: 30
                  retry_after: 9s
                  dns_server: 127.0.0.1:5353
                  dns_min_ttl: 1s
                  dns_max_ttl: 10m
                """), Map.of());
        var o = EdgeNode.outboundConfig(c);
        assertEquals("sip:oneinbox.pstn.twilio.com", o.platformTrunkUri());
        assertEquals(2, o.maxCallsPerNumber());
        assertEquals(30, o.maxCallsPerTrunk());
        assertEquals(Duration.ofSeconds(9), o.retryAfter());
        assertEquals(Optional.of(new java.net.InetSocketAddress("127.0.0.1", 5353)), o.dnsServer());
        assertEquals(Duration.ofSeconds(1), o.dnsMinTtl());
        assertEquals(Duration.ofMinutes(10), o.dnsMaxTtl());
    }

    @Test
    void emptyFileMeansEveryDefault() throws Exception {
        EdgeConfig fromEmpty = ConfigLoader.load(write(""), Map.of());
        assertEquals(5060, fromEmpty.sip().port());
        assertEquals(Duration.ofSeconds(32), fromEmpty.sip().limits().streamIdleTimeout());
        assertEquals("sip:voice.oneinbox.ai:5060", fromEmpty.api().publicSipUri());
    }

    @Test
    void everyEnvironmentOverrideIsHonoured() throws Exception {
        Map<String, String> env = Map.ofEntries(
                Map.entry("EDGE_SIP_HOST", "127.0.0.1"),
                Map.entry("EDGE_SIP_PORT", "15060"),
                Map.entry("EDGE_SIP_ADVERTISED_HOST", "sip-edge.example.test"),
                Map.entry("EDGE_API_PORT", "18080"),
                Map.entry("EDGE_DATA_DIR", "/tmp/edge-data"),
                Map.entry("EDGE_DB_URL", "postgresql://postgres@127.0.0.1:5432/edge"),
                Map.entry("EDGE_API_KEY", "k-0123456789abcdef"),
                Map.entry("EDGE_SECRETS_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
                Map.entry("EDGE_TRUNK_CIDRS", "127.0.0.0/8, 10.1.0.0/16"),
                Map.entry("EDGE_VOICEMAIL_URI", "sip:vm@127.0.0.1:5099"),
                Map.entry("EDGE_TWILIO_BASE_URL", "http://127.0.0.1:9001/"),
                Map.entry("EDGE_TELNYX_BASE_URL", "http://127.0.0.1:9002/v2"));
        EdgeConfig c = ConfigLoader.load(SHIPPED, env);
        assertEquals("127.0.0.1", c.sip().host());
        assertEquals(15060, c.sip().port());
        assertEquals("sip-edge.example.test", c.sip().advertisedHost());
        assertEquals(18080, c.api().port());
        assertEquals(Path.of("/tmp/edge-data"), c.dataDir());
        assertEquals(Optional.of("postgresql://postgres@127.0.0.1:5432/edge"), c.database().url());
        assertEquals(Optional.of("k-0123456789abcdef"), c.api().apiKey());
        assertEquals(Optional.of("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), c.api().secretsKey());
        assertEquals(List.of("127.0.0.0/8", "10.1.0.0/16"), c.sip().trunks().extraCidrs());
        assertEquals("sip:vm@127.0.0.1:5099", c.sip().voicemailUri());
        assertEquals(Optional.of("http://127.0.0.1:9001"), c.provider().twilio().baseUrl());
        assertEquals(Optional.of("http://127.0.0.1:9002/v2"), c.provider().telnyx().baseUrl());
        assertEquals(ConfigLoader.ENVIRONMENT.keySet(), env.keySet(), "the test covers every documented variable");
    }

    @Test
    void environmentBeatsTheFile() throws Exception {
        EdgeConfig c = ConfigLoader.load(write("sip:\n  port: 5070\n"), Map.of("EDGE_SIP_PORT", "5080"));
        assertEquals(5080, c.sip().port());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "sip:\\n  prot: 5060                     | sip.prot: unknown key (did you mean sip.port?)",
        "sip:\\n  port: 70000                    | sip.port: must be between 0 and 65535, got 70000",
        "sip:\\n  port: five                     | sip.port: must be an integer between 0 and 65535, got 'five'",
        "sip:\\n  timers:\\n    t1: 5 seconds    | sip.timers.t1: must be a duration such as 500ms, 2s, 1m or 1h, got '5 seconds'",
        "sip:\\n  timers:\\n    t1: 2s\\n    t2: 1s | sip.timers.t2: must be at least sip.timers.t1 (RFC 3261 §17.1.2.2)",
        "sip:\\n  voicemail_uri: http://x     | sip.voicemail_uri: must be a SIP URI such as sip:voicemail@10.0.0.5:5060, got 'http://x'",
        "sip:\\n  trunks:\\n    extra_cidrs: [10.0.0.0/33] | sip.trunks.extra_cidrs: CIDR \"10.0.0.0/33\": prefix length 33 exceeds 32",
        "sip:\\n  failover:\\n    final_statuses: [486, 200] | sip.failover.final_statuses[1]: must be an integer between 300 and 699, got '200'",
        "sip:\\n  tls:\\n    certificate: /nonexistent.pem | sip.tls.certificate: names a file that does not exist or cannot be read: /nonexistent.pem",
        "api:\\n  port: 5060                     | api.port: must differ from sip.port (5060)",
        "api:\\n  api_key: short                 | api.api_key: must be at least 16 characters (or empty to generate one)",
        "api:\\n  secrets_key: c2hvcnQ=          | api.secrets_key: must decode to 32 bytes (AES-256), got 5",
        "database:\\n  url: mysql://x            | database.url: must be a PostgreSQL URL (postgresql://user@host:port/db or jdbc:postgresql://...), or empty for the embedded database",
        "routing:\\n  default_region: USA        | routing.default_region: must be an ISO 3166 alpha-2 region such as US or GB, got 'USA'",
        "provider:\\n  name: twilio              | provider.twilio.account_sid: is required when provider.name is twilio",
        "provider:\\n  name: vonage              | provider.name: must be one of sandbox, twilio, telnyx; got 'vonage'",
        "sip: 5060                               | sip: must be a mapping of keys, got '5060'",
        "colour: blue                            | colour: unknown key",
        "outbound:\\n  platform_trunk_uri: x.twilio.com | outbound.platform_trunk_uri: must be a SIP URI such as sip:voicemail@10.0.0.5:5060, got 'x.twilio.com'",
        "outbound:\\n  dns_server: 10.0.0.2        | outbound.dns_server: must be host:port such as 10.0.0.2:53, got '10.0.0.2'",
        "outbound:\\n  max_calls_per_number: -1    | outbound.max_calls_per_number: must be between 0 and 1000000, got -1",
    })
    void invalidValuesNameTheKeyAndTheReason(String yaml, String expected) throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write(yaml.replace("\\n", "\n")), Map.of()));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aBadEnvironmentValueNamesTheVariable() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write(""), Map.of("EDGE_SIP_PORT", "sip")));
        assertEquals("EDGE_SIP_PORT (sip.port)", e.key());
        e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write(""), Map.of("EDGE_TRUNK_CIDRS", "127.0.0.0/8,localhost")));
        assertEquals("EDGE_TRUNK_CIDRS (sip.trunks.extra_cidrs)", e.key());
    }

    @Test
    void brokenYamlAndDuplicateKeysAreRejected() throws IOException {
        ConfigException broken = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("sip:\n  port: [1,\n"), Map.of()));
        assertTrue(broken.reason().startsWith("is not valid YAML"), broken.getMessage());
        ConfigException dup = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(write("sip:\n  port: 1\n  port: 2\n"), Map.of()));
        assertTrue(dup.reason().contains("Duplicate field 'port'"), dup.getMessage());
    }

    @Test
    void secretsStayOutOfToString() throws Exception {
        EdgeConfig c = ConfigLoader.load(write(
                "provider:\n  name: twilio\n  twilio:\n    account_sid: AC123\n    auth_token: s3cr3t-token-value\n"), Map.of());
        assertFalse(c.toString().contains("s3cr3t-token-value"));
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "edge", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
