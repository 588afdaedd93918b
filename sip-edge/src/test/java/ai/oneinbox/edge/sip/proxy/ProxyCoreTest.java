package ai.oneinbox.edge.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RoutingConfig;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.transaction.VirtualScheduler;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy core on an in-memory network and a virtual clock: every message is a real SIP message parsed
 * by the codec; what the proxy sends is read back as text.
 */
@Timeout(10)
class ProxyCoreTest {
  static final InetSocketAddress TRUNK = new InetSocketAddress("10.9.0.1", 5060);
  static final InetSocketAddress STRANGER = new InetSocketAddress("198.51.100.7", 5060);
  static final InetSocketAddress AGENT_A = new InetSocketAddress("10.0.0.1", 5080);
  static final InetSocketAddress AGENT_A2 = new InetSocketAddress("10.0.0.11", 5080);
  static final InetSocketAddress AGENT_B = new InetSocketAddress("10.0.0.2", 5080);
  static final InetSocketAddress VOICEMAIL = new InetSocketAddress("10.0.0.3", 5090);

  final VirtualScheduler clock = new VirtualScheduler();
  final TestNetwork net = new TestNetwork();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final RoutingTable table = RoutingTable.create(RoutingConfig.DEFAULTS);
  ProxyCore core = newCore(SipEdgeConfig.defaults());

  ProxyCoreTest() {
    Agent a = new Agent("agent_a", List.of("sip:a@10.0.0.1:5080", "sip:a@10.0.0.11:5080"), 1,
        Optional.empty(), true);
    Agent b = new Agent("agent_b", List.of("sip:b@10.0.0.2:5080"), 0, Optional.empty(), true);
    Ownership twilio = new Ownership(Provider.TWILIO, Optional.of("int_1"), Optional.empty(),
        Optional.of("AC123"), Optional.empty());
    table.replace(Snapshot.builder(1)
        .agent(a)
        .agent(b)
        .number(new NumberRoute(E164.of(14155550100L), "agent_a", Optional.of(new InboundRouting(
            Optional.empty(), Optional.of("agent_b"), Optional.of("Leave a message, please!"))),
            Ownership.SANDBOX))
        .number(new NumberRoute(E164.of(14155550101L), "agent_a", Optional.of(InboundRouting.DEFAULT),
            twilio))
        .number(new NumberRoute(E164.of(14155550102L), "agent_a", Optional.empty(), Ownership.SANDBOX))
        .build());
  }

  ProxyCore newCore(SipEdgeConfig base) {
    SipEdgeConfig config = base.withVoicemailUri("sip:vm@10.0.0.3:5090")
        .withExtraTrunkCidrs(List.of("10.9.0.0/16"));
    LocalIdentity identity = new LocalIdentity("10.0.0.254",
        Map.of(TransportKind.UDP, 5060, TransportKind.TCP, 5060), Set.of());
    return new ProxyCore(config, table, registry, net, identity, List.of(clock),
        UnpooledByteBufAllocator.DEFAULT, () -> clock.now().toNanos());
  }

  @AfterEach
  void everyTransactionEnds() {
    clock.advance(Duration.ofMinutes(5));
    assertEquals(0, core.transactionsInFlight(), "transactions left after 5 minutes");
  }

  // ------------------------------------------------------------------------------------ helpers

  static String invite(String callId, String number, String... extra) {
    StringBuilder b = new StringBuilder()
        .append("INVITE sip:").append(number).append("@10.0.0.254:5060 SIP/2.0\r\n")
        .append("Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-").append(callId).append(";rport\r\n")
        .append("Max-Forwards: 70\r\n")
        .append("From: <sip:+12125550199@10.9.0.1>;tag=caller-").append(callId).append("\r\n")
        .append("To: <sip:").append(number).append("@10.0.0.254>\r\n")
        .append("Call-ID: ").append(callId).append("\r\n")
        .append("CSeq: 1 INVITE\r\n")
        .append("Contact: <sip:+12125550199@10.9.0.1:5060>\r\n");
    for (String e : extra) {
      b.append(e).append("\r\n");
    }
    return b.append("Content-Length: 0\r\n\r\n").toString();
  }

  void fromTrunk(String text) {
    TestNetwork.deliver(core, text, TransportKind.UDP, TRUNK);
  }

  void fromAgent(InetSocketAddress agent, String text) {
    TestNetwork.deliver(core, text, TransportKind.UDP, agent);
  }

  List<TestNetwork.Sent> toTrunk() {
    return net.to(TRUNK);
  }

  List<Integer> statusesToTrunk() {
    return toTrunk().stream().filter(TestNetwork.Sent::isResponse).map(TestNetwork.Sent::status).toList();
  }

  double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  // ------------------------------------------------------------------------------------ the call

