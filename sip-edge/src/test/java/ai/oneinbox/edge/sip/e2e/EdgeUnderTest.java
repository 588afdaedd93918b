package ai.oneinbox.edge.sip.e2e;

import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.sip.SipEdge;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.testing.FreePorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The edge started in-process on 127.0.0.1 through its entry point {@link SipEdge#start} (docs/CONTRACTS.md),
 * with a test configuration: a free port for UDP and TCP, the given trusted source ranges, the given
 * voicemail URI, the file's defaults for the rest.
 */
final class EdgeUnderTest implements AutoCloseable {

  private final SipEdge edge;
  private final InetSocketAddress address;
  private final MeterRegistry registry;

  private EdgeUnderTest(SipEdge edge, InetSocketAddress address, MeterRegistry registry) {
    this.edge = edge;
    this.address = address;
    this.registry = registry;
  }

  /** Test configuration: the file's defaults on 127.0.0.1:{port}, trusting {@code trustedCidrs}. */
  static SipEdgeConfig config(int port, List<String> trustedCidrs, String voicemailUri) {
    SipEdgeConfig d = SipEdgeConfig.defaults();
    SipEdgeConfig.Trunks trunks = new SipEdgeConfig.Trunks(trustedCidrs, d.trunks().twilioCidrs(),
        d.trunks().telnyxCidrs(), d.trunks().scannerUserAgents());
    return new SipEdgeConfig("127.0.0.1", port, "127.0.0.1", 1, d.tls(), d.limits(), d.timers(),
        new SipEdgeConfig.Failover(Duration.ofSeconds(2), d.failover().finalStatuses()), voicemailUri,
        d.drainRetryAfter(), trunks, d.health(), d.defaultRegion(), d.dataDir(),
        d.maxTransactions());
  }

  static EdgeUnderTest start(List<String> trustedCidrs, String voicemailUri, RoutingTable table) {
    int port = FreePorts.next();
    MeterRegistry registry = new SimpleMeterRegistry();
    SipEdge edge = SipEdge.start(config(port, trustedCidrs, voicemailUri), table, registry);
    return new EdgeUnderTest(edge, new InetSocketAddress(FreePorts.LOOPBACK, port), registry);
  }

  /** Where trunks send (UDP and TCP). */
  InetSocketAddress address() {
    return address;
  }

  MeterRegistry registry() {
    return registry;
  }

  /** OPTIONS and new INVITEs get 503 from now on. */
  void drain() {
    edge.drain();
  }

  @Override
  public void close() {
    edge.close();
  }
}
