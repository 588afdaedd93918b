package ai.oneinbox.edge.routing;

/** Why a call is rejected. */
public enum RejectCode {
  /** No such number in the table: 404. */
  NOT_FOUND,
  /** The number has no {@code inbound_routing}, so it takes no inbound calls: 404. */
  OUTBOUND_ONLY
}