  @Test
  void trunkCallReachesTheAgentWithOurHeadersAndCompletes() {
    fromTrunk(invite("c1", "+14155550100"));
    assertEquals(List.of(100), statusesToTrunk(), "100 Trying at once");
    TestNetwork.Sent out = net.last(AGENT_A);
    assertEquals("INVITE sip:a@10.0.0.1:5080 SIP/2.0", out.startLine());
    List<String> vias = out.headers("Via");
    assertTrue(vias.get(0).startsWith("SIP/2.0/UDP 10.0.0.254:5060;branch=z9hG4bK-oi"), vias.get(0));
    assertTrue(vias.get(1).contains("received=10.9.0.1") && vias.get(1).contains("rport=5060"), vias.get(1));
    assertEquals("69", out.header("Max-Forwards"));
    assertEquals("<sip:10.0.0.254:5060;lr>", out.header("Record-Route"));
    assertEquals("agent_a", out.header("X-OneInbox-Agent-Id"));
    assertEquals("+14155550100", out.header("X-OneInbox-Number"));
    assertEquals("primary", out.header("X-OneInbox-Route"));
    assertTrue(out.headers("X-OneInbox-Voicemail-Message").isEmpty());

    fromAgent(AGENT_A, TestNetwork.responseTo(out, 100, "Trying", ""));
    fromAgent(AGENT_A, TestNetwork.responseTo(out, 180, "Ringing", "agent1"));
    fromAgent(AGENT_A, TestNetwork.responseTo(out, 200, "OK", "agent1", "Contact: <sip:a@10.0.0.1:5080>"));
    assertEquals(List.of(100, 180, 200), statusesToTrunk(), "the agent's 100 is absorbed");
    TestNetwork.Sent ok = toTrunk().get(2);
    assertEquals(1, ok.headers("Via").size(), "our Via is popped");
    assertEquals(1, core.agentCalls().active("agent_a"), "an answered call is counted");

    // ACK for the 2xx, end to end through our Record-Route
    int before = net.sent.size();
    fromTrunk("ACK sip:a@10.0.0.1:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-ack1;rport\r\n"
        + "Route: <sip:10.0.0.254:5060;lr>\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-c1\r\n"
        + "To: <sip:+14155550100@10.0.0.254>;tag=agent1\r\n"
        + "Call-ID: c1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    TestNetwork.Sent ack = net.since(before, s -> true).get(0);
    assertEquals(AGENT_A, ack.to());
    assertEquals("ACK sip:a@10.0.0.1:5080 SIP/2.0", ack.startLine());
    assertTrue(ack.headers("Route").isEmpty(), "our Route is popped");

    // BYE from the agent, through us, to the trunk's Contact
    before = net.sent.size();
    fromAgent(AGENT_A, "BYE sip:+12125550199@10.9.0.1:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bK-bye1\r\n"
        + "Route: <sip:10.0.0.254:5060;lr>\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+14155550100@10.0.0.254>;tag=agent1\r\n"
        + "To: <sip:+12125550199@10.9.0.1>;tag=caller-c1\r\n"
        + "Call-ID: c1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
    TestNetwork.Sent bye = net.since(before, s -> true).get(0);
    assertEquals(TRUNK, bye.to());
    assertEquals(0, core.agentCalls().active("agent_a"), "the BYE releases the agent");
    fromTrunk(TestNetwork.responseTo(bye, 200, "OK", ""));
    TestNetwork.Sent byeOk = net.last(AGENT_A);
    assertEquals(200, byeOk.status());
    assertEquals("2 BYE", byeOk.header("CSeq"));
    assertEquals(1, counter("sip_edge_invites", "decision", "primary", "status", "200"));
  }

  @Test
  void finishedCallsMakeRoomInAFullTableInsteadOfNewCallsBeingRefused() {
    core = newCore(SipEdgeConfig.defaults().withMaxTransactions(16)); // one shard: 16 entries per table
    // 40 calls one after the other, each answered 486 by the agent: every one leaves its transactions
    // lingering (timer D 32 s on the leg, timer H or I on the caller's side) once it is over
    for (int i = 0; i < 40; i++) {
      String id = "full" + i;
      int before = net.sent.size();
      fromTrunk(invite(id, "+14155550100"));
      List<TestNetwork.Sent> forwarded = net.since(before, s -> !s.isResponse());
      assertEquals(1, forwarded.size(), "call " + i + " is forwarded, not refused");
      fromAgent(AGENT_A, TestNetwork.responseTo(forwarded.get(0), 486, "Busy Here", "busy" + i));
    }
    assertEquals(40, statusesToTrunk().stream().filter(s -> s == 486).count(), statusesToTrunk().toString());
    assertFalse(statusesToTrunk().contains(503), "no call refused for lack of room");
    assertTrue(counter("sip_edge_transactions_evicted") >= 24, "finished calls ended early to make room");
    assertTrue(core.transactionsInFlight() <= 32, "the tables stay within their bound");
  }

  @Test
  void liveTransactionsAreBoundedByTheHeapOneEntryPer16KiB() {
    assertEquals(65_536, ProxyCore.liveBound(1L << 30), "1 GiB: 16 KiB a table entry");
    assertEquals(4_096, ProxyCore.liveBound(16L << 20), "a small heap still holds a few thousand calls");
    assertEquals(Integer.MAX_VALUE, ProxyCore.liveBound(Long.MAX_VALUE));
  }

  @Test
  void aTableFullOfLiveCallsStillRefusesWith503() {
    core = newCore(SipEdgeConfig.defaults().withMaxTransactions(16));
    for (int i = 0; i < 20; i++) {
      fromTrunk(invite("live" + i, "+14155550100")); // forwarded, never answered: all stay live
    }
    assertTrue(statusesToTrunk().contains(503), "live transactions are never evicted");
    assertEquals(0, counter("sip_edge_transactions_evicted"));
  }

  @Test
  void anOverloadedNodeShedsNewInvitesWith503BeforeAnyTransactionAndAdmitsThemAgainOnceQuiet() {
    LoadShedder shedder = new LoadShedder(() -> 0.0); // every draw is under any share above 0
    core.useLoadShedder(shedder);
    fromTrunk(invite("s1", "+14155550100"));
    assertEquals(List.of(100), statusesToTrunk(), "nothing dropped yet: admitted");
    shedder.period(250); // datagrams were dropped at the sockets
    fromTrunk(invite("s2", "+14155550100"));
    TestNetwork.Sent shed = toTrunk().get(1);
    assertEquals(503, shed.status());
    assertEquals(Long.toString(InviteCall.SHED_RETRY_AFTER_SECONDS), shed.header("Retry-After"));
    assertTrue(shed.header("To").contains("tag="), "a final answer carries a To tag: " + shed.header("To"));
    assertEquals(1, net.to(AGENT_A).size() + net.to(AGENT_A2).size(), "the shed call reached no agent");
    assertEquals(1, counter("sip_edge_rejected", "reason", "overload"));
    assertEquals(1, counter("sip_edge_invites", "decision", "overload", "status", "503"));
    fromTrunk(invite("s2", "+14155550100")); // its retransmission is a new INVITE to us: shed again
    assertEquals(List.of(100, 503, 503), statusesToTrunk());
    for (int i = 0; i < 10; i++) {
      shedder.period(0);
    }
    fromTrunk(invite("s3", "+14155550100"));
    assertEquals(List.of(100, 503, 503, 100), statusesToTrunk(), "quiet again: admitted");
    assertEquals("agent_b", net.last(AGENT_B).header("X-OneInbox-Agent-Id"),
        "and routed: agent_a is at its one call (s1), so to the fallback");
  }

  @Test
  void retransmittedInviteGetsTheLastResponseAndIsNotForwardedTwice() {
    fromTrunk(invite("c2", "+14155550100"));
    fromTrunk(invite("c2", "+14155550100"));
    assertEquals(List.of(100, 100), statusesToTrunk());
    assertEquals(1, net.to(AGENT_A).size());
  }

  @Test
  void agentUnavailableFailsOverToTheNextEndpointThenTheFallbackAgent() {
    fromTrunk(invite("c3", "+14155550100"));
    TestNetwork.Sent first = net.last(AGENT_A);
    fromAgent(AGENT_A, TestNetwork.responseTo(first, 503, "Service Unavailable", "x"));
    assertEquals("ACK", net.last(AGENT_A).method(), "the 503 is acknowledged hop by hop");
    TestNetwork.Sent second = net.last(AGENT_A2);
    assertEquals("INVITE sip:a@10.0.0.11:5080 SIP/2.0", second.startLine());
    fromAgent(AGENT_A2, TestNetwork.responseTo(second, 480, "Temporarily Unavailable", "y"));
    TestNetwork.Sent third = net.last(AGENT_B);
    assertEquals("fallback", third.header("X-OneInbox-Route"));
    assertEquals("agent_b", third.header("X-OneInbox-Agent-Id"));
    fromAgent(AGENT_B, TestNetwork.responseTo(third, 200, "OK", "b1", "Contact: <sip:b@10.0.0.2:5080>"));
    assertEquals(List.of(100, 200), statusesToTrunk(), "one coherent answer: 100, then the winner's");
    assertEquals(2, counter("sip_edge_failovers"));
    assertEquals(1, counter("sip_edge_invites", "decision", "fallback", "status", "200"));
    assertEquals(0, core.agentCalls().active("agent_a"));
  }

  @Test
  void noProvisionalInTwoSecondsFailsOverAndTheLateLegIsCancelled() {
    fromTrunk(invite("c4", "+14155550100"));
    TestNetwork.Sent first = net.last(AGENT_A);
    clock.advance(Duration.ofMillis(1999));
    assertTrue(net.to(AGENT_A2).isEmpty());
    clock.advance(Duration.ofMillis(1));
    TestNetwork.Sent second = net.last(AGENT_A2);
    assertEquals("INVITE", second.method());
    // the first endpoint wakes up: it is cancelled, its ringing never reaches the caller
    fromAgent(AGENT_A, TestNetwork.responseTo(first, 180, "Ringing", "late"));
    TestNetwork.Sent cancel = net.last(AGENT_A);
    assertEquals("CANCEL sip:a@10.0.0.1:5080 SIP/2.0", cancel.startLine());
    assertEquals(first.headers("Via").get(0), cancel.header("Via"), "CANCEL reuses the INVITE's branch");
    fromAgent(AGENT_A, TestNetwork.responseTo(cancel, 200, "OK", "late"));
    fromAgent(AGENT_A, TestNetwork.responseTo(first, 487, "Request Terminated", "late"));
    assertEquals(List.of(100), statusesToTrunk());
    fromAgent(AGENT_A2, TestNetwork.responseTo(second, 180, "Ringing", "a2"));
    fromAgent(AGENT_A2, TestNetwork.responseTo(second, 486, "Busy Here", "a2"));
    assertEquals(List.of(100, 180, 486), statusesToTrunk(), "486 is final: no failover");
  }

  @Test
  void voicemailWhenEveryAgentFailsCarriesTheEncodedMessage() {
    net.unreachable.add(AGENT_A);
    net.unreachable.add(AGENT_A2);
    fromTrunk(invite("c5", "+14155550100"));
    TestNetwork.Sent b = net.last(AGENT_B);
    fromAgent(AGENT_B, TestNetwork.responseTo(b, 500, "Server Error", "b"));
    TestNetwork.Sent vm = net.last(VOICEMAIL);
    assertEquals("INVITE sip:vm@10.0.0.3:5090 SIP/2.0", vm.startLine());
    assertEquals("voicemail", vm.header("X-OneInbox-Route"));
    assertEquals("agent_a", vm.header("X-OneInbox-Agent-Id"));
    String encoded = vm.header("X-OneInbox-Voicemail-Message");
    assertEquals("Leave%20a%20message%2C%20please%21", encoded);
    assertEquals("Leave a message, please!", URLDecoder.decode(encoded, StandardCharsets.UTF_8));
    fromAgent(VOICEMAIL, TestNetwork.responseTo(vm, 200, "OK", "vm", "Contact: <sip:vm@10.0.0.3:5090>"));
    assertEquals(List.of(100, 200), statusesToTrunk());
    assertEquals(1, counter("sip_edge_invites", "decision", "voicemail", "status", "200"));
  }

  @Test
  void everyTargetFailingEndsWith480() {
    fromTrunk(invite("c6", "+14155550100"));
    clock.advance(Duration.ofSeconds(2)); // a1
    clock.advance(Duration.ofSeconds(2)); // a2
    clock.advance(Duration.ofSeconds(2)); // b
    clock.advance(Duration.ofSeconds(2)); // voicemail
    assertEquals(List.of(100, 480), statusesToTrunk());
  }

  @Test
  void agentAtItsLimitIsSkippedBeforeWeTry() {
    fromTrunk(invite("c7a", "+14155550100"));
    TestNetwork.Sent first = net.last(AGENT_A);
    fromAgent(AGENT_A, TestNetwork.responseTo(first, 200, "OK", "a", "Contact: <sip:a@10.0.0.1:5080>"));
    fromTrunk(invite("c7b", "+14155550100"));
    TestNetwork.Sent b = net.last(AGENT_B);
    assertTrue(b.header("Call-ID").equals("c7b"), "agent_a (limit 1) is busy: straight to the fallback");
    assertEquals("fallback", b.header("X-OneInbox-Route"));
  }

  @Test
  void cancelDuringRingingIsRelayedAndAnswered487() {
    fromTrunk(invite("c8", "+14155550100"));
    TestNetwork.Sent out = net.last(AGENT_A);
    fromAgent(AGENT_A, TestNetwork.responseTo(out, 180, "Ringing", "r"));
    fromTrunk("CANCEL sip:+14155550100@10.0.0.254:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-c8;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-c8\r\n"
        + "To: <sip:+14155550100@10.0.0.254>\r\n"
        + "Call-ID: c8\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
    TestNetwork.Sent cancelOk = toTrunk().get(toTrunk().size() - 1);
    assertEquals(200, cancelOk.status());
    assertEquals("1 CANCEL", cancelOk.header("CSeq"));
    TestNetwork.Sent cancel = net.last(AGENT_A);
    assertEquals("CANCEL", cancel.method());
    fromAgent(AGENT_A, TestNetwork.responseTo(cancel, 200, "OK", "r"));
    fromAgent(AGENT_A, TestNetwork.responseTo(out, 487, "Request Terminated", "r"));
    assertEquals(List.of(100, 180, 200, 487), statusesToTrunk());
    assertTrue(net.to(AGENT_B).isEmpty(), "a cancelled call does not fail over");
    // the caller's ACK for the 487 is absorbed by our server transaction
    int before = net.sent.size();
    fromTrunk("ACK sip:+14155550100@10.0.0.254:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-c8;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-c8\r\n"
        + "To: <sip:+14155550100@10.0.0.254>;tag=r\r\n"
        + "Call-ID: c8\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    assertEquals(before, net.sent.size());
  }

  @Test
  void cancelBeforeAnyAgentAnswerIsAnswered487ByUs() {
    fromTrunk(invite("c9", "+14155550100"));
    fromTrunk("CANCEL sip:+14155550100@10.0.0.254:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-c9;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-c9\r\n"
        + "To: <sip:+14155550100@10.0.0.254>\r\n"
        + "Call-ID: c9\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
    assertEquals(List.of(100, 200, 487), statusesToTrunk());
    clock.advance(Duration.ofSeconds(3));
    assertTrue(net.to(AGENT_A2).isEmpty(), "no failover after a CANCEL");
  }

  // ------------------------------------------------------------------------------------ rejections

  @Test
  void unknownNumberIs404AndOutboundOnlySaysSo() {
    fromTrunk(invite("r1", "+14155559999"));
    fromTrunk(invite("r2", "+14155550102"));
    List<TestNetwork.Sent> finals = toTrunk().stream().filter(s -> s.status() >= 200).toList();
    assertEquals("SIP/2.0 404 Not Found", finals.get(0).startLine());
    assertEquals("SIP/2.0 404 Outbound-Only Number", finals.get(1).startLine());
    assertEquals(1, counter("sip_edge_rejected", "reason", "not_found"));
    assertEquals(1, counter("sip_edge_rejected", "reason", "outbound_only"));
  }

  @Test
  void calledNumberFallsBackToToAndDiversion() {
    fromTrunk("INVITE sip:edge@10.0.0.254:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-d1\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=f\r\n"
        + "To: <sip:edge@10.0.0.254>\r\n"
        + "Diversion: <sip:14155550100@10.9.0.1>;reason=unconditional\r\n"
        + "Call-ID: d1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
    assertEquals("+14155550100", net.last(AGENT_A).header("X-OneInbox-Number"));
  }

  @Test
  void untrustedSourceIs403AndScannersHearNothing() {
    TestNetwork.deliver(core, invite("u1", "+14155550100"), TransportKind.UDP, STRANGER);
    TestNetwork.deliver(core, invite("u2", "+14155550100", "User-Agent: friendly-scanner"),
        TransportKind.UDP, STRANGER);
    List<TestNetwork.Sent> answers = net.to(STRANGER);
    assertEquals(1, answers.size());
    assertEquals("SIP/2.0 403 Forbidden (Untrusted Source)", answers.get(0).startLine());
    assertEquals(1, counter("sip_edge_rejected", "reason", "untrusted"));
  }

  @Test
  void twilioNumberNeedsTheOwningAccountSid() {
    fromTrunk(invite("t1", "+14155550101", "X-Twilio-AccountSid: AC999"));
    fromTrunk(invite("t2", "+14155550101", "X-Twilio-AccountSid: AC123"));
    assertEquals("SIP/2.0 403 Forbidden (Trunk Binding)",
        toTrunk().stream().filter(s -> s.status() >= 200).findFirst().orElseThrow().startLine());
    assertEquals("t2", net.last(AGENT_A).header("Call-ID"));
  }

  @Test
  void callerCannotInjectOurHeaders() {
    fromTrunk(invite("h1", "+14155550100", "X-OneInbox-Route: voicemail",
        "X-OneInbox-Voicemail-Message: pwned"));
    TestNetwork.Sent out = net.last(AGENT_A);
    assertEquals(List.of("primary"), out.headers("X-OneInbox-Route"));
    assertTrue(out.headers("X-OneInbox-Voicemail-Message").isEmpty());
  }

  // ------------------------------------------------------------------------------------ the edge itself

  @Test
  void optionsToTheEdgeIsAnsweredAndDrainingSays503() {
    String options = "OPTIONS sip:10.0.0.254:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-o%d\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:ping@10.9.0.1>;tag=o\r\n"
        + "To: <sip:10.0.0.254>\r\n"
        + "Call-ID: o%d\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    fromTrunk(String.format(options, 1, 1));
    TestNetwork.Sent ok = toTrunk().get(0);
    assertEquals(200, ok.status());
    assertTrue(ok.header("Allow").contains("INVITE"));
    assertEquals("application/sdp", ok.header("Accept"));
    core.drain();
    fromTrunk(String.format(options, 2, 2));
    TestNetwork.Sent busy = toTrunk().get(1);
    assertEquals(503, busy.status());
    assertEquals("30", busy.header("Retry-After"));
    fromTrunk(invite("o3", "+14155550100"));
    assertEquals(List.of(200, 503, 100, 503), statusesToTrunk());
  }

  @Test
  void registerIs405UnknownIs501() {
    String req = "%s sip:10.0.0.254:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-%s\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:x@10.9.0.1>;tag=x\r\n"
        + "To: <sip:x@10.0.0.254>\r\n"
        + "Call-ID: %s\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n";
    fromTrunk(String.format(req, "REGISTER", "m1", "m1", "REGISTER"));
    fromTrunk(String.format(req, "FROBNICATE", "m2", "m2", "FROBNICATE"));
    assertEquals(List.of(405, 501), statusesToTrunk());
    assertTrue(toTrunk().get(0).header("Allow").contains("OPTIONS"));
  }

  @Test
  void maxForwardsZeroIs483AndProxyRequireIs420() {
    fromTrunk(invite("mf", "+14155550100").replace("Max-Forwards: 70", "Max-Forwards: 0"));
    fromTrunk(invite("pr", "+14155550100", "Proxy-Require: foo"));
    assertEquals(List.of(483, 420), statusesToTrunk());
    assertEquals("foo", toTrunk().get(1).header("Unsupported"));
    assertTrue(net.to(AGENT_A).isEmpty());
  }

  @Test
  void aRequestThatComesBackUnchangedIsALoop() {
    fromTrunk(invite("lp", "+14155550100"));
    TestNetwork.Sent out = net.last(AGENT_A);
    // the same request (same R-URI) arriving again with our Via inside it
    String looped = invite("lp", "+14155550100").replace(
        "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-lp;rport\r\n",
        "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-lp2\r\nVia: " + out.headers("Via").get(0)
            + "\r\nVia: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-lp;rport\r\n");
    fromTrunk(looped);
    assertEquals(List.of(100, 482), statusesToTrunk());
  }

  @Test
  void branchWithoutMagicCookieIs400() {
    fromTrunk(invite("mc", "+14155550100").replace("branch=z9hG4bK-mc", "branch=1234"));
    assertEquals(List.of(400), statusesToTrunk());
    assertFalse(toTrunk().isEmpty());
  }

  @Test
  void responsesNotOursAreDroppedAndStrayOnesForwardedByVia() {
    fromAgent(AGENT_A, "SIP/2.0 200 OK\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-x\r\n"
        + "From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: s1\r\nCSeq: 1 INVITE\r\n"
        + "Content-Length: 0\r\n\r\n");
    assertTrue(net.sent.isEmpty());
    fromAgent(AGENT_A, "SIP/2.0 200 OK\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.254:5060;branch=z9hG4bK-oi00000000000000000000000000000000.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-x;received=10.9.0.1;rport=5062\r\n"
        + "From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: s2\r\nCSeq: 1 INVITE\r\n"
        + "Content-Length: 0\r\n\r\n");
    assertEquals(new InetSocketAddress("10.9.0.1", 5062), net.sent.get(0).to());
  }

  @Test
  void transportChangeGetsTwoRecordRoutes() {
    TestNetwork.deliver(core, invite("tc", "+14155550100").replace("SIP/2.0/UDP 10.9.0.1", "SIP/2.0/TCP 10.9.0.1"),
        TransportKind.TCP, TRUNK);
    TestNetwork.Sent out = net.last(AGENT_A);
    assertEquals(TransportKind.UDP, out.transport());
    assertEquals(List.of("<sip:10.0.0.254:5060;lr>", "<sip:10.0.0.254:5060;transport=tcp;lr>"),
        out.headers("Record-Route"));
    assertEquals(TransportKind.TCP, toTrunk().get(0).transport());
  }

  @Test
  void reInviteInTheDialogIsRelayedToTheContact() {
    int before = net.sent.size();
    fromTrunk("INVITE sip:a@10.0.0.1:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-re1;rport\r\n"
        + "Route: <sip:10.0.0.254:5060;lr>\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-x\r\n"
        + "To: <sip:+14155550100@10.0.0.254>;tag=agent-x\r\n"
        + "Call-ID: re1\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n");
    TestNetwork.Sent out = net.last(AGENT_A);
    assertEquals("INVITE sip:a@10.0.0.1:5080 SIP/2.0", out.startLine());
    assertTrue(out.headers("Route").isEmpty());
    assertTrue(out.headers("Record-Route").isEmpty(), "the route set of a dialog does not change");
    assertTrue(out.headers("X-OneInbox-Route").isEmpty());
    fromAgent(AGENT_A, TestNetwork.responseTo(out, 200, "OK", ""));
    assertEquals(List.of(100, 200), statusesToTrunk());
    assertTrue(net.since(before, s -> true).size() >= 3);
  }

  @Test
  void inDialogRequestNotRoutedThroughUsIs481() {
    fromTrunk("BYE sip:a@10.0.0.1:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-nb1\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-x\r\n"
        + "To: <sip:+14155550100@10.0.0.254>;tag=agent-x\r\n"
        + "Call-ID: nb1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
    assertEquals(List.of(481), statusesToTrunk());
    assertTrue(net.to(AGENT_A).isEmpty());
  }

  @Test
  void optionsProbesTakeASilentEndpointOutAndBringItBack() {
    fromTrunk(invite("hp", "+14155550100"));
    TestNetwork.Sent first = net.last(AGENT_A);
    fromAgent(AGENT_A, TestNetwork.responseTo(first, 486, "Busy Here", "x"));
    for (int i = 0; i < 3; i++) {
      core.probeAgents();
      clock.advance(Duration.ofSeconds(2)); // sip.health.timeout: a miss
    }
    TestNetwork.Sent probe = net.last(AGENT_A);
    assertEquals("OPTIONS sip:a@10.0.0.1:5080 SIP/2.0", probe.startLine());
    assertFalse(core.health().isUp("sip:a@10.0.0.1:5080"));
    fromTrunk(invite("hp2", "+14155550100"));
    assertEquals("hp2", net.last(AGENT_A2).header("Call-ID"), "the unhealthy endpoint is skipped");
    for (int i = 0; i < 2; i++) {
      core.probeAgents();
      fromAgent(AGENT_A, TestNetwork.responseTo(net.last(AGENT_A), 200, "OK", "p"));
    }
    assertTrue(core.health().isUp("sip:a@10.0.0.1:5080"));
  }

  @Test
  void relayedByeThatNobodyAnswersGets408Later() {
    fromTrunk("BYE sip:a@10.0.0.1:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-bt1;rport\r\n"
        + "Route: <sip:10.0.0.254:5060;lr>\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-x\r\n"
        + "To: <sip:+14155550100@10.0.0.254>;tag=agent-x\r\n"
        + "Call-ID: bt1\r\nCSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n");
    clock.advance(Duration.ofSeconds(31));
    assertTrue(net.to(AGENT_A).size() > 5, "timer E retransmits the BYE");
    assertTrue(statusesToTrunk().isEmpty());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(408), statusesToTrunk(), "built from the request kept since it arrived");
  }

  @Test
  void relayedByeToAnUnreachableHopGets500() {
    net.unreachable.add(AGENT_A);
    fromTrunk("BYE sip:a@10.0.0.1:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-bt2;rport\r\n"
        + "Route: <sip:10.0.0.254:5060;lr>\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-x\r\n"
        + "To: <sip:+14155550100@10.0.0.254>;tag=agent-x\r\n"
        + "Call-ID: bt2\r\nCSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n");
    assertEquals(List.of(500), statusesToTrunk());
  }

  @Test
  void abortAllEndsEveryTransactionAtOnce() {
    fromTrunk(invite("ab1", "+14155550100"));
    TestNetwork.Sent out = net.last(AGENT_A);
    fromAgent(AGENT_A, TestNetwork.responseTo(out, 180, "Ringing", "r"));
    fromTrunk(invite("ab2", "+14155550100"));
    assertTrue(core.transactionsInFlight() >= 4);
    int sent = net.sent.size();
    core.abortAll();
    assertEquals(0, core.transactionsInFlight());
    clock.advance(Duration.ofMinutes(5));
    assertEquals(sent, net.sent.size(), "nothing is sent after the abort");
  }

  // ------------------------------------------------------------------- after the final answer (ADR 0006)

  /**
   * A finished call's transactions linger as records of the shard, not objects: what still reaches them
   * during their timers is treated as the transactions would have.
   */
  @Nested
  class AfterTheFinalAnswer {
    static final String BYE_FROM_TRUNK = "BYE sip:a@10.0.0.1:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-lb1;rport\r\n"
        + "Route: <sip:10.0.0.254:5060;lr>\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+12125550199@10.9.0.1>;tag=caller-lb\r\n"
        + "To: <sip:+14155550100@10.0.0.254>;tag=agent-lb\r\n"
        + "Call-ID: lb1\r\nCSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n";

    /** An answered call: INVITE from the trunk, 180 and 200 from agent A; returns the INVITE it forwarded. */
    TestNetwork.Sent answered(String callId) {
      fromTrunk(invite(callId, "+14155550100"));
      TestNetwork.Sent out = net.last(AGENT_A);
      fromAgent(AGENT_A, TestNetwork.responseTo(out, 180, "Ringing", "t-" + callId));
      fromAgent(AGENT_A, TestNetwork.responseTo(out, 200, "OK", "t-" + callId, "Contact: <sip:a@10.0.0.1:5080>"));
      assertEquals(List.of(100, 180, 200), statusesToTrunk());
      return out;
    }

    @Test
    void theAgentsRetransmitted2xxStillGoesUpstreamAndTheInviteIsAbsorbed() {
      TestNetwork.Sent out = answered("la1");
      int before = net.sent.size();
      fromTrunk(invite("la1", "+14155550100"));
      assertEquals(before, net.sent.size(), "a retransmitted INVITE is absorbed (Accepted)");
      fromAgent(AGENT_A, TestNetwork.responseTo(out, 200, "OK", "t-la1", "Contact: <sip:a@10.0.0.1:5080>"));
      List<TestNetwork.Sent> up = net.since(before, s -> true);
      assertEquals(1, up.size());
      assertEquals(TRUNK, up.get(0).to());
      assertEquals(200, up.get(0).status());
      assertEquals(1, up.get(0).headers("Via").size(), "our Via popped");
      fromAgent(AGENT_A, TestNetwork.responseTo(out, 180, "Ringing", "t-la1"));
      assertEquals(before + 1, net.sent.size(), "a late provisional goes nowhere");
      assertEquals(1, counter("sip_edge_invites", "decision", "primary", "status", "200"), "logged once");
    }

    @Test
    void aCancelAfterTheAnswerGets200AndChangesNothing() {
      answered("la2");
      int before = net.sent.size();
      fromTrunk("CANCEL sip:+14155550100@10.0.0.254:5060 SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-la2;rport\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: <sip:+12125550199@10.9.0.1>;tag=caller-la2\r\n"
          + "To: <sip:+14155550100@10.0.0.254>\r\n"
          + "Call-ID: la2\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
      List<TestNetwork.Sent> sent = net.since(before, s -> true);
      assertEquals(1, sent.size(), sent.toString());
      assertEquals(TRUNK, sent.get(0).to());
      assertEquals("SIP/2.0 200 OK", sent.get(0).startLine());
      assertEquals("1 CANCEL", sent.get(0).header("CSeq"));
    }

    @Test
    void theRecordsEndAt64T1AndTheSameInviteIsThenANewCall() {
      answered("la3");
      assertTrue(core.transactionsInFlight() > 0, "the finished call is still counted while it lingers");
      clock.advance(Duration.ofSeconds(31));
      int before = net.sent.size();
      fromTrunk(invite("la3", "+14155550100"));
      assertEquals(before, net.sent.size(), "absorbed within timer L");
      clock.advance(Duration.ofSeconds(2));
      assertEquals(0, core.transactionsInFlight(), "nothing left once timers L and M have run");
      fromTrunk(invite("la3", "+14155550100"));
      assertEquals(100, net.sent.get(before).status(), "after timer L the same INVITE starts a call again");
    }

    @Test
    void aRetransmittedByeGetsTheSameAnswerAndTheAgentsRetransmitted200IsAbsorbed() {
      fromTrunk(BYE_FROM_TRUNK);
      TestNetwork.Sent bye = net.last(AGENT_A);
      fromAgent(AGENT_A, TestNetwork.responseTo(bye, 200, "OK", ""));
      assertEquals(List.of(200), statusesToTrunk());
      int toAgent = net.to(AGENT_A).size();

      fromTrunk(BYE_FROM_TRUNK);
      assertEquals(List.of(200, 200), statusesToTrunk(), "timer J: the answer again");
      assertEquals(toAgent, net.to(AGENT_A).size(), "not relayed a second time");
      assertEquals(net.to(TRUNK).get(0).text(), net.to(TRUNK).get(1).text(), "the very same answer");

      fromAgent(AGENT_A, TestNetwork.responseTo(bye, 200, "OK", ""));
      assertEquals(List.of(200, 200), statusesToTrunk(), "timer K: the agent's retransmission is absorbed");

      clock.advance(Duration.ofSeconds(33));
      fromTrunk(BYE_FROM_TRUNK);
      assertEquals(toAgent + 1, net.to(AGENT_A).size(), "after timer J the BYE is relayed as a new request");
    }

    @Test
    void aFailedLegsRetransmittedFinalIsAcknowledgedAgain() {
      fromTrunk(invite("la4", "+14155550100"));
      TestNetwork.Sent first = net.last(AGENT_A);
      fromAgent(AGENT_A, TestNetwork.responseTo(first, 503, "Service Unavailable", "x"));
      TestNetwork.Sent second = net.last(AGENT_A2);
      fromAgent(AGENT_A2, TestNetwork.responseTo(second, 200, "OK", "y", "Contact: <sip:a@10.0.0.11:5080>"));
      assertEquals(List.of(100, 200), statusesToTrunk());
      TestNetwork.Sent ack = net.last(AGENT_A);
      assertEquals("ACK", ack.method());

      int before = net.sent.size();
      fromAgent(AGENT_A, TestNetwork.responseTo(first, 503, "Service Unavailable", "x"));
      List<TestNetwork.Sent> sent = net.since(before, s -> true);
      assertEquals(1, sent.size(), "only the ACK, nothing upstream: " + sent);
      assertEquals(AGENT_A, sent.get(0).to());
      assertEquals(ack.text(), sent.get(0).text(), "timer D: the same ACK again");
    }

    @Test
    void aRejectedCallsAckAndRetransmittedAcksAreAbsorbed() {
      fromTrunk(invite("la5", "+14155559999"));
      assertEquals(List.of(100, 404), statusesToTrunk());
      String ack = "ACK sip:+14155559999@10.0.0.254:5060 SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-la5;rport\r\n"
          + "Max-Forwards: 70\r\n"
          + "From: <sip:+12125550199@10.9.0.1>;tag=caller-la5\r\n"
          + "To: <sip:+14155559999@10.0.0.254>;tag=ours\r\n"
          + "Call-ID: la5\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
      fromTrunk(ack);
      int before = net.sent.size();
      clock.advance(Duration.ofSeconds(2));
      fromTrunk(ack);
      fromTrunk(invite("la5", "+14155559999"));
      assertEquals(before, net.sent.size(), "Confirmed: no 404 again, nothing sent (timer G stopped)");
    }
  }

  /**
   * An agent's outbound call through its number's sip_trunk, past the answer: once the ACK has gone to the
   * trunk the call hands over to lingering records like an inbound one (ADR 0006), and what arrives late
   * still gets the RFC 3261 treatment.
   */
  @Nested
  class OutboundPastTheAnswer {
    static final InetSocketAddress PSTN = new InetSocketAddress("10.9.0.50", 5060);
    static final String CALLER = "+14155550103";
    static final String DESTINATION = "+442071838750";

    @BeforeEach
    void aByoNumberOfAgentA() {
      Agent a = new Agent("agent_a", List.of("sip:a@10.0.0.1:5080", "sip:a@10.0.0.11:5080"), 1,
          Optional.empty(), true);
      table.replace(Snapshot.builder(2)
          .agent(a)
          .number(new NumberRoute(E164.of(14155550103L), "agent_a", Optional.empty(), new Ownership(
              Provider.GENERIC, Optional.empty(), Optional.empty(), Optional.empty(),
              Optional.of("sip:10.9.0.50:5060"))))
          .build());
    }

    @AfterEach
    void closeTheResolver() {
      core.close();
    }

    String agentRequest(String method, String uri, int cseq, String branch, String toTag, String... extra) {
      StringBuilder b = new StringBuilder()
          .append(method).append(' ').append(uri).append(" SIP/2.0\r\n")
          .append("Via: SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bK-").append(branch).append("\r\n")
          .append("Max-Forwards: 70\r\n")
          .append("From: <sip:").append(CALLER).append("@10.0.0.1:5080>;tag=agent-o1\r\n")
          .append("To: <sip:").append(DESTINATION).append("@10.0.0.254:5060>")
          .append(toTag.isEmpty() ? "" : ";tag=" + toTag).append("\r\n")
          .append("Call-ID: o1\r\n")
          .append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n")
          .append("Contact: <sip:agent@10.0.0.1:5080>\r\n");
      for (String e : extra) {
        b.append(e).append("\r\n");
      }
      return b.append("Content-Length: 0\r\n\r\n").toString();
    }

    List<Integer> statusesToAgent() {
      return net.to(AGENT_A).stream().filter(TestNetwork.Sent::isResponse).map(TestNetwork.Sent::status).toList();
    }

    @Test
    void theAckReachesTheTrunkAndLateRetransmissionsAreHandledByTheRecords() {
      String invite = agentRequest("INVITE", "sip:" + DESTINATION + "@10.0.0.254:5060", 1, "o1", "");
      fromAgent(AGENT_A, invite);
      TestNetwork.Sent out = net.last(PSTN);
      assertEquals("INVITE sip:" + DESTINATION + "@10.9.0.50:5060 SIP/2.0", out.startLine());
      fromTrunkAt(TestNetwork.responseTo(out, 180, "Ringing", "pstn-o1"));
      fromTrunkAt(TestNetwork.responseTo(out, 200, "OK", "pstn-o1", "Contact: <sip:pstn@10.9.0.50:5060>"));
      assertEquals(List.of(100, 180, 200), statusesToAgent());
      TestNetwork.Sent ok = net.last(AGENT_A);
      assertEquals(1, ok.headers("Via").size(), "our Via popped");
      List<String> recordRoute = ok.headers("Record-Route");
      assertFalse(recordRoute.isEmpty(), "the edge stays in the dialog");

      // the agent's ACK, sent through the edge's Record-Route, goes on to the trunk's Contact
      String route = "Route: " + String.join(", ", recordRoute);
      int beforeAck = net.to(PSTN).size();
      fromAgent(AGENT_A, agentRequest("ACK", "sip:pstn@10.9.0.50:5060", 1, "o1ack", "pstn-o1", route));
      assertEquals(beforeAck + 1, net.to(PSTN).size());
      TestNetwork.Sent ack = net.last(PSTN);
      assertEquals("ACK sip:pstn@10.9.0.50:5060 SIP/2.0", ack.startLine());
      assertTrue(core.transactionsInFlight() > 0, "the answered call lingers as records");

      // the trunk did not hear the ACK in time: its retransmitted 200 still reaches the agent, once
      int before = net.sent.size();
      fromTrunkAt(TestNetwork.responseTo(out, 200, "OK", "pstn-o1", "Contact: <sip:pstn@10.9.0.50:5060>"));
      List<TestNetwork.Sent> up = net.since(before, x -> true);
      assertEquals(1, up.size(), up.toString());
      assertEquals(AGENT_A, up.get(0).to());
      assertEquals(200, up.get(0).status());
      assertEquals(1, up.get(0).headers("Via").size(), "our Via popped from the retransmission too");

      // the agent's retransmitted INVITE is absorbed: the call is not placed twice
      before = net.sent.size();
      fromAgent(AGENT_A, invite);
      assertEquals(before, net.sent.size(), "Accepted: absorbed");

      // the agent hangs up through the edge: the BYE reaches the trunk and its 200 the agent
      fromAgent(AGENT_A, agentRequest("BYE", "sip:pstn@10.9.0.50:5060", 2, "o1bye", "pstn-o1", route));
      TestNetwork.Sent bye = net.last(PSTN);
      assertEquals("BYE sip:pstn@10.9.0.50:5060 SIP/2.0", bye.startLine());
      fromTrunkAt(TestNetwork.responseTo(bye, 200, "OK", ""));
      assertEquals(List.of(100, 180, 200, 200, 200), statusesToAgent());
      assertEquals("2 BYE", net.last(AGENT_A).header("CSeq"));

      // after 64*T1 nothing is left (checked by everyTransactionEnds), and the number is free again
      clock.advance(Duration.ofSeconds(33));
      assertEquals(0, core.transactionsInFlight());
    }

    void fromTrunkAt(String text) {
      TestNetwork.deliver(core, text, TransportKind.UDP, PSTN);
    }
  }
}
