package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.provider.NumberProvider;
import ai.oneinbox.edge.api.provider.ProviderCalls;
import ai.oneinbox.edge.api.provider.SandboxProvider;
import ai.oneinbox.edge.api.provider.Sleeper;
import ai.oneinbox.edge.api.provider.telnyx.TelnyxProvider;
import ai.oneinbox.edge.api.provider.twilio.TwilioProvider;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;

/**
 * Builds providers from the {@code provider:} config: the platform's own (Paths A/B, named by
 * {@code provider.name}) and one per customer integration (Path C, from its stored credentials, on the
 * same base URL as the platform's so a deployment's proxy or a test's fake serves both).
 */
public final class Providers {

    private final ProviderConfig config;
    private final ProviderCalls calls;

    public Providers(Vertx vertx, ProviderConfig config, Sleeper sleeper) {
        this.config = config;
        this.calls = new ProviderCalls(vertx, config.retry(), sleeper);
    }

    public Providers(Vertx vertx, ProviderConfig config) {
        this(vertx, config, Sleeper.REAL);
    }

    /** The provider that sells numbers for Paths A and B. */
    public NumberProvider platform(SqlClient db) {
        return switch (config.name()) {
            case "twilio" -> new TwilioProvider(config.twilio().accountSid(), config.twilio().authToken(),
                    config.twilio().baseUrl(), Optional.of(config.twilio().trunkSid()), false, calls);
            case "telnyx" -> new TelnyxProvider(config.telnyx().apiKey(), config.telnyx().baseUrl(),
                    Optional.of(config.telnyx().connectionId()), false, calls, config.orderPollInterval(), config.orderMaxPolls());
            default -> new SandboxProvider(db);
        };
    }

    /** A customer's Twilio account (Path C). */
    public NumberProvider twilio(String accountSid, String authToken) {
        return new TwilioProvider(accountSid, authToken, config.twilio().baseUrl(), Optional.empty(), true, calls);
    }

    /** A customer's Telnyx account (Path C). */
    public NumberProvider telnyx(String apiKey, Optional<String> connectionId) {
        return new TelnyxProvider(apiKey, config.telnyx().baseUrl(), connectionId, true, calls,
                config.orderPollInterval(), config.orderMaxPolls());
    }
}
