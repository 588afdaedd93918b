package ai.oneinbox.edge.sip.outbound;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.sip.message.SipRequest;
import ai.oneinbox.edge.sip.proxy.ProxyCore;
import ai.oneinbox.edge.sip.transaction.TransactionKey;
import ai.oneinbox.edge.sip.transport.InboundSource;
import ai.oneinbox.edge.sip.trunk.AuthResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

/**
 * Outbound calls: an agent's INVITE carried to the PSTN through its number's trunk. {@link ProxyCore}
 * asks {@link #claims} for every new INVITE out of a dialog and hands the ones claimed to {@link #initial}.
 */
public final class Outbound implements AutoCloseable {
  /** An answered call whose BYE we never saw stops counting against the limits after this long. */
  static final Duration SESSION_BOUND = Duration.ofHours(6);

  final ProxyCore core;
  final OutboundConfig config;
  final OutboundRouter router;
  final OutboundLimits limits;
  final OutboundMetrics metrics;
  private TrunkResolver resolver; // guarded by this; made on the first outbound call (its DNS thread too)
  private boolean closed; // guarded by this

  public Outbound(ProxyCore core, OutboundConfig config, MeterRegistry registry) {
    this.core = core;
    this.config = config;
    this.router = new OutboundRouter(core.table(), config, core.config().defaultRegion(),
        new AgentDigest(nonceKey(config.nonceSecret()), java.time.Clock.systemUTC(), config.realm(),
            config.authAlgorithms()));
    this.limits = new OutboundLimits(core::nanoTime, SESSION_BOUND.toNanos());
    this.metrics = new OutboundMetrics(registry);
  }

  /** The HMAC key of agent-digest nonces: derived from the shared secret, else random (one node only). */
  static byte[] nonceKey(String secret) {
    if (secret.isEmpty()) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      return key;
    }
    try {
      // a key of its own, so the nonce MAC never uses the secrets-at-rest key directly
      return java.security.MessageDigest.getInstance("SHA-256").digest(
          ("oneinbox agent digest nonce\0" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The resolver, made on first use so a node that never calls out runs no DNS thread. */
  synchronized TrunkResolver resolver() {
    if (closed) {
      throw new IllegalStateException("the edge is closed");
    }
    if (resolver == null) {
      resolver = new TrunkResolver(config, core::nanoTime, new SecureRandom());
    }
    return resolver;
  }

  /**
   * Whether a new INVITE is an outbound call: it comes from an endpoint of the agent owning its caller
   * number, or it is addressed to a number that is not ours and does not come from a trunk (a trunk's
   * INVITE for an unknown number stays inbound and gets its 404).
   */
  public boolean claims(SipRequest invite, InboundSource source) {
    if (router.fromOwningAgent(invite, source)) {
      return true;
    }
    Optional<E164> destination = router.destination(invite);
    if (destination.isEmpty() || core.table().contains(destination.get())) {
      return false;
    }
    return core.checkSource(invite, source) instanceof AuthResult.Reject;
  }

  public void initial(ProxyCore.Shard shard, SipRequest invite, InboundSource source, TransactionKey key) {
    OutboundCall.start(this, shard, invite, source, key);
  }

  /** A BYE passed through the edge in a dialog: if it ends an outbound call, its limits are freed. */
  public void bye(String callId) {
    limits.bye(callId);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (resolver != null) {
      resolver.close();
    }
  }
}
