package ai.oneinbox.edge.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The whole node configuration, as read from {@code config/edge.yaml} with the {@code EDGE_*} environment
 * overrides applied and every value validated. The file documents each key; the records mirror it.
 */
public record EdgeConfig(
        Path dataDir,
        String nodeId,
        Sip sip,
        Api api,
        Database database,
        Routing routing,
        Provider provider) {

    public record Sip(
            String host,
            int port,
            String advertisedHost,
            int udpChannels,
            Tls tls,
            Limits limits,
            Timers timers,
            Failover failover,
            String voicemailUri,
            Duration drainRetryAfter,
            Trunks trunks,
            Health health) {}

    public record Tls(int port, Optional<Path> certificate, Optional<Path> privateKey, boolean selfSigned) {
        /** TLS runs when a pair is configured or a development pair is asked for. */
        public boolean enabled() {
            return selfSigned || certificate.isPresent();
        }
    }

    public record Limits(int maxMessageBytes, int maxHeaders, int maxLineBytes, Duration streamIdleTimeout) {}

    public record Timers(Duration t1, Duration t2, Duration t4) {}

    public record Failover(Duration provisionalTimeout, List<Integer> finalStatuses) {}

    public record Trunks(
            List<String> extraCidrs,
            List<String> twilioCidrs,
            List<String> telnyxCidrs,
            List<String> scannerUserAgents) {}

    public record Health(Duration interval, Duration timeout, int downAfter, int upAfter) {}

    public record Api(String host, int port, Optional<String> apiKey, Optional<String> secretsKey, int maxBodyBytes,
            String publicSipUri) {
        @Override
        public String toString() { // never print the keys
            return "Api[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", publicSipUri=" + publicSipUri + "]";
        }
    }

    public record Database(Optional<String> url, int poolSize) {}

    public record Routing(String defaultRegion, String platformVoicemailMessage) {}

    public record Provider(String name, Twilio twilio, Telnyx telnyx) {}

    public record Twilio(String accountSid, String authToken, Optional<String> baseUrl, String trunkSid) {
        @Override
        public String toString() { // never print the token
            return "Twilio[accountSid=" + accountSid + ", baseUrl=" + baseUrl + ", trunkSid=" + trunkSid + "]";
        }
    }

    public record Telnyx(String apiKey, Optional<String> baseUrl, String connectionId) {
        @Override
        public String toString() { // never print the key
            return "Telnyx[baseUrl=" + baseUrl + ", connectionId=" + connectionId + "]";
        }
    }
}
