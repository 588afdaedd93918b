package ai.oneinbox.edge.sip.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.sip.SipEdge;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.testing.FreePorts;
import ai.oneinbox.edge.sip.testing.ResponseTimes;
import ai.oneinbox.edge.sip.testing.Sipp;
import ai.oneinbox.edge.sip.testing.SippProcess;
import ai.oneinbox.edge.sip.testing.SippResult;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The figures of issue 7 (docs/PERFORMANCE.md, "Outbound calls"): SIPp agent UAC → edge (in this JVM) →
 * SIPp trunk UAS on loopback at a fixed rate; failed calls, the edge process's CPU per 1,000 calls, and the
 * latency the edge adds (outbound INVITE received → handed to the transport towards the trunk, p50/p99 of
 * {@code sip_edge_outbound_forwarding_latency}) beside the agent's INVITE→180 through edge and trunk. Not a
 * timed test: it asserts only that no call failed, and prints the figures. Run it explicitly:
 *
 * <pre>
 * mvn -o -q -B -pl routing-engine,sip-edge test -Dtest=OutboundLoadRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dedge.outbound.load=true [-Dedge.load.calls=5000] [-Dedge.load.rate=100]
 * </pre>
 */
@EnabledIfSystemProperty(named = "edge.outbound.load", matches = "true")
class OutboundLoadRun {

  @Test
  @Timeout(900)
  void outboundCallsAtAFixedRate() throws Exception {
    int calls = Integer.getInteger("edge.load.calls", 5_000);
    int rate = Integer.getInteger("edge.load.rate", 100);
    int numbers = Integer.getInteger("edge.load.numbers", 1_000);
    int warmup = Integer.getInteger("edge.load.warmup", 2_000);
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      SippProcess trunk = Sipp.uas("trunk_uas.xml").timeout(Duration.ofSeconds(calls / rate + warmup / rate + 300)).start();
      resources.add(trunk);
      InetSocketAddress agentAddress = new InetSocketAddress(FreePorts.LOOPBACK, FreePorts.next());
      Snapshot.Builder b = Snapshot.builder(1).agent(new Agent("agent-1",
          List.of("sip:agent-1@127.0.0.1:" + agentAddress.getPort()), 0, Optional.empty(), true));
      Ownership byo = new Ownership(Provider.GENERIC, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.of("sip:127.0.0.1:" + trunk.address().getPort()));
      List<String> rows = new ArrayList<>(numbers);
      for (int i = 0; i < numbers; i++) {
        long n = 14_155_000_000L + i;
        b.number(new NumberRoute(E164.of(n), "agent-1", Optional.empty(), byo));
        rows.add("+4420718" + String.format(Locale.ROOT, "%05d", i) + ";+" + n);
      }
      RoutingTable table = RoutingTable.empty();
      table.replace(b.build());

      int port = FreePorts.next();
      SipEdgeConfig d = SipEdgeConfig.defaults();
      SipEdgeConfig config = new SipEdgeConfig("127.0.0.1", port, "127.0.0.1", 1, d.tls(), d.limits(), d.timers(),
          d.failover(), "sip:voicemail@127.0.0.1:" + FreePorts.next(), d.drainRetryAfter(),
          new SipEdgeConfig.Trunks(List.of("127.0.0.2/32"), d.trunks().twilioCidrs(), d.trunks().telnyxCidrs(),
              d.trunks().scannerUserAgents()), d.health(), d.defaultRegion(), d.dataDir(), d.maxTransactions());
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      registry.config().meterFilter(new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig c) {
          return DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build().merge(c);
        }
      });
      SipEdge edge = SipEdge.start(config, OutboundConfig.defaults(), table, registry);
      resources.add(edge);
      InetSocketAddress edgeAddress = new InetSocketAddress(FreePorts.LOOPBACK, port);

      SippResult warm = Sipp.uac("agent_outbound_uac.xml", edgeAddress).local(agentAddress).injection(rows)
          .calls(warmup).rate(rate).timeout(Duration.ofSeconds(warmup / rate + 60)).start()
          .awaitExit(Duration.ofSeconds(warmup / rate + 90));
      // the warm-up only has to get the JIT going: its failures are printed, not asserted
      System.out.println("OUTBOUND LOAD warm-up: " + warm.describe());
      Timer forwarding = registry.get("sip_edge_outbound_forwarding_latency").timer();
      long warmCount = forwarding.count();

      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuBefore = os.getProcessCpuTime();
      long wallBefore = System.nanoTime();
      SippResult run = Sipp.uac("agent_outbound_uac.xml", edgeAddress).local(agentAddress).injection(rows)
          .calls(calls).rate(rate).timeout(Duration.ofSeconds(calls / rate + 60)).start()
          .awaitExit(Duration.ofSeconds(calls / rate + 90));
      long cpu = os.getProcessCpuTime() - cpuBefore;
      long wall = System.nanoTime() - wallBefore;

      double p50 = Double.NaN;
      double p99 = Double.NaN;
      for (ValueAtPercentile v : forwarding.takeSnapshot().percentileValues()) {
        if (v.percentile() == 0.5) {
          p50 = v.value(TimeUnit.MICROSECONDS);
        } else if (v.percentile() == 0.99) {
          p99 = v.value(TimeUnit.MICROSECONDS);
        }
      }
      long answered = (long) registry.get("sip_edge_outbound_calls").tag("outcome", "answered").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      ResponseTimes rt = run.responseTimes();
      System.out.println(String.format(Locale.ROOT,
          "OUTBOUND LOAD: calls=%d rate=%d/s successful=%d failed=%d answeredByTrunk=%d wall=%.1fs edgeCpu=%.2fs "
              + "cpuPer1000Calls=%.3fs edgeAdded(INVITE in->out) p50=%.0fus p99=%.0fus (window ~2 min) "
              + "agent INVITE->180 median=%.2fms p99=%.2fms forwarded=%d cores=%d",
          calls, rate, run.successfulCalls(), run.failedCalls(), answered, wall / 1e9, cpu / 1e9,
          cpu / 1e9 / (calls / 1000.0), p50, p99, rt.medianMillis(1), rt.percentileMillis(1, 99),
          forwarding.count() - warmCount, Runtime.getRuntime().availableProcessors()));
      assertEquals(0, run.failedCalls(), run.describe());
      assertEquals(calls, run.successfulCalls(), run.describe());
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    }
  }
}
