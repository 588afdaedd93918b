package ai.oneinbox.edge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.oneinbox.edge.api.ProviderConfig;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the file and the environment say reaches the modules unchanged. */
class EdgeNodeConfigTest {
    @TempDir
    Path dir;

    @Test
    void sipSectionReachesTheEdge() throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, """
                sip:
                  advertised_host: edge-1.example.net
                  udp_channels: 3
                  limits: {max_message_bytes: 4096, max_headers: 64, max_line_bytes: 1024, stream_idle_timeout: 9s}
                  timers: {t1: 250ms, t2: 2s, t4: 3s}
                  failover: {provisional_timeout: 1500ms, final_statuses: [486]}
                  health: {interval: 7s, timeout: 1s, down_after: 4, up_after: 1}
                routing:
                  default_region: GB
                """);
        EdgeConfig config = ConfigLoader.load(file, Map.of("EDGE_SIP_HOST", "127.0.0.1", "EDGE_SIP_PORT", "5070",
                "EDGE_TRUNK_CIDRS", "127.0.0.0/8", "EDGE_VOICEMAIL_URI", "sip:vm@127.0.0.1:5099"));
        SipEdgeConfig sip = EdgeNode.sipConfig(config);
        assertEquals("127.0.0.1", sip.host());
        assertEquals(5070, sip.port());
        assertEquals("edge-1.example.net", sip.advertisedHost());
        assertEquals(3, sip.udpChannels());
        assertEquals(4096, sip.limits().maxMessageBytes());
        assertEquals(64, sip.limits().maxHeaders());
        assertEquals(1024, sip.limits().maxLineBytes());
        assertEquals(Duration.ofSeconds(9), sip.limits().streamIdleTimeout());
        assertEquals(Duration.ofMillis(250), sip.timers().t1());
        assertEquals(Duration.ofMillis(1500), sip.failover().provisionalTimeout());
        assertEquals(Set.of(486), sip.failover().finalStatuses());
        assertEquals(List.of("127.0.0.0/8"), sip.trunks().extraCidrs());
        assertEquals("sip:vm@127.0.0.1:5099", sip.voicemailUri());
        assertEquals(4, sip.health().downAfter());
        assertEquals("GB", sip.defaultRegion());
    }

    @Test
    void providerSectionAndBaseUrlOverridesReachTheApi() throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, """
                provider:
                  name: twilio
                  twilio: {account_sid: AC0123, auth_token: tok-secret, trunk_sid: TK42}
                  telnyx: {api_key: KEY-secret, connection_id: "777"}
                """);
        EdgeConfig config = ConfigLoader.load(file, Map.of("EDGE_TWILIO_BASE_URL", "http://127.0.0.1:9001",
                "EDGE_TELNYX_BASE_URL", "http://127.0.0.1:9002/v2"));
        ProviderConfig provider = EdgeNode.providerConfig(config.provider());
        assertEquals("twilio", provider.name());
        assertEquals("AC0123", provider.twilio().accountSid());
        assertEquals("tok-secret", provider.twilio().authToken());
        assertEquals("http://127.0.0.1:9001", provider.twilio().baseUrl());
        assertEquals("TK42", provider.twilio().trunkSid());
        assertEquals("http://127.0.0.1:9002/v2", provider.telnyx().baseUrl());
        assertEquals("777", provider.telnyx().connectionId());
    }
}
