package ai.oneinbox.edge.sip.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.AgentState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentAvailabilityTest {
  private final AtomicLong now = new AtomicLong();
  private final EndpointHealth health = new EndpointHealth(3, 2);
  private final AgentCalls calls = new AgentCalls(10, Duration.ofHours(4), now::get);
  private final AgentAvailability availability = new AgentAvailability(health, calls);
  private final Agent agent = new Agent("agent_a", List.of("sip:a1@10.0.0.1", "sip:a2@10.0.0.2"), 2,
      Optional.empty(), true);

  @Test
  void healthNeedsThreeMissesToGoDownAndTwoAnswersToComeBack() {
    assertFalse(health.missed("sip:a1@10.0.0.1"));
    assertFalse(health.missed("sip:a1@10.0.0.1"));
    health.answered("sip:a1@10.0.0.1"); // breaks the streak
    assertFalse(health.missed("sip:a1@10.0.0.1"));
    assertFalse(health.missed("sip:a1@10.0.0.1"));
    assertTrue(health.missed("sip:a1@10.0.0.1"));
    assertFalse(health.isUp("sip:a1@10.0.0.1"));
    assertFalse(health.answered("sip:a1@10.0.0.1"));
    assertTrue(health.answered("sip:a1@10.0.0.1"));
    assertTrue(health.isUp("sip:a1@10.0.0.1"));
  }

  @Test
  void agentIsUnhealthyOnlyWhenEveryEndpointIsDown() {
    for (int i = 0; i < 3; i++) {
      health.missed("sip:a1@10.0.0.1");
    }
    assertEquals(AgentState.AVAILABLE, availability.stateOf(agent));
    for (int i = 0; i < 3; i++) {
      health.missed("sip:a2@10.0.0.2");
    }
    assertEquals(AgentState.UNHEALTHY, availability.stateOf(agent));
  }

  @Test
  void capacityCountsForwardedAndEstablishedCalls() {
    calls.started("agent_a");
    calls.started("agent_a");
    assertEquals(AgentState.AT_CAPACITY, availability.stateOf(agent));
    calls.released("agent_a"); // one branch failed
    assertEquals(AgentState.AVAILABLE, availability.stateOf(agent));
    calls.established("call-1", "agent_a");
    calls.started("agent_a");
    assertEquals(AgentState.AT_CAPACITY, availability.stateOf(agent));
    calls.bye("call-1");
    calls.bye("call-1"); // a retransmitted BYE releases nothing more
    assertEquals(1, calls.active("agent_a"));
  }

  @Test
  void establishedCallsWithoutByeAreReleasedByTheSessionBound() {
    calls.started("agent_a");
    calls.established("call-1", "agent_a");
    now.set(Duration.ofHours(4).toNanos() - 1);
    assertEquals(0, calls.expire());
    now.set(Duration.ofHours(4).toNanos());
    assertEquals(1, calls.expire());
    assertEquals(0, calls.active("agent_a"));
  }

  @Test
  void disabledAndFailedThisCall() {
    Agent disabled = new Agent("agent_b", List.of("sip:b@10.0.0.3"), 0, Optional.empty(), false);
    assertEquals(AgentState.DISABLED, availability.stateOf(disabled));
    assertEquals(AgentState.FAILED_THIS_CALL, availability.excluding(Set.of("agent_a")).stateOf(agent));
  }
}
