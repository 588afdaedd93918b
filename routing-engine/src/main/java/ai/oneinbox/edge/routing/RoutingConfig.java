package ai.oneinbox.edge.routing;

import java.util.Objects;

/**
 * The {@code routing:} section of {@code config/edge.yaml}.
 *
 * @param defaultRegion {@code routing.default_region}: ISO 3166 alpha-2 region for national-format
 *     numbers; empty for none
 * @param platformVoicemailMessage {@code routing.platform_voicemail_message}: the voicemail message
 *     when neither the number nor its inbound agent has one
 */
public record RoutingConfig(String defaultRegion, String platformVoicemailMessage) {
  /** The defaults of {@code config/edge.yaml}. */
  public static final RoutingConfig DEFAULTS = new RoutingConfig("US",
      "The agent you are calling is not available. Please leave a message after the tone.");

  public RoutingConfig {
    Objects.requireNonNull(defaultRegion, "defaultRegion");
    Objects.requireNonNull(platformVoicemailMessage, "platformVoicemailMessage");
    if (platformVoicemailMessage.isBlank()) {
      throw new IllegalArgumentException("platform_voicemail_message must not be blank");
    }
  }
}
