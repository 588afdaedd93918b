package ai.oneinbox.edge.routing;

import java.util.Objects;
import java.util.Optional;

/**
 * A provisioned number as the routing table holds it.
 *
 * @param number the number
 * @param agentId the number's agent ({@code agent_id}; the outbound caller)
 * @param inboundRouting present when the number takes inbound calls; empty = outbound-only
 * @param ownership who owns the number at its provider
 */
public record NumberRoute(E164 number, String agentId, Optional<InboundRouting> inboundRouting,
                          Ownership ownership) {
  public NumberRoute {
    Objects.requireNonNull(number, "number");
    Ids.require(agentId, "agentId");
    Objects.requireNonNull(inboundRouting, "inboundRouting");
    Objects.requireNonNull(ownership, "ownership");
  }

  /** Whether inbound calls to this number are routed (it has {@code inbound_routing}). */
  public boolean takesInboundCalls() {
    return inboundRouting.isPresent();
  }

  /** The agent of inbound calls: {@code inbound_routing.agent_id} if set, else {@code agent_id}. */
  public String inboundAgentId() {
    return inboundRouting.flatMap(InboundRouting::agentId).orElse(agentId);
  }
}
