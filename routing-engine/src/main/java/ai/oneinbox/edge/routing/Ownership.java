package ai.oneinbox.edge.routing;

import java.util.Objects;
import java.util.Optional;

/**
 * Who owns a number at its provider; the edge checks an INVITE's trunk against it.
 *
 * @param provider the provider the number lives at
 * @param integrationId the OneInbox integration (stored provider credentials) it came through
 * @param trunkId the provisioned {@link Trunk} that carries its calls
 * @param binding the tenant at the provider: a Twilio account SID ({@code X-Twilio-AccountSid}) or a
 *     Telnyx connection id
 * @param sipTrunk the trunk's Termination SIP URI host for outbound calls (e.g.
 *     {@code yourtrunk.pstn.twilio.com})
 */
public record Ownership(Provider provider, Optional<String> integrationId, Optional<String> trunkId,
                        Optional<String> binding, Optional<String> sipTrunk) {
  /** A number of the sandbox provider, with no integration, trunk or binding. */
  public static final Ownership SANDBOX = of(Provider.SANDBOX);

  public Ownership {
    Objects.requireNonNull(provider, "provider");
    Ids.requireOptional(integrationId, "integrationId");
    Ids.requireOptional(trunkId, "trunkId");
    Ids.requireOptional(binding, "binding");
    Ids.requireOptional(sipTrunk, "sipTrunk");
  }

  /** A number of {@code provider} with no integration, trunk or binding. */
  public static Ownership of(Provider provider) {
    return new Ownership(provider, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }
}
