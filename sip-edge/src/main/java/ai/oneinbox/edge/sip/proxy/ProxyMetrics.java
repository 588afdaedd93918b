package ai.oneinbox.edge.sip.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The edge's Micrometer meters (names as Prometheus shows them, with {@code _total}/{@code _seconds}):
 *
 * <ul>
 *   <li>{@code sip_edge_invites{decision, status}}: INVITEs by routing decision (primary, fallback,
 *       voicemail, rejected, untrusted, overload, draining, in_dialog) and the final status the caller got.</li>
 *   <li>{@code sip_edge_rejected{reason}}: not_found, outbound_only, untrusted, malformed, overload.</li>
 *   <li>{@code sip_edge_failovers}: moves to the next target after a failed one.</li>
 *   <li>{@code sip_edge_transactions_in_flight}: live server + client transactions.</li>
 *   <li>{@code sip_edge_routing_latency}: called-number parse + trunk checks + {@code resolve}.</li>
 *   <li>{@code sip_edge_forwarding_latency}: INVITE received → forwarded INVITE handed to the transport.</li>
 * </ul>
 */
final class ProxyMetrics {
  enum Rejected { NOT_FOUND, OUTBOUND_ONLY, UNTRUSTED, MALFORMED, OVERLOAD }

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> invites = new ConcurrentHashMap<>();
  private final Counter[] rejected = new Counter[Rejected.values().length];
  private final Counter failovers;
  private final Counter evicted;
  private final Timer routing;
  private final Timer forwarding;

  ProxyMetrics(MeterRegistry registry, Supplier<Number> inFlight) {
    this.registry = registry;
    for (Rejected r : Rejected.values()) {
      rejected[r.ordinal()] = Counter.builder("sip_edge_rejected")
          .description("Requests the edge refused, by reason")
          .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry);
    }
    failovers = Counter.builder("sip_edge_failovers")
        .description("Calls moved to the next target after a failed one").register(registry);
    evicted = Counter.builder("sip_edge_transactions_evicted")
        .description("Finished calls whose lingering transactions (RFC 3261/6026 timers) were ended early to "
            + "make room in a full transaction table")
        .register(registry);
    Gauge.builder("sip_edge_transactions_in_flight", inFlight, s -> s.get().doubleValue())
        .description("SIP transactions in flight: live ones and finished ones lingering for their RFC timers").register(registry);
    routing = Timer.builder("sip_edge_routing_latency")
        .description("Called number, trunk checks and routing decision of an INVITE").register(registry);
    forwarding = Timer.builder("sip_edge_forwarding_latency")
        .description("INVITE received until the forwarded INVITE is handed to the transport")
        .register(registry);
  }

  void invite(String decision, int status) {
    String key = decision + ':' + status;
    invites.computeIfAbsent(key, k -> Counter.builder("sip_edge_invites")
        .description("INVITEs by routing decision and final status")
        .tag("decision", decision).tag("status", Integer.toString(status)).register(registry))
        .increment();
  }

  void rejected(Rejected reason) {
    rejected[reason.ordinal()].increment();
  }

  void failover() {
    failovers.increment();
  }

  void evicted() {
    evicted.increment();
  }

  void routingNanos(long nanos) {
    routing.record(nanos, TimeUnit.NANOSECONDS);
  }

  void forwardingNanos(long nanos) {
    forwarding.record(nanos, TimeUnit.NANOSECONDS);
  }
}
