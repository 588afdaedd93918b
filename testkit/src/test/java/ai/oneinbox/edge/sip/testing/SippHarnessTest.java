package ai.oneinbox.edge.sip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness and our scenarios, checked with SIPp on both ends (no edge): every scenario passes against a
 * peer that behaves and fails against one that does not, so an end-to-end failure means the edge.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SippHarnessTest {

  private static final Duration EXIT = Duration.ofSeconds(30);
  private static final String TWILIO_ROW =
      "+14155550100;AC0123456789abcdef0123456789abcdef;+14155550199;+14155550111";

  @Test
  void twilioCallsAgainstAWellBehavedPeerSucceedAndAreTimed() {
    try (SippProcess peer = Sipp.uas("selftest/edge_sim_uas.xml").start();
         SippProcess trunk = Sipp.uac("twilio_uac.xml", peer.address())
             .injection(List.of(TWILIO_ROW)).calls(5).rate(50).start()) {
      SippResult caller = trunk.awaitExit(EXIT);
      assertEquals(0, caller.exitCode(), caller.describe());
      assertEquals(5, caller.successfulCalls(), caller.describe());
      assertEquals(0, caller.failedCalls(), caller.describe());
      for (int rtd = 1; rtd <= 4; rtd++) {
        assertEquals(5, caller.responseTimes().count(rtd), "rtd " + rtd + " " + caller.responseTimes());
        assertTrue(caller.responseTimes().percentileMillis(rtd, 99) < 1000, caller.responseTimes().toString());
      }
      SippStats callee = peer.awaitCalls(5, EXIT);
      assertEquals(5, callee.successfulCalls(), callee.toString());
    }
  }

  @Test
  void telnyxCallsWithCompactHeadersOverTcpSucceed() {
    try (SippProcess peer = Sipp.uas("selftest/edge_sim_uas.xml").transport(Sipp.Transport.TCP).start();
         SippProcess trunk = Sipp.uac("telnyx_uac.xml", peer.address()).transport(Sipp.Transport.TCP)
             .injection(List.of("14155550100;14155550199;1684641123236054244")).calls(2).rate(20).start()) {
      SippResult caller = trunk.awaitExit(EXIT);
      assertEquals(0, caller.exitCode(), caller.describe() + trunk.output());
      assertEquals(2, caller.successfulCalls());
    }
  }

  @Test
  void agentAcceptsTheHeadersTheEdgeMustAdd() {
    try (SippProcess agent = agent("agent-1", "+14155550100", "primary");
         SippProcess edge = edgeSim(agent, "agent-1", "+14155550100", "primary", "69")) {
      SippResult sim = edge.awaitExit(EXIT);
      assertEquals(0, sim.exitCode(), sim.describe());
      SippStats calls = agent.awaitCalls(1, EXIT);
      assertEquals(1, calls.successfulCalls(), calls.toString());
      assertEquals(0, calls.failedCalls(), calls.toString());
      assertTrue(agent.logLines().stream().anyMatch(l -> l.contains("agent=agent-1 number=+14155550100 route=primary")),
          agent.logLines().toString());
    }
  }

  @Test
  void agentFailsTheCallOnAWrongAgentRouteOrHopCount() {
    for (String[] wrong : new String[][] {
        {"agent-2", "+14155550100", "primary", "69"},
        {"agent-1", "+14155550100", "fallback", "69"},
        {"agent-1", "+14155550101", "primary", "69"},
        {"agent-1", "+14155550100", "primary", "70"}}) {
      try (SippProcess agent = agent("agent-1", "+14155550100", "primary");
           SippProcess edge = edgeSim(agent, wrong[0], wrong[1], wrong[2], wrong[3])) {
        edge.awaitExit(EXIT);
        SippStats calls = agent.awaitCalls(1, EXIT);
        assertEquals(1, calls.failedCalls(), String.join(",", wrong) + ": " + calls);
        assertEquals(0, calls.successfulCalls(), String.join(",", wrong) + ": " + calls);
      }
    }
  }

  @Test
  void agentFailsTheCallWhenTheOneInboxHeadersAreMissing() {
    // a trunk INVITE straight to the agent: no edge, so none of its headers
    try (SippProcess agent = Sipp.uas("agent_uas.xml").set("expect_agent", "*").set("expect_number", "*")
             .set("expect_route", "*").start();
         SippProcess trunk = Sipp.uac("twilio_uac.xml", agent.address()).injection(List.of(TWILIO_ROW))
             .calls(1).start()) {
      SippResult caller = trunk.awaitExit(EXIT);
      assertNotEquals(0, caller.exitCode(), "the 200 has no Record-Route either: " + caller.describe());
      SippStats calls = agent.awaitCalls(1, EXIT);
      assertEquals(1, calls.failedCalls(), calls.toString());
      assertTrue(calls.failedRegexp() >= 1, calls.toString());
    }
  }

  @Test
  void voicemailLogsThePercentEncodedMessageAndRejectsABadEncoding() {
    String message = "Please leave a message, thanks.";
    String encoded = "Please%20leave%20a%20message%2C%20thanks.";
    try (SippProcess vm = Sipp.uas("voicemail_uas.xml").set("expect_number", "+14155550100").start();
         SippProcess edge = edgeSimBuilder(vm, "agent-1", "+14155550100", "voicemail", "69").key("vm_message", encoded)
             .start()) {
      assertEquals(0, edge.awaitExit(EXIT).exitCode());
      assertEquals(1, vm.awaitCalls(1, EXIT).successfulCalls());
      Matcher m = Pattern.compile("message=(\\S+)").matcher(String.join("\n", vm.logLines()));
      assertTrue(m.find(), vm.logLines().toString());
      assertEquals(message, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
    }
    try (SippProcess vm = Sipp.uas("voicemail_uas.xml").set("expect_number", "*").start();
         SippProcess edge = edgeSimBuilder(vm, "agent-1", "+14155550100", "voicemail", "69").key("vm_message", "100%")
             .start()) {
      edge.awaitExit(EXIT);
      assertEquals(1, vm.awaitCalls(1, EXIT).failedCalls());
    }
  }

  @Test
  void rejectScenariosTellNotFoundOutboundOnlyAndForbiddenApart() {
    assertEquals(0, reject("uac_expect_404.xml", "selftest/edge_sim_404_uas.xml", "Not Found"));
    assertEquals(1, reject("uac_expect_404.xml", "selftest/edge_sim_404_uas.xml", "Outbound Only"));
    assertEquals(0, reject("uac_expect_outbound_only.xml", "selftest/edge_sim_404_uas.xml", "Outbound Only"));
    assertEquals(1, reject("uac_expect_outbound_only.xml", "selftest/edge_sim_404_uas.xml", "Not Found"));
    assertEquals(0, reject("uac_expect_403.xml", "selftest/edge_sim_403_uas.xml", "-"));
    assertEquals(1, reject("uac_expect_403.xml", "selftest/edge_sim_404_uas.xml", "Not Found"));
  }

  @Test
  void cancelDuringRingingCompletesWith487AndAck() {
    try (SippProcess agent = Sipp.uas("agent_uas_ringing.xml").start();
         SippProcess trunk = Sipp.uac("cancel_uac.xml", agent.address()).injection(List.of(TWILIO_ROW)).calls(1)
             .start()) {
      SippResult caller = trunk.awaitExit(EXIT);
      assertEquals(0, caller.exitCode(), caller.describe() + trunk.output());
      agent.awaitCalls(1, EXIT);
      assertTrue(agent.logLines().stream().anyMatch(l -> l.contains("cancel call-id")), agent.logLines().toString());
    }
  }

  @Test
  void optionsInsistsOnTheAllowHeader() {
    try (SippProcess edge = Sipp.uas("selftest/edge_sim_options_uas.xml")
             .key("allow", "INVITE, ACK, CANCEL, BYE, OPTIONS").start();
         SippProcess ping = Sipp.uac("options_uac.xml", edge.address()).calls(1).start()) {
      assertEquals(0, ping.awaitExit(EXIT).exitCode());
    }
    try (SippProcess edge = Sipp.uas("selftest/edge_sim_options_uas.xml").key("allow", "INVITE, ACK, OPTIONS").start();
         SippProcess ping = Sipp.uac("options_uac.xml", edge.address()).calls(1).start()) {
      assertEquals(1, ping.awaitExit(EXIT).exitCode());
    }
  }

  @Test
  void closeEndsAServerThatWouldRunForAMinute() {
    SippProcess server = Sipp.uas("agent_uas.xml").timeout(Duration.ofSeconds(60)).start();
    assertTrue(server.isAlive());
    server.close();
    assertFalse(server.isAlive());
  }

  @Test
  void missingBinaryFailsWithInstructions() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Sipp.executable("/nonexistent"));
    assertTrue(e.getMessage().contains("sip-tester"), e.getMessage());
  }

  @Test
  void parsesStatisticsAndResponseTimes() {
    SippStats stats = SippStats.parse(List.of(
        "StartTime;TotalCallCreated;SuccessfulCall(C);FailedCall(C);Retransmissions(C);FailedRegexpDoesntMatch(C);",
        "x;0;0;0;0;0;",
        "x;10;9;1;3;1;",
        "x;11;"));
    assertEquals(10, stats.callsCreated());
    assertEquals(9, stats.successfulCalls());
    assertEquals(1, stats.failedCalls());
    assertEquals(3, stats.retransmissions());
    assertEquals(1, stats.failedRegexp());
    assertEquals(SippStats.NONE, SippStats.parse(List.of("StartTime;TotalCallCreated;")));

    ResponseTimes rt = ResponseTimes.parse(List.of("Date_ms;response_time_ms;rtd_no",
        "1.0;4;1", "2.0;1;1", "3.0;2;1", "4.0;3;1", "5.0;100;1", "6.0;7;2", "7.0;8"));
    assertEquals(5, rt.count(1));
    assertEquals(1, rt.count(2));
    assertEquals(3.0, rt.medianMillis(1));
    assertEquals(100.0, rt.percentileMillis(1, 99));
    assertEquals(100.0, rt.maxMillis(1));
    assertTrue(Double.isNaN(rt.medianMillis(3)));
  }

  private static SippProcess agent(String id, String number, String route) {
    return Sipp.uas("agent_uas.xml").set("expect_agent", id).set("expect_number", number).set("expect_route", route)
        .start();
  }

  private static SippProcess edgeSim(SippProcess target, String agent, String number, String route, String maxFwd) {
    return edgeSimBuilder(target, agent, number, route, maxFwd).key("vm_message", "-").start();
  }

  private static Sipp edgeSimBuilder(SippProcess target, String agent, String number, String route, String maxFwd) {
    return Sipp.uac("selftest/edge_sim_uac.xml", target.address()).calls(1).recvTimeout(Duration.ofSeconds(3))
        .key("agent_id", agent).key("number", number).key("route", route).key("max_forwards", maxFwd);
  }

  private static int reject(String scenario, String peerScenario, String reason) {
    try (SippProcess peer = Sipp.uas(peerScenario).key("reason", reason).start();
         SippProcess trunk = Sipp.uac(scenario, peer.address()).injection(List.of(TWILIO_ROW)).calls(1)
             .recvTimeout(Duration.ofSeconds(3)).start()) {
      return trunk.awaitExit(EXIT).exitCode();
    }
  }
}
