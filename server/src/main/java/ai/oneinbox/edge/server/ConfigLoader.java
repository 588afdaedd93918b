package ai.oneinbox.edge.server;

import ai.oneinbox.edge.routing.Cidr;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the configuration file, applies the {@code EDGE_*} environment overrides, and validates every
 * value into an {@link EdgeConfig}. The environment wins over the file; the file wins over the defaults.
 */
public final class ConfigLoader {

    /** Environment variable → the key it sets. These names are a contract; do not rename. */
    static final Map<String, String> ENVIRONMENT = Map.ofEntries(
            Map.entry("EDGE_SIP_HOST", "sip.host"),
            Map.entry("EDGE_SIP_PORT", "sip.port"),
            Map.entry("EDGE_SIP_ADVERTISED_HOST", "sip.advertised_host"),
            Map.entry("EDGE_API_PORT", "api.port"),
            Map.entry("EDGE_DATA_DIR", "data_dir"),
            Map.entry("EDGE_DB_URL", "database.url"),
            Map.entry("EDGE_API_KEY", "api.api_key"),
            Map.entry("EDGE_SECRETS_KEY", "api.secrets_key"),
            Map.entry("EDGE_TRUNK_CIDRS", "sip.trunks.extra_cidrs"),
            Map.entry("EDGE_VOICEMAIL_URI", "sip.voicemail_uri"),
            Map.entry("EDGE_TWILIO_BASE_URL", "provider.twilio.base_url"),
            Map.entry("EDGE_TELNYX_BASE_URL", "provider.telnyx.base_url"));

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]%]+");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.\\-]+):\\d{1,5}");
    private static final Pattern REGION = Pattern.compile("[A-Z]{2}");
    private static final Duration MS = Duration.ofMillis(1);
    private static final Duration DAY = Duration.ofDays(1);

    private ConfigLoader() {}

    public static EdgeConfig load(Path file, Map<String, String> environment) throws ConfigException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = yaml.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new ConfigException(file.toString(), "is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = yaml.createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(file.toString(), "must be a YAML mapping of keys at the top level");
        }
        Map<String, String> envSources = new HashMap<>();
        applyEnvironment((ObjectNode) root, environment, envSources);
        return read(new ConfigSection("", root, envSources));
    }

    private static void applyEnvironment(ObjectNode root, Map<String, String> env, Map<String, String> sources)
            throws ConfigException {
        for (Map.Entry<String, String> e : ENVIRONMENT.entrySet()) {
            String value = env.get(e.getKey());
            if (value == null) {
                continue;
            }
            String[] path = e.getValue().split("\\.");
            ObjectNode parent = root;
            for (int i = 0; i < path.length - 1; i++) {
                JsonNode child = parent.get(path[i]);
                if (child == null || child.isNull()) {
                    child = parent.putObject(path[i]);
                } else if (!child.isObject()) {
                    throw new ConfigException(String.join(".", List.of(path).subList(0, i + 1)),
                            "must be a mapping of keys");
                }
                parent = (ObjectNode) child;
            }
            parent.put(path[path.length - 1], value);
            sources.put(e.getValue(), e.getKey());
        }
    }

    private static EdgeConfig read(ConfigSection root) throws ConfigException {
        String dataDir = root.string("data_dir", "./data");
        if (dataDir.isEmpty()) {
            throw root.error("data_dir", "must name a directory");
        }
        String nodeId = root.string("node_id", "");
        EdgeConfig.Sip sip = sip(root.section("sip"));
        EdgeConfig.Api api = api(root.section("api"));
        EdgeConfig.Database database = database(root.section("database"));
        EdgeConfig.Routing routing = routing(root.section("routing"));
        EdgeConfig.Provider provider = provider(root.section("provider"));
        EdgeConfig.Outbound outbound = outbound(root.section("outbound"));
        root.finish();
        if (api.port() != 0 && api.port() == sip.port()) {
            // UDP/TCP SIP and TCP HTTP on one port cannot both bind.
            throw new ConfigException("api.port", "must differ from sip.port (" + sip.port() + ")");
        }
        return new EdgeConfig(Path.of(dataDir), nodeId.isEmpty() ? hostName() : nodeId,
                sip, api, database, routing, provider, outbound);
    }

    private static EdgeConfig.Outbound outbound(ConfigSection o) throws ConfigException {
        String trunk = o.string("platform_trunk_uri", "");
        if (!trunk.isEmpty()) {
            trunk = sipUri(o, "platform_trunk_uri", "");
        }
        int perNumber = o.integer("max_calls_per_number", 10, 0, 1_000_000);
        int perTrunk = o.integer("max_calls_per_trunk", 0, 0, 1_000_000);
        Duration retryAfter = o.duration("retry_after", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1));
        String dns = o.string("dns_server", "");
        if (!dns.isEmpty() && !HOST_PORT.matcher(dns).matches()) {
            throw o.error("dns_server", "must be host:port such as 10.0.0.2:53, got '" + dns + "'");
        }
        Duration minTtl = o.duration("dns_min_ttl", Duration.ofSeconds(5), Duration.ZERO, DAY);
        Duration maxTtl = o.duration("dns_max_ttl", Duration.ofHours(1), Duration.ofSeconds(1), DAY);
        if (minTtl.compareTo(maxTtl) > 0) {
            throw o.error("dns_min_ttl", "must not exceed outbound.dns_max_ttl");
        }
        o.finish();
        return new EdgeConfig.Outbound(trunk, perNumber, perTrunk, retryAfter,
                dns.isEmpty() ? Optional.empty() : Optional.of(dns), minTtl, maxTtl);
    }

    private static EdgeConfig.Sip sip(ConfigSection s) throws ConfigException {
        String host = host(s, "host", "0.0.0.0", false);
        int port = s.integer("port", 5060, 0, 65535);
        String advertised = host(s, "advertised_host", "", true);
        int udpChannels = s.integer("udp_channels", 0, 0, 64);

        ConfigSection t = s.section("tls");
        int tlsPort = t.integer("port", 5061, 0, 65535);
        Optional<Path> cert = optionalPath(t, "certificate");
        Optional<Path> key = optionalPath(t, "private_key");
        boolean selfSigned = t.bool("self_signed", false);
        if (cert.isPresent() != key.isPresent()) {
            throw t.error(cert.isPresent() ? "private_key" : "certificate",
                    "must be set together with " + (cert.isPresent() ? "certificate" : "private_key"));
        }
        if (selfSigned && cert.isPresent()) {
            throw t.error("self_signed", "cannot be true when certificate and private_key are set");
        }
        t.finish();
        if (selfSigned || cert.isPresent()) {
            if (tlsPort != 0 && tlsPort == port) {
                throw new ConfigException("sip.tls.port", "must differ from sip.port (" + port + ")");
            }
        }

        ConfigSection l = s.section("limits");
        EdgeConfig.Limits limits = new EdgeConfig.Limits(
                l.integer("max_message_bytes", 65_535, 1_024, 1_048_576),
                l.integer("max_headers", 256, 16, 4_096),
                l.integer("max_line_bytes", 8_192, 256, 65_535),
                l.duration("stream_idle_timeout", Duration.ofSeconds(32), Duration.ofSeconds(1), DAY));
        if (limits.maxLineBytes() > limits.maxMessageBytes()) {
            throw l.error("max_line_bytes", "must not exceed sip.limits.max_message_bytes (" + limits.maxMessageBytes() + ")");
        }
        l.finish();

        ConfigSection tm = s.section("timers");
        Duration t1 = tm.duration("t1", Duration.ofMillis(500), MS, Duration.ofSeconds(10));
        Duration t2 = tm.duration("t2", Duration.ofSeconds(4), MS, Duration.ofSeconds(60));
        Duration t4 = tm.duration("t4", Duration.ofSeconds(5), MS, Duration.ofSeconds(60));
        if (t2.compareTo(t1) < 0) {
            throw tm.error("t2", "must be at least sip.timers.t1 (RFC 3261 §17.1.2.2)");
        }
        tm.finish();

        ConfigSection f = s.section("failover");
        EdgeConfig.Failover failover = new EdgeConfig.Failover(
                f.duration("provisional_timeout", Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofSeconds(64)),
                f.integers("final_statuses", List.of(486, 600, 603), 300, 699));
        f.finish();

        String voicemail = sipUri(s, "voicemail_uri", "sip:voicemail@127.0.0.1:5090");
        Duration retryAfter = s.duration("drain_retry_after", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration drainTimeout = s.duration("drain_timeout", Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(10));

        ConfigSection tr = s.section("trunks");
        EdgeConfig.Trunks trunks = new EdgeConfig.Trunks(
                cidrs(tr, "extra_cidrs"), cidrs(tr, "twilio_cidrs"), cidrs(tr, "telnyx_cidrs"),
                tr.strings("scanner_user_agents", List.of("friendly-scanner", "sipvicious", "sipcli")));
        tr.finish();

        ConfigSection h = s.section("health");
        EdgeConfig.Health health = new EdgeConfig.Health(
                h.duration("interval", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofHours(1)),
                h.duration("timeout", Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMinutes(1)),
                h.integer("down_after", 3, 1, 100),
                h.integer("up_after", 2, 1, 100));
        h.finish();
        s.finish();
        return new EdgeConfig.Sip(host, port, advertised, udpChannels,
                new EdgeConfig.Tls(tlsPort, cert, key, selfSigned), limits, new EdgeConfig.Timers(t1, t2, t4),
                failover, voicemail, retryAfter, drainTimeout, trunks, health);
    }

    private static EdgeConfig.Api api(ConfigSection a) throws ConfigException {
        String host = host(a, "host", "0.0.0.0", false);
        int port = a.integer("port", 8080, 0, 65535);
        String key = a.string("api_key", "");
        if (!key.isEmpty() && key.length() < 16) {
            throw a.error("api_key", "must be at least 16 characters (or empty to generate one)");
        }
        String secrets = a.string("secrets_key", "");
        if (!secrets.isEmpty()) {
            byte[] raw;
            try {
                raw = java.util.Base64.getDecoder().decode(secrets);
            } catch (IllegalArgumentException e) {
                throw a.error("secrets_key", "must be base64 (32 random bytes), e.g. from `openssl rand -base64 32`");
            }
            if (raw.length != 32) {
                throw a.error("secrets_key", "must decode to 32 bytes (AES-256), got " + raw.length);
            }
        }
        int maxBody = a.integer("max_body_bytes", 65_536, 1_024, 16_777_216);
        String publicUri = sipUri(a, "public_sip_uri", "sip:voice.oneinbox.ai:5060");
        a.finish();
        return new EdgeConfig.Api(host, port, key.isEmpty() ? Optional.empty() : Optional.of(key),
                secrets.isEmpty() ? Optional.empty() : Optional.of(secrets), maxBody, publicUri);
    }

    private static EdgeConfig.Database database(ConfigSection d) throws ConfigException {
        String url = d.string("url", "");
        if (!url.isEmpty() && !(url.startsWith("postgresql://") || url.startsWith("postgres://")
                || url.startsWith("jdbc:postgresql://"))) {
            throw d.error("url", "must be a PostgreSQL URL (postgresql://user@host:port/db or jdbc:postgresql://...), or empty for the embedded database");
        }
        int pool = d.integer("pool_size", 8, 1, 256);
        d.finish();
        return new EdgeConfig.Database(url.isEmpty() ? Optional.empty() : Optional.of(url), pool);
    }

    private static EdgeConfig.Routing routing(ConfigSection r) throws ConfigException {
        String region = r.string("default_region", "US").toUpperCase(Locale.ROOT);
        if (!REGION.matcher(region).matches()) {
            throw r.error("default_region", "must be an ISO 3166 alpha-2 region such as US or GB, got '" + region + "'");
        }
        String message = r.string("platform_voicemail_message",
                "The agent you are calling is not available. Please leave a message after the tone.");
        if (message.isEmpty()) {
            throw r.error("platform_voicemail_message", "must not be empty: it is the last voicemail message there is");
        }
        r.finish();
        return new EdgeConfig.Routing(region, message);
    }

    private static EdgeConfig.Provider provider(ConfigSection p) throws ConfigException {
        String name = p.string("name", "sandbox").toLowerCase(Locale.ROOT);
        if (!List.of("sandbox", "twilio", "telnyx").contains(name)) {
            throw p.error("name", "must be one of sandbox, twilio, telnyx; got '" + name + "'");
        }
        ConfigSection tw = p.section("twilio");
        EdgeConfig.Twilio twilio = new EdgeConfig.Twilio(tw.string("account_sid", ""), tw.string("auth_token", ""),
                baseUrl(tw), tw.string("trunk_sid", ""));
        tw.finish();
        ConfigSection tx = p.section("telnyx");
        EdgeConfig.Telnyx telnyx = new EdgeConfig.Telnyx(tx.string("api_key", ""), baseUrl(tx),
                tx.string("connection_id", ""));
        tx.finish();
        if (name.equals("twilio") && (twilio.accountSid().isEmpty() || twilio.authToken().isEmpty())) {
            throw tw.error(twilio.accountSid().isEmpty() ? "account_sid" : "auth_token",
                    "is required when provider.name is twilio");
        }
        if (name.equals("telnyx") && telnyx.apiKey().isEmpty()) {
            throw tx.error("api_key", "is required when provider.name is telnyx");
        }
        p.finish();
        return new EdgeConfig.Provider(name, twilio, telnyx);
    }

    private static Optional<String> baseUrl(ConfigSection s) throws ConfigException {
        String url = s.string("base_url", "");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw s.error("base_url", "must be an http(s) URL, got '" + url + "'");
            }
        } catch (URISyntaxException e) {
            throw s.error("base_url", "must be an http(s) URL, got '" + url + "'");
        }
        return Optional.of(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }

    private static String host(ConfigSection s, String key, String defaultValue, boolean mayBeEmpty)
            throws ConfigException {
        String host = s.string(key, defaultValue);
        if (host.isEmpty() ? !mayBeEmpty : !HOST.matcher(host).matches()) {
            throw s.error(key, "must be an IP address or host name, got '" + host + "'");
        }
        return host;
    }

    private static String sipUri(ConfigSection s, String key, String defaultValue) throws ConfigException {
        String uri = s.string(key, defaultValue);
        String lower = uri.toLowerCase(Locale.ROOT);
        int at = lower.indexOf(':');
        if (!(lower.startsWith("sip:") || lower.startsWith("sips:")) || at + 1 >= uri.length()
                || uri.chars().anyMatch(Character::isWhitespace)) {
            throw s.error(key, "must be a SIP URI such as sip:voicemail@10.0.0.5:5060, got '" + uri + "'");
        }
        return uri;
    }

    private static List<String> cidrs(ConfigSection s, String key) throws ConfigException {
        List<String> values = s.strings(key, List.of());
        for (String value : values) {
            try {
                Cidr.parse(value);
            } catch (IllegalArgumentException e) {
                throw s.error(key, e.getMessage());
            }
        }
        return values;
    }

    private static Optional<Path> optionalPath(ConfigSection s, String key) throws ConfigException {
        String value = s.string(key, "");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(value);
        if (!Files.isReadable(path)) {
            throw s.error(key, "names a file that does not exist or cannot be read: " + value);
        }
        return Optional.of(path);
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "edge";
        }
    }
}
