package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.sip.message.SipResponse;
import ai.oneinbox.edge.sip.message.SipUri;
import ai.oneinbox.edge.sip.transaction.TimerScheduler;
import ai.oneinbox.edge.sip.transaction.TransactionKey;
import ai.oneinbox.edge.sip.transaction.TransactionTable;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OPTIONS probes of agent endpoints, feeding {@link ai.oneinbox.edge.sip.agent.EndpointHealth}.
 *
 * <p>Which endpoints: those this node has sent calls to in the last hour ({@link #touch}), not every
 * provisioned agent — the probe traffic follows the agents that take calls here, a table of 100,000 agents
 * costs nothing, and an endpoint never tried is presumed up (its first failed call fails over anyway).
 *
 * <p>A probe is one OPTIONS without retransmissions; any response within {@code sip.health.timeout} is an
 * answer, silence or a transport error is a miss. The hysteresis lives in {@code EndpointHealth}.
 */
final class HealthProber {
  private static final Duration FORGET_AFTER = Duration.ofHours(1);

  private final ProxyCore core;
  private final Map<String, Long> endpoints = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  HealthProber(ProxyCore core) {
    this.core = core;
  }

  /** A call went to {@code endpoint}: keep probing it. */
  void touch(String endpoint) {
    endpoints.put(endpoint, core.nanoTime.getAsLong());
  }

  /** One round: probe every endpoint in use, forget those unused for an hour. */
  void probeAll() {
    long now = core.nanoTime.getAsLong();
    endpoints.entrySet().removeIf(e -> now - e.getValue() > FORGET_AFTER.toNanos());
    core.health.retainOnly(endpoints.keySet());
    for (String endpoint : endpoints.keySet()) {
      probe(endpoint);
    }
  }

  void probe(String endpoint) {
    Optional<Destinations.Hop> hop = SipUri.parse(endpoint).flatMap(Destinations::forUri);
    if (hop.isEmpty()) {
      core.health.missed(endpoint);
      return;
    }
    long n = sequence.incrementAndGet();
    String callId = "oi-probe-" + Long.toHexString(n) + "-" + Long.toHexString(System.identityHashCode(this));
    ProxyCore.Shard shard = core.shardFor(callId);
    shard.scheduler.execute(() -> start(shard, endpoint, hop.get(), callId, n));
  }

  private void start(ProxyCore.Shard shard, String endpoint, Destinations.Hop hop, String callId, long n) {
    String branch = Branches.of(0L, Branches.hash(callId), 0);
    TransactionKey key = new TransactionKey(branch, "", "OPTIONS");
    Probe probe = new Probe(shard, endpoint, key);
    if (shard.clients.add(key, probe) != TransactionTable.AddResult.ADDED) {
      return; // full: skip this round rather than count a miss
    }
    probe.timeout = shard.scheduler.schedule(core.config.health().timeout(), () -> probe.done(false));
    String host = core.identity.host();
    core.transport.send(hop.transport(), hop.address(), OutboundRequests.options(core.alloc, endpoint,
        core.identity.via(hop.transport(), branch), "sip:edge@" + host, Long.toHexString(n), callId))
        .whenComplete((ok, error) -> {
          if (error != null) {
            shard.scheduler.execute(() -> probe.done(false));
          }
        });
  }

  private final class Probe implements ProxyCore.ClientSide {
    final ProxyCore.Shard shard;
    final String endpoint;
    final TransactionKey key;
    TimerScheduler.Timer timeout;
    boolean done;

    Probe(ProxyCore.Shard shard, String endpoint, TransactionKey key) {
      this.shard = shard;
      this.endpoint = endpoint;
      this.key = key;
    }

    @Override
    public void response(SipResponse response) {
      done(true);
    }

    void done(boolean answered) {
      if (done) {
        return;
      }
      done = true;
      if (timeout != null) {
        timeout.cancel();
      }
      shard.clients.remove(key, this);
      if (answered) {
        core.health.answered(endpoint);
      } else {
        core.health.missed(endpoint);
      }
    }
  }
}
