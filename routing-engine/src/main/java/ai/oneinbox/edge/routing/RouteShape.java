package ai.oneinbox.edge.routing;

import java.util.Optional;

/**
 * What a number routes to, without the number: most numbers share their agent, inbound routing and
 * ownership with many others, so the table stores each distinct shape once and gives numbers its id.
 * The agents' table slots are resolved here once, so a decision never hashes an agent id.
 */
final class RouteShape {
  // The route's own fields, held directly: one object to read per decision, not two.
  final String agentId;
  final Optional<InboundRouting> inboundRouting;
  final Ownership ownership;
  final boolean inbound;
  final String inboundAgentId;
  final boolean inboundFromRouting;
  final int inboundSlot;
  final String fallbackAgentId; // null: none
  final int fallbackSlot; // -1: none
  final String voicemailMessage; // null: none on the number

  /** The identity of a shape: a {@link NumberRoute} without its number. */
  record Key(String agentId, Optional<InboundRouting> inboundRouting, Ownership ownership) {
    static Key of(NumberRoute route) {
      return new Key(route.agentId(), route.inboundRouting(), route.ownership());
    }
  }

  RouteShape(Key key, int inboundSlot, int fallbackSlot) {
    this.agentId = key.agentId();
    this.inboundRouting = key.inboundRouting();
    this.ownership = key.ownership();
    InboundRouting routing = key.inboundRouting().orElse(null);
    this.inbound = routing != null;
    this.inboundFromRouting = routing != null && routing.agentId().isPresent();
    this.inboundAgentId = inboundFromRouting ? routing.agentId().get() : key.agentId();
    this.inboundSlot = inboundSlot;
    this.fallbackAgentId = routing == null ? null : routing.fallbackAgentId().orElse(null);
    this.fallbackSlot = fallbackSlot;
    this.voicemailMessage = routing == null ? null : routing.voicemailMessage().orElse(null);
  }

  Key key() {
    return new Key(agentId, inboundRouting, ownership);
  }

  NumberRoute route(E164 number) {
    return new NumberRoute(number, agentId, inboundRouting, ownership);
  }
}
