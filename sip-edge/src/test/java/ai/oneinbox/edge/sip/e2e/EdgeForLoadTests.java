package ai.oneinbox.edge.sip.e2e;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.sip.SipEdge;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.testing.FreePorts;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The edge as a process for {@code loadtests/run --system edge --edge-java}: the same entry point and test
 * configuration as the end-to-end tests, with a routing table of {@code --numbers} Twilio numbers
 * ({@code +14155500000…}, bound to the runner's account SID, like {@code loadtests/run}'s injection file) all
 * routed to one agent, loaded directly (the provisioning API is not involved). Prints one {@code READY} line
 * when bound and runs until SIGTERM or {@code --max-seconds}.
 *
 * <pre>
 * java -cp ... ai.oneinbox.edge.sip.e2e.EdgeForLoadTests --port 5070 --agent-port 5090 --numbers 100000
 * </pre>
 */
public final class EdgeForLoadTests {

  static final long FIRST_NUMBER = 14155500000L;
  static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";

  private EdgeForLoadTests() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> opts = new HashMap<>(Map.of("--port", "5070", "--agent-port", "5090", "--numbers", "100000",
        "--max-seconds", "3600", "--sip-trunk", "", "--udp-channels",
        Integer.toString(SipEdgeConfig.defaults().udpChannels())));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opts.containsKey(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + opts.keySet());
      }
      opts.put(args[i], args[i + 1]);
    }
    int port = Integer.parseInt(opts.get("--port"));
    int agentPort = Integer.parseInt(opts.get("--agent-port"));
    int numbers = Integer.parseInt(opts.get("--numbers"));
    long maxSeconds = Long.parseLong(opts.get("--max-seconds"));
    // the product's sip.udp_channels (config/edge.yaml: one SO_REUSEPORT socket per core), not the
    // end-to-end tests' single channel
    int udpChannels = Integer.parseInt(opts.get("--udp-channels"));
    // --sip-trunk URI: every number is a BYO number with that Termination URI, so agent-1 (at
    // 127.0.0.1:--agent-port) can call out from any of them (loadtests/run outbound)
    Optional<String> sipTrunk = Optional.of(opts.get("--sip-trunk")).filter(t -> !t.isEmpty());

    Snapshot.Builder snapshot = Snapshot.builder(1)
        .agent(new Agent("agent-1", List.of("sip:agent-1@127.0.0.1:" + agentPort), 0, Optional.empty(), true));
    Ownership twilio = new Ownership(Provider.TWILIO, Optional.of("integration-1"), Optional.empty(),
        Optional.of(ACCOUNT_SID), sipTrunk);
    for (int i = 0; i < numbers; i++) {
      snapshot.number(new NumberRoute(E164.of(FIRST_NUMBER + i), "agent-1", Optional.of(InboundRouting.DEFAULT), twilio));
    }
    RoutingTable table = RoutingTable.empty();
    table.replace(snapshot.build());

    // voicemail on a port nobody listens on: a call that fails over shows as a failed call, not as a
    // second INVITE with the same Call-ID at the agent
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SipEdge edge = SipEdge.start(
        EdgeUnderTest.config(port, List.of("127.0.0.0/8"), "sip:voicemail@127.0.0.1:" + FreePorts.next())
            .withUdpChannels(udpChannels), table, registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      edge.close();
      // the latency the edge adds to outbound calls (agent's INVITE in -> INVITE to the trunk handed to the
      // transport), for loadtests/run outbound
      Timer forwarding = registry.find("sip_edge_outbound_forwarding_latency").timer();
      if (forwarding != null && forwarding.count() > 0) {
        System.out.println("OUTBOUND_FORWARDING count=" + forwarding.count()
            + " mean_ms=" + forwarding.mean(TimeUnit.MILLISECONDS) + " max_ms=" + forwarding.max(TimeUnit.MILLISECONDS));
        System.out.flush();
      }
      stopped.countDown();
    }, "edge-stop"));
    System.out.println("READY pid=" + ProcessHandle.current().pid() + " port=" + port + " numbers=" + numbers);
    System.out.flush();
    if (!stopped.await(maxSeconds, TimeUnit.SECONDS)) {
      System.out.println("max-seconds reached, stopping");
      System.exit(0);
    }
  }
}
