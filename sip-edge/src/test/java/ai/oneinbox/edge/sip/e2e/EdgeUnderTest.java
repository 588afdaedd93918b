package ai.oneinbox.edge.sip.e2e;

import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.testing.FreePorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The edge started in-process on 127.0.0.1 through its entry point {@code SipEdge.start(config, table,
 * registry)} (docs/CONTRACTS.md), with a test configuration: a free port for UDP and TCP, the given trusted
 * source ranges, the given voicemail URI. The entry point is looked up by name while the proxy branch has
 * not delivered it, so this suite compiles on every branch and reports "not yet available" instead.
 */
final class EdgeUnderTest implements AutoCloseable {

  static final String ENTRY_POINT = "ai.oneinbox.edge.sip.SipEdge";

  private final AutoCloseable edge;
  private final InetSocketAddress address;
  private final MeterRegistry registry;

  private EdgeUnderTest(AutoCloseable edge, InetSocketAddress address, MeterRegistry registry) {
    this.edge = edge;
    this.address = address;
    this.registry = registry;
  }

  /** For {@code @EnabledIf}: whether this branch has the edge's entry point. */
  static boolean available() {
    try {
      Class.forName(ENTRY_POINT);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Test configuration: the file's defaults on 127.0.0.1:{free port}, trusting {@code trustedCidrs}. */
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
    SipEdgeConfig config = config(port, trustedCidrs, voicemailUri);
    MeterRegistry registry = new SimpleMeterRegistry();
    try {
      Class<?> type = Class.forName(ENTRY_POINT);
      Object edge = type.getMethod("start", SipEdgeConfig.class, RoutingTable.class, MeterRegistry.class)
          .invoke(null, config, table, registry);
      return new EdgeUnderTest((AutoCloseable) edge, new InetSocketAddress(FreePorts.LOOPBACK, port), registry);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("SipEdge.start failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("SipEdge.start(SipEdgeConfig, RoutingTable, MeterRegistry) is missing", e);
    }
  }

  /** Where trunks send (UDP and TCP). */
  InetSocketAddress address() {
    return address;
  }

  MeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() throws Exception {
    edge.close();
  }
}
