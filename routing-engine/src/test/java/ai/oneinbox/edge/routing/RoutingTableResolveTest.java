package ai.oneinbox.edge.routing;

import static ai.oneinbox.edge.routing.Fixtures.NUMBER;
import static ai.oneinbox.edge.routing.Fixtures.agent;
import static ai.oneinbox.edge.routing.Fixtures.disabled;
import static ai.oneinbox.edge.routing.Fixtures.inbound;
import static ai.oneinbox.edge.routing.Fixtures.outboundOnly;
import static ai.oneinbox.edge.routing.Fixtures.route;
import static ai.oneinbox.edge.routing.Fixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.RouteDecision.Reject;
import ai.oneinbox.edge.routing.RouteDecision.ToAgent;
import ai.oneinbox.edge.routing.RouteDecision.ToVoicemail;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The semantics of the seed document, case by case. */
class RoutingTableResolveTest {
  private static final Availability ALL = Availability.ALL_AVAILABLE;

  private static Availability except(String agentId, AgentState state) {
    return a -> a.id().equals(agentId) ? state : AgentState.AVAILABLE;
  }

  @Test
  void unknownNumberIsRejectedAsNotFound() {
    RoutingTable table = table(route(NUMBER, "a1", InboundRouting.DEFAULT), agent("a1"));
    Reject r = assertInstanceOf(Reject.class, table.resolve(E164.of(14155550199L), ALL));
    assertEquals(404, r.sipStatus());
    assertEquals("Not Found", r.reasonPhrase());
    assertEquals(RejectCode.NOT_FOUND, r.code());
    assertEquals(List.of(TraceStep.NUMBER_NOT_FOUND), r.trace().codes());
    assertEquals("number +14155550199 is not provisioned", r.trace().toString());
  }

