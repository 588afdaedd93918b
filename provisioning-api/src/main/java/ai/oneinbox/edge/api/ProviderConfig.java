package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.provider.RetryPolicy;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code provider:} section: who sells numbers for Paths A and B ({@code sandbox}, offline, fictional
 * 555-01xx inventory; {@code twilio}; {@code telnyx}), each real provider's credentials and base URL, and
 * how hard provider calls try. {@link Providers} builds the provider it names.
 *
 * @param name             {@code provider.name}
 * @param twilio           {@code provider.twilio.*}
 * @param telnyx           {@code provider.telnyx.*}
 * @param retry            timeouts and retries of every provider call (not in the file: the defaults)
 * @param orderPollInterval pause between looks at a pending Telnyx number order
 * @param orderMaxPolls    looks at a pending order before the purchase answers 504
 */
public record ProviderConfig(String name, Twilio twilio, Telnyx telnyx, RetryPolicy retry, Duration orderPollInterval,
                             int orderMaxPolls) {

    public static final ProviderConfig DEFAULTS = new ProviderConfig("sandbox");

    /**
     * {@code provider.twilio}: the platform's account; {@code baseUrl} serves every Twilio API host (empty:
     * Twilio's public API; {@code EDGE_TWILIO_BASE_URL}); {@code trunkSid}: the Elastic SIP trunk bought
     * numbers are attached to.
     */
    public record Twilio(String accountSid, String authToken, String baseUrl, String trunkSid) {
        public static final Twilio DEFAULTS = new Twilio("", "", "", "");

        public Twilio {
            if (accountSid == null || authToken == null || baseUrl == null || trunkSid == null) {
                throw new IllegalArgumentException("provider.twilio: values must not be null (use \"\")");
            }
            if (!baseUrl.isEmpty() && !baseUrl.matches("https?://[^\\s]+")) {
                throw new IllegalArgumentException("provider.twilio.base_url: must be an http(s) URL, was '" + baseUrl + "'");
            }
        }

        /** The same account, served from {@code url} (the launcher applies {@code EDGE_TWILIO_BASE_URL}). */
        public Twilio withBaseUrl(String url) {
            return new Twilio(accountSid, authToken, url, trunkSid);
        }

        @Override
        public String toString() {
            return "Twilio[accountSid=" + accountSid + ", authToken=****, baseUrl=" + baseUrl + ", trunkSid=" + trunkSid + "]";
        }
    }

    /**
     * {@code provider.telnyx}: {@code baseUrl} includes {@code /v2} (empty: Telnyx's public API;
     * {@code EDGE_TELNYX_BASE_URL}); {@code connectionId}: the connection bought numbers are attached to.
     */
    public record Telnyx(String apiKey, String baseUrl, String connectionId) {
        public static final Telnyx DEFAULTS = new Telnyx("", "", "");

        public Telnyx {
            if (apiKey == null || baseUrl == null || connectionId == null) {
                throw new IllegalArgumentException("provider.telnyx: values must not be null (use \"\")");
            }
            if (!baseUrl.isEmpty() && !baseUrl.matches("https?://[^\\s]+")) {
                throw new IllegalArgumentException("provider.telnyx.base_url: must be an http(s) URL, was '" + baseUrl + "'");
            }
        }

        public Telnyx withBaseUrl(String url) {
            return new Telnyx(apiKey, url, connectionId);
        }

        @Override
        public String toString() {
            return "Telnyx[apiKey=****, baseUrl=" + baseUrl + ", connectionId=" + connectionId + "]";
        }
    }

    public ProviderConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("provider.name: must not be empty");
        }
        name = name.strip().toLowerCase(Locale.ROOT);
        if (!name.equals("sandbox") && !name.equals("twilio") && !name.equals("telnyx")) {
            throw new IllegalArgumentException("provider.name: must be sandbox, twilio or telnyx, was '" + name + "'");
        }
        if (twilio == null || telnyx == null || retry == null || orderPollInterval == null) {
            throw new IllegalArgumentException("provider: twilio, telnyx, retry and order poll interval must be given");
        }
        if (orderPollInterval.isNegative() || orderMaxPolls < 1 || orderMaxPolls > 120) {
            throw new IllegalArgumentException("provider: order polling must be a non-negative interval and 1..120 polls");
        }
        if (name.equals("twilio") && (twilio.accountSid().isBlank() || twilio.authToken().isBlank())) {
            throw new IllegalArgumentException("provider.twilio: account_sid and auth_token are required when provider.name is twilio");
        }
        if (name.equals("telnyx") && telnyx.apiKey().isBlank()) {
            throw new IllegalArgumentException("provider.telnyx.api_key: required when provider.name is telnyx");
        }
    }

    /** The file's {@code provider:} section; retries and order polling at their defaults. */
    public static ProviderConfig of(String name, Twilio twilio, Telnyx telnyx) {
        return new ProviderConfig(name, twilio, telnyx, RetryPolicy.DEFAULTS, Duration.ofSeconds(1), 30);
    }

    /** Just a provider name, everything else at the file's defaults. */
    public ProviderConfig(String name) {
        this(name, Twilio.DEFAULTS, Telnyx.DEFAULTS, RetryPolicy.DEFAULTS, Duration.ofSeconds(1), 30);
    }

    public ProviderConfig withTwilio(Twilio twilio) {
        return new ProviderConfig(name, twilio, telnyx, retry, orderPollInterval, orderMaxPolls);
    }

    public ProviderConfig withTelnyx(Telnyx telnyx) {
        return new ProviderConfig(name, twilio, telnyx, retry, orderPollInterval, orderMaxPolls);
    }

    public ProviderConfig withRetry(RetryPolicy retry, Duration orderPollInterval, int orderMaxPolls) {
        return new ProviderConfig(name, twilio, telnyx, retry, orderPollInterval, orderMaxPolls);
    }
}
