package ai.oneinbox.edge.sip.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.AgentCredentials;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.routing.Trunk;
import ai.oneinbox.edge.routing.TrunkCredentials;
import ai.oneinbox.edge.sip.SipEdge;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.testing.FreePorts;
import ai.oneinbox.edge.sip.testing.Sipp;
import ai.oneinbox.edge.sip.testing.SippProcess;
import ai.oneinbox.edge.sip.testing.SippResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outbound calls end to end: SIPp as the agent (UAC, bound to the agent's sip_uri) → the edge in-process
 * → SIPp as the PSTN trunk (UAS). The edge trusts only 127.0.0.2 as a trunk source, so the agent on
 * 127.0.0.1 is no trunk.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OutboundCallFlowsTest {
  private static final Duration EXIT = Duration.ofSeconds(40);
  private static final String NUMBER = "+14155550100";
  private static final String OTHER_NUMBER = "+14155550101";
  private static final String US_DESTINATION = "+14155550123";
  private static final String UK_DESTINATION = "+442071838750";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private SimpleMeterRegistry registry;

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void agentCallsOutThroughItsNumbersByoTrunk() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas.xml"));
    InetSocketAddress agentAddress = agentAddress();
    InetSocketAddress edge = edge(OutboundConfig.defaults(), table(agentAddress,
        byoNumber(NUMBER, "agent-1", "sip:127.0.0.1:" + trunk.address().getPort()), Optional.empty()));

    SippResult agent = agentCalls(edge, agentAddress, US_DESTINATION, NUMBER, 2);

    assertAllSucceeded(agent, 2);
    assertEquals(2, trunk.awaitCalls(2, EXIT).successfulCalls(), trunk.output());
    assertTrue(lines(agent).contains("status=200"), lines(agent));
    assertTrue(trunk.awaitLogLine("invite ruri=sip:" + US_DESTINATION + "@127.0.0.1:", EXIT)
        .contains(US_DESTINATION));
    assertEquals(2.0, registry.get("sip_edge_outbound_calls").tag("outcome", "answered").counter().count());
  }

  @Test
  void callerNumberOfAnotherAgentIsRefusedWith403() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas.xml"));
    InetSocketAddress agentAddress = agentAddress();
    RoutingTable table = table(agentAddress,
        byoNumber(NUMBER, "agent-1", "sip:127.0.0.1:" + trunk.address().getPort()), Optional.empty());
    // OTHER_NUMBER belongs to agent-2, elsewhere
    Snapshot.Builder b = Snapshot.builder(2)
        .agent(new Agent("agent-1", List.of("sip:agent-1@127.0.0.1:" + agentAddress.getPort()), 0,
            Optional.empty(), true))
        .agent(new Agent("agent-2", List.of("sip:agent-2@127.0.0.1:" + FreePorts.next()), 0, Optional.empty(), true))
        .number(byoNumber(NUMBER, "agent-1", "sip:127.0.0.1:" + trunk.address().getPort()))
        .number(byoNumber(OTHER_NUMBER, "agent-2", "sip:127.0.0.1:" + trunk.address().getPort()));
    table.replace(b.build());
    InetSocketAddress edge = edge(OutboundConfig.defaults(), table);

    SippResult agent = agentCalls(edge, agentAddress, US_DESTINATION, OTHER_NUMBER, 1);

    assertAllSucceeded(agent, 1);
    assertTrue(lines(agent).contains("status=403 reason=Forbidden (Caller Number Not Assigned to the Calling Agent)"),
        lines(agent));
    assertEquals(0, trunk.stats().callsCreated(), "nothing reached the trunk");
  }

  @Test
  void destinationWithoutPlusIsNormalisedToE164() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas.xml"));
    InetSocketAddress agentAddress = agentAddress();
    InetSocketAddress edge = edge(OutboundConfig.defaults(), table(agentAddress,
        byoNumber(NUMBER, "agent-1", "sip:127.0.0.1:" + trunk.address().getPort()), Optional.empty()));

    SippResult agent = agentCalls(edge, agentAddress, "1-415-555-0123", NUMBER, 1);

    assertAllSucceeded(agent, 1);
    assertEquals(1, trunk.awaitCalls(1, EXIT).successfulCalls(), trunk.output());
    assertTrue(trunk.awaitLogLine("invite ruri=", EXIT).contains("sip:" + US_DESTINATION + "@"));
  }

  @Test
  void trunkChallengeIsAnsweredWithTheTrunksCredentials() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas_auth.xml"));
    InetSocketAddress agentAddress = agentAddress();
    Trunk twilio = new Trunk("trunk-1", Provider.TWILIO, "sip:127.0.0.1:" + trunk.address().getPort(), List.of(),
        Optional.empty(), Optional.empty(), 0, Optional.of(new TrunkCredentials("oneinbox-edge", "s3cret-trunk")));
    InetSocketAddress edge = edge(OutboundConfig.defaults(), table(agentAddress,
        trunkNumber(NUMBER, "agent-1", "trunk-1"), Optional.of(twilio)));

    SippResult agent = agentCalls(edge, agentAddress, US_DESTINATION, NUMBER, 1);

    assertAllSucceeded(agent, 1);
    assertTrue(lines(agent).contains("status=200"), lines(agent));
    assertTrue(trunk.awaitLogLine("auth call-id=", EXIT).contains("valid=true"));
    assertEquals(1, trunk.awaitCalls(1, EXIT).successfulCalls(), trunk.output());
  }

  @Test
  void aSecond407IsFinalAndTheAgentLearnsTheCredentialsWereRefused() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas_407_twice.xml"));
    InetSocketAddress agentAddress = agentAddress();
    Trunk twilio = new Trunk("trunk-1", Provider.TWILIO, "sip:127.0.0.1:" + trunk.address().getPort(), List.of(),
        Optional.empty(), Optional.empty(), 0, Optional.of(new TrunkCredentials("oneinbox-edge", "wrong")));
    InetSocketAddress edge = edge(OutboundConfig.defaults(), table(agentAddress,
        trunkNumber(NUMBER, "agent-1", "trunk-1"), Optional.of(twilio)));

    SippResult agent = agentCalls(edge, agentAddress, US_DESTINATION, NUMBER, 1);

    assertAllSucceeded(agent, 1);
    assertTrue(lines(agent).contains("status=403 reason=Forbidden (Trunk Refused the Edge's Credentials)"),
        lines(agent));
    assertEquals(1, trunk.awaitCalls(1, EXIT).successfulCalls(), "the trunk saw a well-formed Proxy-Authorization "
        + "on the second INVITE and no third: " + trunk.output());
    assertEquals(1.0, registry.get("sip_edge_outbound_calls").tag("outcome", "trunk_auth_failed").counter().count());
  }

  @Test
  void twilio403OnAnInternationalCallPointsAtGeoPermissions() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas_403.xml"));
    InetSocketAddress agentAddress = agentAddress();
    Trunk twilio = new Trunk("trunk-1", Provider.TWILIO, "sip:127.0.0.1:" + trunk.address().getPort(), List.of(),
        Optional.empty(), Optional.empty(), 0);
    InetSocketAddress edge = edge(OutboundConfig.defaults(), table(agentAddress,
        trunkNumber(NUMBER, "agent-1", "trunk-1"), Optional.of(twilio)));

    SippResult agent = agentCalls(edge, agentAddress, UK_DESTINATION, NUMBER, 1);

    assertAllSucceeded(agent, 1);
    assertTrue(lines(agent).contains("status=403 reason=" + OutboundCall.GEO_PERMISSIONS), lines(agent));
    assertEquals(1.0, registry.get("sip_edge_outbound_calls").tag("outcome", "geo_permissions").counter().count());
  }

  @Test
  void numberLimitReachedAnswers503WithRetryAfter() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas.xml"));
    InetSocketAddress agentAddress = agentAddress();
    OutboundConfig d = OutboundConfig.defaults();
    OutboundConfig one = new OutboundConfig("", 1, 0, Duration.ofSeconds(7), Optional.empty(), d.dnsMinTtl(),
        d.dnsMaxTtl());
    InetSocketAddress edge = edge(one, table(agentAddress,
        byoNumber(NUMBER, "agent-1", "sip:127.0.0.1:" + trunk.address().getPort()), Optional.empty()));

    // the first call is held 3 s; the second starts 0.5 s later, while the first holds the number's one place
    SippResult agent = sipp(Sipp.uac("agent_outbound_uac.xml", edge).local(agentAddress)
        .injection(List.of(US_DESTINATION + ";" + NUMBER)).calls(2).rate(2).holdMillis(3000)).awaitExit(EXIT);

    assertAllSucceeded(agent, 2);
    String log = lines(agent);
    assertTrue(log.contains("status=200"), log);
    assertTrue(log.contains("status=503 reason=Service Unavailable (Outbound Call Limit of the Number Reached) "
        + "retry-after=7"), log);
    assertEquals(1, trunk.awaitCalls(1, EXIT).successfulCalls());
  }

  @Test
  void firstSrvHostAnswering503FailsOverToTheSecond() throws Exception {
    SippProcess first = sipp(Sipp.uas("trunk_uas_503.xml"));
    SippProcess second = sipp(Sipp.uas("trunk_uas.xml"));
    FakeDns dns = new FakeDns()
        .srv("_sip._udp.trunk.test", 10, 0, first.address().getPort(), "a.trunk.test", 60)
        .srv("_sip._udp.trunk.test", 20, 0, second.address().getPort(), "b.trunk.test", 60)
        .a("a.trunk.test", FreePorts.LOOPBACK, 60)
        .a("b.trunk.test", FreePorts.LOOPBACK, 60);
    resources.add(dns);
    InetSocketAddress agentAddress = agentAddress();
    OutboundConfig d = OutboundConfig.defaults();
    OutboundConfig withDns = new OutboundConfig("", 0, 0, d.retryAfter(), Optional.of(dns.address()),
        d.dnsMinTtl(), d.dnsMaxTtl());
    InetSocketAddress edge = edge(withDns, table(agentAddress, byoNumber(NUMBER, "agent-1", "trunk.test"),
        Optional.empty()));

    SippResult agent = agentCalls(edge, agentAddress, US_DESTINATION, NUMBER, 1);

    assertAllSucceeded(agent, 1);
    assertTrue(lines(agent).contains("status=200"), lines(agent));
    assertTrue(first.awaitLogLine("invite ruri=", EXIT).contains("sip:" + US_DESTINATION + "@trunk.test"));
    assertEquals(1, second.awaitCalls(1, EXIT).successfulCalls(), second.output());
    assertEquals(1.0, registry.get("sip_edge_outbound_failovers").counter().count());
  }

  @Test
  void aSilentFirstHostFailsOverAfterTheProvisionalTimeout() throws Exception {
    SippProcess silent = sipp(Sipp.uas("agent_uas_silent.xml").holdMillis(5000));
    SippProcess second = sipp(Sipp.uas("trunk_uas.xml"));
    FakeDns dns = new FakeDns()
        .srv("_sip._udp.silent.test", 10, 0, silent.address().getPort(), "a.silent.test", 60)
        .srv("_sip._udp.silent.test", 20, 0, second.address().getPort(), "b.silent.test", 60)
        .a("a.silent.test", FreePorts.LOOPBACK, 60)
        .a("b.silent.test", FreePorts.LOOPBACK, 60);
    resources.add(dns);
    InetSocketAddress agentAddress = agentAddress();
    OutboundConfig d = OutboundConfig.defaults();
    InetSocketAddress edge = edge(new OutboundConfig("", 0, 0, d.retryAfter(), Optional.of(dns.address()),
        d.dnsMinTtl(), d.dnsMaxTtl()), table(agentAddress, byoNumber(NUMBER, "agent-1", "silent.test"),
        Optional.empty()));

    SippResult agent = agentCalls(edge, agentAddress, US_DESTINATION, NUMBER, 1);

    assertAllSucceeded(agent, 1);
    assertTrue(silent.awaitLogLine("invite call-id=", EXIT).contains("invite"));
    assertEquals(1, second.awaitCalls(1, EXIT).successfulCalls(), second.output());
  }

  @Test
  void everyHostFailingGivesTheAgent500() {
    SippProcess only = sipp(Sipp.uas("trunk_uas_503.xml"));
    InetSocketAddress agentAddress = agentAddress();
    InetSocketAddress edge = edge(OutboundConfig.defaults(), table(agentAddress,
        byoNumber(NUMBER, "agent-1", "sip:127.0.0.1:" + only.address().getPort()), Optional.empty()));

    SippResult agent = agentCalls(edge, agentAddress, US_DESTINATION, NUMBER, 1);

    assertAllSucceeded(agent, 1);
    assertTrue(lines(agent).contains("status=500 reason=Server Internal Error (Trunk Unavailable)"), lines(agent));
  }

  @Test
  void agentFromAnUnregisteredAddressProvesItselfWithDigest() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas.xml"));
    InetSocketAddress elsewhere = agentAddress(); // not the agent's sip_uri
    InetSocketAddress edge = edge(md5Only(), tableWithCredentials(agentAddress(),
        byoNumber(NUMBER, "agent-1", "sip:127.0.0.1:" + trunk.address().getPort())));

    SippResult agent = sipp(Sipp.uac("agent_outbound_auth_uac.xml", edge).local(elsewhere)
        .injection(List.of(US_DESTINATION + ";" + NUMBER)).calls(1).rate(10)
        .arg("-au", "agent-1-sip", "-ap", "s3cret-agent")).awaitExit(EXIT);

    assertAllSucceeded(agent, 1);
    String log = lines(agent);
    assertTrue(log.contains("challenge call-id="), log);
    assertTrue(log.contains("Proxy-Authenticate: Digest realm=\"oneinbox.test\""), log);
    assertTrue(log.contains("status=200"), log);
    assertEquals(1, trunk.awaitCalls(1, EXIT).successfulCalls(), trunk.output());
    assertEquals(1.0, registry.get("sip_edge_outbound_calls").tag("outcome", "answered").counter().count());
  }

  @Test
  void agentWithAWrongPasswordGets403AndNothingReachesTheTrunk() {
    SippProcess trunk = sipp(Sipp.uas("trunk_uas.xml"));
    InetSocketAddress elsewhere = agentAddress();
    InetSocketAddress edge = edge(md5Only(), tableWithCredentials(agentAddress(),
        byoNumber(NUMBER, "agent-1", "sip:127.0.0.1:" + trunk.address().getPort())));

    SippResult agent = sipp(Sipp.uac("agent_outbound_auth_uac.xml", edge).local(elsewhere)
        .injection(List.of(US_DESTINATION + ";" + NUMBER)).calls(1).rate(10)
        .arg("-au", "agent-1-sip", "-ap", "wrong")).awaitExit(EXIT);

    assertAllSucceeded(agent, 1);
    assertTrue(lines(agent).contains("status=403 reason=Forbidden (Agent Authentication Failed)"), lines(agent));
    assertEquals(0, trunk.stats().callsCreated(), "nothing reached the trunk");
  }

  // ------------------------------------------------------------------------------------------ helpers

  private SippResult agentCalls(InetSocketAddress edge, InetSocketAddress agentAddress, String destination,
      String caller, int calls) {
    return sipp(Sipp.uac("agent_outbound_uac.xml", edge).local(agentAddress)
        .injection(List.of(destination + ";" + caller)).calls(calls).rate(10)).awaitExit(EXIT);
  }

  private static String lines(SippResult result) {
    return String.join("\n", result.logLines());
  }

  private static void assertAllSucceeded(SippResult result, int calls) {
    assertEquals(0, result.exitCode(), result.describe());
    assertEquals(calls, result.successfulCalls(), result.describe());
    assertEquals(0, result.failedCalls(), result.describe());
  }

  private SippProcess sipp(Sipp builder) {
    SippProcess p = builder.start();
    resources.add(p);
    return p;
  }

  private static InetSocketAddress agentAddress() {
    return new InetSocketAddress(FreePorts.LOOPBACK, FreePorts.next());
  }

  /** The edge on 127.0.0.1, trusting only 127.0.0.2 as a trunk source. */
  private InetSocketAddress edge(OutboundConfig outbound, RoutingTable table) {
    int port = FreePorts.next();
    SipEdgeConfig d = SipEdgeConfig.defaults();
    SipEdgeConfig.Trunks trunks = new SipEdgeConfig.Trunks(List.of("127.0.0.2/32"), d.trunks().twilioCidrs(),
        d.trunks().telnyxCidrs(), d.trunks().scannerUserAgents());
    SipEdgeConfig config = new SipEdgeConfig("127.0.0.1", port, "127.0.0.1", 1, d.tls(), d.limits(), d.timers(),
        new SipEdgeConfig.Failover(Duration.ofSeconds(2), d.failover().finalStatuses()),
        "sip:voicemail@127.0.0.1:" + FreePorts.next(), d.drainRetryAfter(), trunks, d.health(), d.defaultRegion(),
        d.dataDir(), d.maxTransactions());
    registry = new SimpleMeterRegistry();
    SipEdge edge = SipEdge.start(config, outbound, table, registry);
    resources.add(edge);
    return new InetSocketAddress(FreePorts.LOOPBACK, port);
  }

  static RoutingTable table(InetSocketAddress agentAddress, NumberRoute number, Optional<Trunk> trunk) {
    Snapshot.Builder b = Snapshot.builder(1)
        .agent(new Agent("agent-1", List.of("sip:agent-1@127.0.0.1:" + agentAddress.getPort()), 0,
            Optional.empty(), true))
        .number(number);
    trunk.ifPresent(b::trunk);
    RoutingTable t = RoutingTable.empty();
    t.replace(b.build());
    return t;
  }

  /** SIPp 3.6 answers the topmost challenge and only MD5 (not RFC 8760 §2.5): offer it MD5 alone. */
  private static OutboundConfig md5Only() {
    OutboundConfig d = OutboundConfig.defaults();
    return new OutboundConfig(d.platformTrunkUri(), d.maxCallsPerNumber(), d.maxCallsPerTrunk(), d.retryAfter(),
        d.dnsServer(), d.dnsMinTtl(), d.dnsMaxTtl(), "oneinbox.test", "shared secret of the test", List.of("MD5"));
  }

  /** Like {@link #table}, the agent having SIP credentials {@code agent-1-sip}/{@code s3cret-agent}. */
  static RoutingTable tableWithCredentials(InetSocketAddress agentAddress, NumberRoute number) {
    RoutingTable t = RoutingTable.empty();
    t.replace(Snapshot.builder(1)
        .agent(new Agent("agent-1", List.of("sip:agent-1@127.0.0.1:" + agentAddress.getPort()), 0,
            Optional.empty(), true, Optional.of(new AgentCredentials("agent-1-sip", "s3cret-agent"))))
        .number(number).build());
    return t;
  }

  /** An outbound-only BYO number whose sip_trunk is {@code sipTrunk}. */
  static NumberRoute byoNumber(String number, String agentId, String sipTrunk) {
    return new NumberRoute(e164(number), agentId, Optional.empty(), new Ownership(Provider.GENERIC,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(sipTrunk)));
  }

  static NumberRoute trunkNumber(String number, String agentId, String trunkId) {
    return new NumberRoute(e164(number), agentId, Optional.empty(), new Ownership(Provider.TWILIO,
        Optional.empty(), Optional.of(trunkId), Optional.empty(), Optional.empty()));
  }

  static E164 e164(String number) {
    return E164.of(Long.parseLong(number.substring(1)));
  }
}
