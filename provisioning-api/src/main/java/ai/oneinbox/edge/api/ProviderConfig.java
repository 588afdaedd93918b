package ai.oneinbox.edge.api;

import java.util.Locale;

/**
 * The {@code provider:} section: who sells numbers for Paths A and B. This build ships the sandbox provider
 * (offline, fictional 555-01xx inventory); the Twilio and Telnyx adapters plug into
 * {@link ai.oneinbox.edge.api.provider.NumberProvider} with the providers issue.
 *
 * @param name {@code provider.name}
 */
public record ProviderConfig(String name) {

    public static final ProviderConfig DEFAULTS = new ProviderConfig("sandbox");

    public ProviderConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("provider.name: must not be empty");
        }
        name = name.strip().toLowerCase(Locale.ROOT);
    }
}
