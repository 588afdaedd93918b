package ai.oneinbox.edge.routing;

/**
 * The live state of agents, supplied by the edge for each decision. The engine itself treats a
 * disabled agent ({@link Agent#enabled()} false) as {@link AgentState#DISABLED} without asking.
 */
@FunctionalInterface
public interface Availability {
  /** Every enabled agent is available. */
  Availability ALL_AVAILABLE = agent -> AgentState.AVAILABLE;

  /** The state of {@code agent} for this call; never null. */
  AgentState stateOf(Agent agent);
}
