package ai.oneinbox.edge.routing;

/** Which agent of a number takes the call. */
public enum Leg {
  /** The inbound agent ({@code inbound_routing.agent_id}, else the number's {@code agent_id}). */
  PRIMARY,
  /** {@code inbound_routing.fallback.agent_id}, the inbound agent being unavailable. */
  FALLBACK
}
