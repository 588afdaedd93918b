package ai.oneinbox.edge.sip.agent;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.AgentState;
import ai.oneinbox.edge.routing.Availability;
import java.util.Set;

/**
 * The edge's live view of agents for the routing engine: disabled, unhealthy (every endpoint down by
 * its OPTIONS probes), at capacity (concurrent calls on this node at the agent's limit), else available.
 * {@link #excluding} answers {@code FAILED_THIS_CALL} for the agents a call has already tried, so that
 * resolving again picks the fallback, then voicemail.
 */
public final class AgentAvailability implements Availability {
  private final EndpointHealth health;
  private final AgentCalls calls;

  public AgentAvailability(EndpointHealth health, AgentCalls calls) {
    this.health = health;
    this.calls = calls;
  }

  @Override
  public AgentState stateOf(Agent agent) {
    if (!agent.enabled()) {
      return AgentState.DISABLED;
    }
    if (!anyEndpointUp(agent)) {
      return AgentState.UNHEALTHY;
    }
    if (agent.maxConcurrentCalls() > 0 && calls.active(agent.id()) >= agent.maxConcurrentCalls()) {
      return AgentState.AT_CAPACITY;
    }
    return AgentState.AVAILABLE;
  }

  /** This view, with {@code FAILED_THIS_CALL} for {@code tried}. */
  public Availability excluding(Set<String> tried) {
    if (tried.isEmpty()) {
      return this;
    }
    return agent -> tried.contains(agent.id()) ? AgentState.FAILED_THIS_CALL : stateOf(agent);
  }

  public boolean isUp(String endpoint) {
    return health.isUp(endpoint);
  }

  private boolean anyEndpointUp(Agent agent) {
    if (agent.sipUris().isEmpty()) {
      return false;
    }
    for (String uri : agent.sipUris()) {
      if (health.isUp(uri)) {
        return true;
      }
    }
    return false;
  }
}
