package ai.oneinbox.edge.sip.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.sip.testing.FreePorts;
import ai.oneinbox.edge.sip.testing.ResponseTimes;
import ai.oneinbox.edge.sip.testing.Sipp;
import ai.oneinbox.edge.sip.testing.SippProcess;
import ai.oneinbox.edge.sip.testing.SippResult;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The figures of issue 3 (docs/PERFORMANCE.md, "SIP edge (proxy)"): SIPp trunk UAC → edge (in this JVM) →
 * SIPp agent UAS on loopback, a fixed call rate, and the edge process's CPU time per 1,000 calls. Not a
 * timed test: it only asserts that no call failed, and prints the figures. Run it explicitly:
 *
 * <pre>
 * mvn -o -q -B -pl routing-engine,sip-edge test -Dtest=EdgeLoadRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dedge.load=true [-Dedge.load.calls=10000] [-Dedge.load.rate=200] [-Dedge.load.numbers=10000]
 * </pre>
 */
@EnabledIfSystemProperty(named = "edge.load", matches = "true")
class EdgeLoadRun {
  private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";

  @Test
  @Timeout(900)
  void callsThroughTheEdgeAtAFixedRate() throws Exception {
    int calls = Integer.getInteger("edge.load.calls", 10_000);
    int rate = Integer.getInteger("edge.load.rate", 200);
    int numbers = Integer.getInteger("edge.load.numbers", 10_000);
    int warmup = Integer.getInteger("edge.load.warmup", 2_000);

    List<AutoCloseable> resources = new ArrayList<>();
    try {
      SippProcess agent = Sipp.uas("agent_uas.xml").set("expect_agent", "agent-1").set("expect_number", "*")
          .set("expect_route", "primary").start();
      resources.add(agent);
      Snapshot.Builder b = Snapshot.builder(1);
      b.agent(new Agent("agent-1", List.of("sip:agent-1@127.0.0.1:" + agent.address().getPort()), 0,
          Optional.empty(), true));
      Ownership twilio = new Ownership(Provider.TWILIO, Optional.of("integration-1"), Optional.empty(),
          Optional.of(ACCOUNT_SID), Optional.empty());
      List<String> rows = new ArrayList<>(numbers);
      for (int i = 0; i < numbers; i++) {
        long n = 14_155_000_000L + i;
        b.number(new NumberRoute(E164.of(n), "agent-1", Optional.of(InboundRouting.DEFAULT), twilio));
        rows.add(String.join(";", "+" + n, ACCOUNT_SID, "+12125550199", "+12125550111"));
      }
      RoutingTable table = RoutingTable.empty();
      table.replace(b.build());
      EdgeUnderTest edge = EdgeUnderTest.start(List.of("127.0.0.0/8"),
          "sip:voicemail@127.0.0.1:" + FreePorts.next(), table);
      resources.add(edge);

      SippResult warm = Sipp.uac("twilio_uac.xml", edge.address()).injection(rows).calls(warmup).rate(rate)
          .timeout(Duration.ofSeconds(warmup / rate + 60)).start().awaitExit(Duration.ofSeconds(warmup / rate + 90));
      assertEquals(0, warm.failedCalls(), warm.describe());

      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuBefore = os.getProcessCpuTime();
      long wallBefore = System.nanoTime();
      SippResult run = Sipp.uac("twilio_uac.xml", edge.address()).injection(rows).calls(calls).rate(rate)
          .timeout(Duration.ofSeconds(calls / rate + 60)).start().awaitExit(Duration.ofSeconds(calls / rate + 90));
      long cpu = os.getProcessCpuTime() - cpuBefore;
      long wall = System.nanoTime() - wallBefore;

      ResponseTimes rt = run.responseTimes();
      String figures = String.format(Locale.ROOT,
          "EDGE LOAD: calls=%d rate=%d/s numbers=%d successful=%d failed=%d wall=%.1fs "
              + "edgeCpu=%.2fs cpuPer1000Calls=%.3fs INVITE->100 median=%.2fms p99=%.2fms "
              + "INVITE->180 median=%.2fms p99=%.2fms cores=%d",
          calls, rate, numbers, run.successfulCalls(), run.failedCalls(), wall / 1e9, cpu / 1e9,
          cpu / 1e9 / (calls / 1000.0), rt.medianMillis(1), rt.percentileMillis(1, 99), rt.medianMillis(2),
          rt.percentileMillis(2, 99), Runtime.getRuntime().availableProcessors());
      System.out.println(figures);
      assertEquals(0, run.failedCalls(), run.describe());
      assertEquals(calls, run.successfulCalls(), run.describe());
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    }
  }
}
