package ai.oneinbox.edge.routing;

import java.util.Objects;
import java.util.Optional;

/**
 * How a number takes inbound calls ({@code inbound_routing}). A number without it is outbound-only.
 *
 * @param agentId {@code inbound_routing.agent_id}: the inbound agent, instead of the number's agent
 * @param fallbackAgentId {@code inbound_routing.fallback.agent_id}: takes the call when the inbound
 *     agent is unavailable
 * @param voicemailMessage {@code inbound_routing.voicemail_message}: overrides the agent's default
 */
public record InboundRouting(Optional<String> agentId, Optional<String> fallbackAgentId,
                             Optional<String> voicemailMessage) {
  /** Inbound calls go to the number's own agent, without fallback, with the agent's voicemail. */
  public static final InboundRouting DEFAULT =
      new InboundRouting(Optional.empty(), Optional.empty(), Optional.empty());

  public InboundRouting {
    Ids.requireOptional(agentId, "agentId");
    Ids.requireOptional(fallbackAgentId, "fallbackAgentId");
    Objects.requireNonNull(voicemailMessage, "voicemailMessage");
  }
}
