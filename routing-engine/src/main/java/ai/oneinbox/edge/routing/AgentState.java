package ai.oneinbox.edge.routing;

/** The live state of an agent, as the edge sees it for one call. */
public enum AgentState {
  AVAILABLE,
  /** Switched off by its owner ({@link Agent#enabled()} false). */
  DISABLED,
  /** Failing its health probes. */
  UNHEALTHY,
  /** At its {@link Agent#maxConcurrentCalls()} limit. */
  AT_CAPACITY,
  /** Already tried in this call and failed (timeout, 5xx, ...). */
  FAILED_THIS_CALL
}
