package ai.oneinbox.edge.sip.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.sip.testing.FreePorts;
import ai.oneinbox.edge.sip.testing.Sipp;
import ai.oneinbox.edge.sip.testing.SippProcess;
import ai.oneinbox.edge.sip.testing.SippResult;
import ai.oneinbox.edge.sip.testing.SippStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End-to-end call flows: the edge in-process on 127.0.0.1, SIPp as the trunk (UAC) and as the agents and the
 * voicemail service (UAS). The scenarios check the messages themselves (sipp/*.xml: the edge's 100, Record-Route,
 * Via handling, Max-Forwards, the X-OneInbox-* headers, hop-by-hop ACKs, CANCEL branches); these tests check
 * that every SIPp process ended its calls successfully and that each call reached the right party.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EdgeCallFlowsTest {

  private static final Duration EXIT = Duration.ofSeconds(40);
  private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
  private static final String OTHER_ACCOUNT_SID = "ACffffffffffffffffffffffffffffffff";
  private static final String TELNYX_CONNECTION = "1684641123236054244";
  private static final String NUMBER = "+14155550100";
  private static final String CALLER = "+14155550199";
  private static final String FORWARDED_FROM = "+14155550111";
  private static final List<String> ALL_LOOPBACK = List.of("127.0.0.0/8");

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    // reverse order: SIPp peers before the edge
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void twilioCallIsAnsweredByThePrimaryAgentAndHungUpThroughTheEdge() {
    SippProcess agent = agent("agent_uas.xml", "agent-1", "primary");
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", agent, 0)), twilioNumber(NUMBER, "agent-1", Optional.empty(), Optional.empty())));

    SippResult caller = sipp(Sipp.uac("twilio_uac.xml", edge.address()).injection(List.of(twilioRow(NUMBER, ACCOUNT_SID)))
        .calls(3).rate(10)).awaitExit(EXIT);

    assertAllSucceeded(caller, 3);
    assertEquals(3, caller.responseTimes().count(1), "INVITE->100 measured per call: " + caller.responseTimes());
    assertEquals(3, caller.responseTimes().count(2), "INVITE->180 measured per call: " + caller.responseTimes());
    SippStats answered = agent.awaitCalls(3, EXIT);
    assertEquals(3, answered.successfulCalls(), answered.toString());
    assertEquals(0, answered.failedCalls(), answered.toString());
  }

  @Test
  void telnyxCallWithoutPlusAndCompactHeadersOverTcpReachesTheAgent() {
    SippProcess agent = agent("agent_uas.xml", "agent-1", "primary");
    NumberRoute number = new NumberRoute(e164(NUMBER), "agent-1", Optional.of(InboundRouting.DEFAULT),
        new Ownership(Provider.TELNYX, Optional.of("integration-2"), Optional.empty(), Optional.of(TELNYX_CONNECTION),
            Optional.empty()));
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(), table(List.of(agentAt("agent-1", agent, 0)), number));

    SippResult caller = sipp(Sipp.uac("telnyx_uac.xml", edge.address()).transport(Sipp.Transport.TCP)
        .injection(List.of("14155550100;14155550199;" + TELNYX_CONNECTION)).calls(2).rate(10)).awaitExit(EXIT);

    assertAllSucceeded(caller, 2);
    assertEquals(2, agent.awaitCalls(2, EXIT).successfulCalls());
  }

  @Test
  void cancelWhileTheAgentRingsEndsWith487OnBothLegs() {
    SippProcess agent = sipp(Sipp.uas("agent_uas_ringing.xml"));
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", agent, 0)), twilioNumber(NUMBER, "agent-1", Optional.empty(), Optional.empty())));

    SippResult caller = sipp(Sipp.uac("cancel_uac.xml", edge.address()).injection(List.of(twilioRow(NUMBER, ACCOUNT_SID)))
        .calls(1)).awaitExit(EXIT);

    assertAllSucceeded(caller, 1);
    SippStats cancelled = agent.awaitCalls(1, EXIT);
    assertEquals(1, cancelled.successfulCalls(), "agent saw CANCEL, answered 487, got the ACK: " + cancelled);
  }

  @Test
  void failsOverToTheFallbackAgentWhenThePrimaryNeverAnswers() {
    // silent for longer than the provisional timeout (2 s); a CANCEL before any provisional would fail it
    SippProcess primary = sipp(Sipp.uas("agent_uas_silent.xml").holdMillis(6000));
    SippProcess fallback = agent("agent_uas.xml", "agent-2", "fallback");
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", primary, 0), agentAt("agent-2", fallback, 0)),
            twilioNumber(NUMBER, "agent-1", Optional.of("agent-2"), Optional.empty())));

    SippResult caller = sipp(Sipp.uac("twilio_uac.xml", edge.address()).injection(List.of(twilioRow(NUMBER, ACCOUNT_SID)))
        .calls(1)).awaitExit(EXIT);

    assertAllSucceeded(caller, 1);
    primary.awaitLogLine("invite call-id=", EXIT);
    assertEquals(1, fallback.awaitCalls(1, EXIT).successfulCalls());
    assertEquals(0, primary.stats().failedCalls(), "the silent primary got no CANCEL: " + primary.stats());
  }

  @Test
  void failsOverToTheFallbackAgentWhenThePrimaryAnswers503() {
    SippProcess primary = sipp(Sipp.uas("agent_uas_503.xml"));
    SippProcess fallback = agent("agent_uas.xml", "agent-2", "fallback");
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", primary, 0), agentAt("agent-2", fallback, 0)),
            twilioNumber(NUMBER, "agent-1", Optional.of("agent-2"), Optional.empty())));

    SippResult caller = sipp(Sipp.uac("twilio_uac.xml", edge.address()).injection(List.of(twilioRow(NUMBER, ACCOUNT_SID)))
        .calls(1)).awaitExit(EXIT);

    assertAllSucceeded(caller, 1);
    assertEquals(1, primary.awaitCalls(1, EXIT).successfulCalls(), "the primary's 503 was ACKed: " + primary.stats());
    assertEquals(1, fallback.awaitCalls(1, EXIT).successfulCalls());
  }

  @Test
  void failsOverToTheFallbackAgentWhenThePrimaryIsAtItsLimit() {
    SippProcess primary = agent("agent_uas.xml", "agent-1", "primary");
    SippProcess fallback = agent("agent_uas.xml", "agent-2", "fallback");
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", primary, 1), agentAt("agent-2", fallback, 0)),
            twilioNumber(NUMBER, "agent-1", Optional.of("agent-2"), Optional.empty())));

    // first call: answered by the primary and held, so the primary is at its limit of one call
    SippProcess first = sipp(Sipp.uac("twilio_uac.xml", edge.address()).injection(List.of(twilioRow(NUMBER, ACCOUNT_SID)))
        .calls(1).holdMillis(5000));
    primary.awaitLogLine("ack call-id=", EXIT);
    SippResult second = sipp(Sipp.uac("twilio_uac.xml", edge.address()).injection(List.of(twilioRow(NUMBER, ACCOUNT_SID)))
        .calls(1)).awaitExit(EXIT);

    assertAllSucceeded(second, 1);
    assertEquals(1, fallback.awaitCalls(1, EXIT).successfulCalls(), "the second call went to the fallback");
    assertAllSucceeded(first.awaitExit(EXIT), 1);
    assertEquals(1, primary.awaitCalls(1, EXIT).successfulCalls());
  }

  @Test
  void goesToVoicemailWithTheNumbersMessageWhenBothAgentsFail() {
    String message = "Sorry, we're closed: leave a message after the tone & we'll call back. Café 100%";
    SippProcess primary = sipp(Sipp.uas("agent_uas_503.xml"));
    SippProcess fallback = sipp(Sipp.uas("agent_uas_503.xml"));
    SippProcess voicemail = sipp(Sipp.uas("voicemail_uas.xml").set("expect_number", NUMBER));
    EdgeUnderTest edge = edge(ALL_LOOPBACK, "sip:voicemail@127.0.0.1:" + voicemail.address().getPort(),
        table(List.of(agentAt("agent-1", primary, 0), agentAt("agent-2", fallback, 0)),
            twilioNumber(NUMBER, "agent-1", Optional.of("agent-2"), Optional.of(message))));

    SippResult caller = sipp(Sipp.uac("twilio_uac.xml", edge.address()).injection(List.of(twilioRow(NUMBER, ACCOUNT_SID)))
        .calls(1)).awaitExit(EXIT);

    assertAllSucceeded(caller, 1);
    assertEquals(1, primary.awaitCalls(1, EXIT).successfulCalls());
    assertEquals(1, fallback.awaitCalls(1, EXIT).successfulCalls());
    assertEquals(1, voicemail.awaitCalls(1, EXIT).successfulCalls(), voicemail.output());
    Matcher m = Pattern.compile("message=(\\S+)").matcher(voicemail.awaitLogLine("message=", EXIT));
    assertTrue(m.find());
    assertEquals(message, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8),
        "X-OneInbox-Voicemail-Message is the number's message, percent-encoded UTF-8");
  }

  @Test
  void unknownNumberIsRefusedWith404() {
    SippProcess agent = agent("agent_uas.xml", "agent-1", "primary");
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", agent, 0)), twilioNumber(NUMBER, "agent-1", Optional.empty(), Optional.empty())));

    SippResult caller = sipp(Sipp.uac("uac_expect_404.xml", edge.address())
        .injection(List.of(twilioRow("+14155550123", ACCOUNT_SID))).calls(1)).awaitExit(EXIT);

    assertAllSucceeded(caller, 1);
    assertEquals(0, agent.stats().callsCreated(), "nothing reached the agent");
  }

  @Test
  void outboundOnlyNumberIsRefusedWith404SayingSo() {
    SippProcess agent = agent("agent_uas.xml", "agent-1", "primary");
    NumberRoute outboundOnly = new NumberRoute(e164(NUMBER), "agent-1", Optional.empty(), twilioOwnership());
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(), table(List.of(agentAt("agent-1", agent, 0)), outboundOnly));

    SippResult caller = sipp(Sipp.uac("uac_expect_outbound_only.xml", edge.address())
        .injection(List.of(twilioRow(NUMBER, ACCOUNT_SID))).calls(1)).awaitExit(EXIT);

    assertAllSucceeded(caller, 1);
    assertEquals(0, agent.stats().callsCreated(), "nothing reached the agent");
  }

  @Test
  void untrustedSourceAddressIsRefusedWith403() throws UnknownHostException {
    SippProcess agent = agent("agent_uas.xml", "agent-1", "primary");
    EdgeUnderTest edge = edge(List.of("127.0.0.1/32"), voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", agent, 0)), twilioNumber(NUMBER, "agent-1", Optional.empty(), Optional.empty())));
    InetAddress outside = InetAddress.getByAddress("127.0.0.2", new byte[] {127, 0, 0, 2});

    SippResult caller = sipp(Sipp.uac("uac_expect_403.xml", edge.address())
        .local(new InetSocketAddress(outside, FreePorts.next()))
        .injection(List.of(twilioRow(NUMBER, ACCOUNT_SID))).calls(1)).awaitExit(EXIT);

    assertAllSucceeded(caller, 1);
    assertEquals(0, agent.stats().callsCreated(), "nothing reached the agent");
  }

  @Test
  void twilioCallWithAnotherAccountSidIsRefusedWith403() {
    SippProcess agent = agent("agent_uas.xml", "agent-1", "primary");
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", agent, 0)), twilioNumber(NUMBER, "agent-1", Optional.empty(), Optional.empty())));

    SippResult caller = sipp(Sipp.uac("uac_expect_403.xml", edge.address())
        .injection(List.of(twilioRow(NUMBER, OTHER_ACCOUNT_SID))).calls(1)).awaitExit(EXIT);

    assertAllSucceeded(caller, 1);
    assertEquals(0, agent.stats().callsCreated(), "nothing reached the agent");
  }

  @Test
  void optionsToTheEdgeIsAnswered200WithAllowAndAccept() {
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(), table(List.of()));

    SippResult ping = sipp(Sipp.uac("options_uac.xml", edge.address()).calls(2).rate(10)).awaitExit(EXIT);

    assertAllSucceeded(ping, 2);
  }

  @Test
  void aDrainingEdgeAnswersOptionsAndNewInvites503WithRetryAfter() {
    SippProcess agent = agent("agent_uas.xml", "agent-1", "primary");
    EdgeUnderTest edge = edge(ALL_LOOPBACK, voicemailUriNobodyListensOn(),
        table(List.of(agentAt("agent-1", agent, 0)), twilioNumber(NUMBER, "agent-1", Optional.empty(), Optional.empty())));

    edge.drain();

    assertAllSucceeded(sipp(Sipp.uac("options_uac_draining.xml", edge.address()).calls(1)).awaitExit(EXIT), 1);
    assertAllSucceeded(sipp(Sipp.uac("uac_expect_503.xml", edge.address())
        .injection(List.of(twilioRow(NUMBER, ACCOUNT_SID))).calls(1)).awaitExit(EXIT), 1);
    assertEquals(0, agent.stats().callsCreated(), "nothing reached the agent");
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static void assertAllSucceeded(SippResult result, int calls) {
    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(calls, result.successfulCalls(), result.describe());
    assertEquals(0, result.failedCalls(), result.describe());
  }

  private SippProcess agent(String scenario, String agentId, String route) {
    return sipp(Sipp.uas(scenario).set("expect_agent", agentId).set("expect_number", NUMBER).set("expect_route", route));
  }

  private SippProcess sipp(Sipp builder) {
    SippProcess p = builder.start();
    resources.add(p);
    return p;
  }

  private EdgeUnderTest edge(List<String> trusted, String voicemailUri, RoutingTable table) {
    EdgeUnderTest e = EdgeUnderTest.start(trusted, voicemailUri, table);
    // the edge closes after the SIPp peers started before it, and before those started after it
    resources.add(e);
    return e;
  }

  private static String voicemailUriNobodyListensOn() {
    return "sip:voicemail@127.0.0.1:" + FreePorts.next();
  }

  private static RoutingTable table(List<Agent> agents, NumberRoute... numbers) {
    Snapshot.Builder b = Snapshot.builder(1);
    agents.forEach(b::agent);
    for (NumberRoute n : numbers) {
      b.number(n);
    }
    RoutingTable t = RoutingTable.empty();
    t.replace(b.build());
    return t;
  }

  private static Agent agentAt(String id, SippProcess uas, int maxConcurrentCalls) {
    return new Agent(id, List.of("sip:" + id + "@127.0.0.1:" + uas.address().getPort()), maxConcurrentCalls,
        Optional.empty(), true);
  }

  private static NumberRoute twilioNumber(String number, String agentId, Optional<String> fallbackAgentId,
      Optional<String> voicemailMessage) {
    return new NumberRoute(e164(number), agentId,
        Optional.of(new InboundRouting(Optional.empty(), fallbackAgentId, voicemailMessage)), twilioOwnership());
  }

  private static Ownership twilioOwnership() {
    return new Ownership(Provider.TWILIO, Optional.of("integration-1"), Optional.empty(), Optional.of(ACCOUNT_SID),
        Optional.empty());
  }

  private static E164 e164(String number) {
    return E164.of(Long.parseLong(number.substring(1)));
  }

  private static String twilioRow(String called, String accountSid) {
    return String.join(";", called, accountSid, CALLER, FORWARDED_FROM);
  }
}