  @Test
  void numberWithoutInboundRoutingIsOutboundOnly() {
    RoutingTable table = table(outboundOnly(NUMBER, "a1"), agent("a1"));
    Reject r = assertInstanceOf(Reject.class, table.resolve(NUMBER, ALL));
    assertEquals(404, r.sipStatus());
    assertEquals(RejectCode.OUTBOUND_ONLY, r.code());
    assertTrue(r.reasonPhrase().contains("Outbound-Only"), r.reasonPhrase());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.OUTBOUND_ONLY), r.trace().codes());
    assertEquals("number +14155550100 found; number +14155550100 has no inbound_routing: it is"
        + " outbound-only", r.trace().toString());
  }

  @Test
  void inboundAgentIsTheNumbersAgentWhenInboundRoutingNamesNone() {
    RoutingTable table = table(route(NUMBER, "a1", InboundRouting.DEFAULT), agent("a1"));
    ToAgent d = assertInstanceOf(ToAgent.class, table.resolve(NUMBER, ALL));
    assertEquals("a1", d.agent().id());
    assertEquals(Leg.PRIMARY, d.leg());
    assertEquals(table.number(NUMBER).orElseThrow(), d.number());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.INBOUND_AGENT_FROM_NUMBER,
        TraceStep.INBOUND_AGENT_AVAILABLE), d.trace().codes());
    assertEquals(Optional.of("a1"), d.trace().inboundAgentId());
  }

  @Test
  void inboundRoutingAgentOverridesTheNumbersAgent() {
    RoutingTable table = table(route(NUMBER, "outbound", inbound("in", null, null)),
        agent("outbound"), agent("in"));
    ToAgent d = assertInstanceOf(ToAgent.class, table.resolve(NUMBER, ALL));
    assertEquals("in", d.agent().id());
    assertEquals(Leg.PRIMARY, d.leg());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.INBOUND_AGENT_FROM_ROUTING,
        TraceStep.INBOUND_AGENT_AVAILABLE), d.trace().codes());
    assertEquals("number +14155550100 found; inbound agent in from inbound_routing.agent_id;"
        + " inbound agent in is available", d.trace().toString());
  }

  @ParameterizedTest
  @EnumSource(value = AgentState.class, names = "AVAILABLE", mode = EnumSource.Mode.EXCLUDE)
  void unavailableInboundAgentFallsBack(AgentState state) {
    RoutingTable table = table(route(NUMBER, "a1", inbound(null, "fb", null)), agent("a1"),
        agent("fb"));
    ToAgent d = assertInstanceOf(ToAgent.class, table.resolve(NUMBER, except("a1", state)));
    assertEquals("fb", d.agent().id());
    assertEquals(Leg.FALLBACK, d.leg());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.INBOUND_AGENT_FROM_NUMBER,
        TraceStep.inbound(state), TraceStep.FALLBACK_AGENT_AVAILABLE), d.trace().codes());
    assertEquals(Optional.of("fb"), d.trace().fallbackAgentId());
  }

  @Test
  void disabledAgentIsUnavailableWhateverTheEdgeSays() {
    RoutingTable table = table(route(NUMBER, "a1", inbound(null, "fb", null)), disabled("a1"),
        agent("fb"));
    ToAgent d = assertInstanceOf(ToAgent.class, table.resolve(NUMBER, ALL));
    assertEquals(Leg.FALLBACK, d.leg());
    assertTrue(d.trace().has(TraceStep.INBOUND_AGENT_DISABLED));
  }

  @Test
  void inboundAgentTheTableDoesNotKnowIsUnavailable() {
    RoutingTable table = table(route(NUMBER, "a1", inbound("ghost", "fb", null)), agent("a1"),
        agent("fb"));
    ToAgent d = assertInstanceOf(ToAgent.class, table.resolve(NUMBER, ALL));
    assertEquals("fb", d.agent().id());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.INBOUND_AGENT_FROM_ROUTING,
        TraceStep.INBOUND_AGENT_UNKNOWN, TraceStep.FALLBACK_AGENT_AVAILABLE), d.trace().codes());
    assertTrue(d.trace().toString().contains("inbound agent ghost does not exist: unavailable"));
  }

  @Test
  void noFallbackGoesToVoicemailWithTheNumbersMessage() {
    RoutingTable table = table(route(NUMBER, "a1", inbound(null, null, "number says hi")),
        agent("a1", "agent says hi"));
    ToVoicemail v = assertInstanceOf(ToVoicemail.class,
        table.resolve(NUMBER, except("a1", AgentState.UNHEALTHY)));
    assertEquals("number says hi", v.message());
    assertEquals("a1", v.inboundAgent().orElseThrow().id());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.INBOUND_AGENT_FROM_NUMBER,
        TraceStep.INBOUND_AGENT_UNHEALTHY, TraceStep.NO_FALLBACK,
        TraceStep.VOICEMAIL_NUMBER_MESSAGE), v.trace().codes());
  }

  @Test
  void voicemailFallsBackToTheInboundAgentsDefaultMessage() {
    RoutingTable table = table(route(NUMBER, "out", inbound("in", null, null)),
        agent("out", "outbound agent's"), agent("in", "inbound agent's"));
    ToVoicemail v = assertInstanceOf(ToVoicemail.class,
        table.resolve(NUMBER, except("in", AgentState.AT_CAPACITY)));
    assertEquals("inbound agent's", v.message());
    assertTrue(v.trace().has(TraceStep.VOICEMAIL_AGENT_MESSAGE));
    assertTrue(v.trace().toString().endsWith("voicemail with inbound agent in's default message"));
  }

  @Test
  void voicemailFallsBackToThePlatformMessage() {
    RoutingTable table = table(route(NUMBER, "a1", InboundRouting.DEFAULT), agent("a1"));
    ToVoicemail v = assertInstanceOf(ToVoicemail.class,
        table.resolve(NUMBER, except("a1", AgentState.UNHEALTHY)));
    assertEquals("platform message", v.message());
    assertTrue(v.trace().has(TraceStep.VOICEMAIL_PLATFORM_MESSAGE));
  }

  @Test
  void unknownInboundAgentHasNoMessageToGive() {
    RoutingTable table = table(route(NUMBER, "ghost", InboundRouting.DEFAULT));
    ToVoicemail v = assertInstanceOf(ToVoicemail.class, table.resolve(NUMBER, ALL));
    assertEquals("platform message", v.message());
    assertEquals(Optional.empty(), v.inboundAgent());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.INBOUND_AGENT_FROM_NUMBER,
        TraceStep.INBOUND_AGENT_UNKNOWN, TraceStep.NO_FALLBACK,
        TraceStep.VOICEMAIL_PLATFORM_MESSAGE), v.trace().codes());
  }

  @Test
  void bothAgentsUnavailableGoesToVoicemail() {
    RoutingTable table = table(route(NUMBER, "a1", inbound(null, "fb", "vm")), agent("a1"),
        agent("fb"));
    Availability neither = a -> a.id().equals("a1") ? AgentState.UNHEALTHY : AgentState.AT_CAPACITY;
    ToVoicemail v = assertInstanceOf(ToVoicemail.class, table.resolve(NUMBER, neither));
    assertEquals("vm", v.message());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.INBOUND_AGENT_FROM_NUMBER,
        TraceStep.INBOUND_AGENT_UNHEALTHY, TraceStep.FALLBACK_AGENT_AT_CAPACITY,
        TraceStep.VOICEMAIL_NUMBER_MESSAGE), v.trace().codes());
  }

  @Test
  void unknownFallbackAgentGoesToVoicemail() {
    RoutingTable table = table(route(NUMBER, "a1", inbound(null, "ghost", null)), disabled("a1"));
    ToVoicemail v = assertInstanceOf(ToVoicemail.class, table.resolve(NUMBER, ALL));
    assertTrue(v.trace().has(TraceStep.FALLBACK_AGENT_UNKNOWN));
    assertTrue(v.trace().toString().contains("fallback agent ghost does not exist"));
  }

  @Test
  void failoverWithinOneCallWalksPrimaryFallbackVoicemail() {
    RoutingTable table = table(route(NUMBER, "a1", inbound(null, "fb", null)), agent("a1"),
        agent("fb", "fallback's own message is not used"));
    Set<String> failed = new java.util.HashSet<>();
    Availability call = a -> failed.contains(a.id()) ? AgentState.FAILED_THIS_CALL : AgentState.AVAILABLE;

    assertEquals(Leg.PRIMARY, assertInstanceOf(ToAgent.class, table.resolve(NUMBER, call)).leg());
    failed.add("a1");
    ToAgent second = assertInstanceOf(ToAgent.class, table.resolve(NUMBER, call));
    assertEquals(Leg.FALLBACK, second.leg());
    assertTrue(second.trace().has(TraceStep.INBOUND_AGENT_FAILED_THIS_CALL));
    failed.add("fb");
    ToVoicemail third = assertInstanceOf(ToVoicemail.class, table.resolve(NUMBER, call));
    assertEquals("platform message", third.message());
    assertEquals(List.of(TraceStep.NUMBER_FOUND, TraceStep.INBOUND_AGENT_FROM_NUMBER,
        TraceStep.INBOUND_AGENT_FAILED_THIS_CALL, TraceStep.FALLBACK_AGENT_FAILED_THIS_CALL,
        TraceStep.VOICEMAIL_PLATFORM_MESSAGE), third.trace().codes());
  }

  @Test
  void noAnswerFromAvailabilityCountsAsUnhealthy() {
    RoutingTable table = table(route(NUMBER, "a1", InboundRouting.DEFAULT), agent("a1"));
    ToVoicemail v = assertInstanceOf(ToVoicemail.class, table.resolve(NUMBER, a -> null));
    assertTrue(v.trace().has(TraceStep.INBOUND_AGENT_UNHEALTHY));
  }

  @Test
  void defaultTableUsesTheConfiguredPlatformMessage() {
    RoutingTable table = RoutingTable.empty();
    table.apply(Fixtures.upsert(1, route(NUMBER, "a1", InboundRouting.DEFAULT)));
    ToVoicemail v = assertInstanceOf(ToVoicemail.class, table.resolve(NUMBER, ALL));
    assertEquals(RoutingConfig.DEFAULTS.platformVoicemailMessage(), v.message());
  }

  @Test
  void traceRendersEveryStep() {
    RoutingTable table = table(route(NUMBER, "a1", inbound("in", "fb", null)), agent("in"),
        agent("fb"));
    RouteDecision d = table.resolve(NUMBER, a -> AgentState.UNHEALTHY);
    assertEquals(List.of(
        "number +14155550100 found",
        "inbound agent in from inbound_routing.agent_id",
        "inbound agent in is unhealthy",
        "fallback agent fb is unhealthy",
        "voicemail with the platform's message"), d.trace().steps());
    assertEquals(14155550100L, d.trace().number());
  }
}
