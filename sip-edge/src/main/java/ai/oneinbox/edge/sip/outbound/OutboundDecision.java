package ai.oneinbox.edge.sip.outbound;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.TrunkCredentials;
import ai.oneinbox.edge.sip.message.SipUri;
import java.util.List;
import java.util.Optional;

/** What the edge does with an agent's outbound INVITE. */
sealed interface OutboundDecision {

  /** Refuse it: {@code status} with {@code reasonPhrase}; {@code why} goes to the call record. */
  record Refuse(int status, String reasonPhrase, String why) implements OutboundDecision {}

  /** Answer 407 with {@code challenges} ({@code Proxy-Authenticate} values); {@code why} to the record. */
  record Challenge(List<String> challenges, String why) implements OutboundDecision {}

  /** Send it to {@code trunk} with {@code destination} in the Request-URI. */
  record Proceed(Agent agent, E164 caller, E164 destination, TrunkChoice trunk) implements OutboundDecision {}

  /**
   * The trunk a number calls out through.
   *
   * @param name the trunk's id, or {@code platform} for the configured provider's trunk (records, metrics,
   *     limits)
   * @param uri its termination URI
   * @param provider who runs it (a Twilio 403 on an international call means Geo Permissions)
   * @param maxCalls its concurrent call limit (0 = the configured default)
   * @param credentials what its digest challenges are answered with
   */
  record TrunkChoice(String name, SipUri uri, Provider provider, int maxCalls,
      Optional<TrunkCredentials> credentials) {}
}
