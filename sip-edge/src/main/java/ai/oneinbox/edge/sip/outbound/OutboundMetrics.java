package ai.oneinbox.edge.sip.outbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Outbound meters, beside the inbound ones:
 *
 * <ul>
 *   <li>{@code sip_edge_outbound_calls{trunk, outcome, status}}: outbound INVITEs by the trunk used
 *       ({@code -} when refused before one was chosen), outcome (answered, failed, refused, limited,
 *       geo_permissions, trunk_auth_failed, cancelled) and the final status the agent got.</li>
 *   <li>{@code sip_edge_outbound_failovers{trunk}}: moves to the trunk's next host.</li>
 *   <li>{@code sip_edge_outbound_trunk_auth{trunk}}: digest challenges of a trunk answered.</li>
 *   <li>{@code sip_edge_outbound_forwarding_latency}: INVITE received → INVITE handed to the transport
 *       towards the trunk (DNS included when the cache missed).</li>
 * </ul>
 */
final class OutboundMetrics {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> calls = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> failovers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> auth = new ConcurrentHashMap<>();
  private final Timer forwarding;

  OutboundMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.forwarding = Timer.builder("sip_edge_outbound_forwarding_latency")
        .description("Outbound INVITE received until it is handed to the transport towards the trunk")
        .register(registry);
  }

  void call(String trunk, String outcome, int status) {
    calls.computeIfAbsent(trunk + '\n' + outcome + '\n' + status, k -> Counter.builder("sip_edge_outbound_calls")
        .description("Outbound INVITEs by trunk, outcome and final status")
        .tag("trunk", trunk).tag("outcome", outcome).tag("status", Integer.toString(status))
        .register(registry)).increment();
  }

  void failover(String trunk) {
    failovers.computeIfAbsent(trunk, k -> Counter.builder("sip_edge_outbound_failovers")
        .description("Outbound calls moved to the trunk's next host").tag("trunk", trunk)
        .register(registry)).increment();
  }

  void trunkAuth(String trunk) {
    auth.computeIfAbsent(trunk, k -> Counter.builder("sip_edge_outbound_trunk_auth")
        .description("Trunk digest challenges answered").tag("trunk", trunk).register(registry)).increment();
  }

  void forwardingNanos(long nanos) {
    forwarding.record(nanos, TimeUnit.NANOSECONDS);
  }
}
