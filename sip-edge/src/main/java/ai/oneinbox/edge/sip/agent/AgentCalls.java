package ai.oneinbox.edge.sip.agent;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Concurrent calls per agent on this node (docs/decisions/0002-stateless-dialogs.md).
 *
 * <p>A call is counted from the INVITE forwarded to the agent ({@link #started}). A branch that fails
 * (non-2xx final, timeout, transport error, CANCEL) releases it at once ({@link #released}). A branch that
 * is answered becomes an established call ({@link #established}), released by the BYE that passes through
 * this node ({@link #bye}) or, when the BYE takes another node or never comes, by the session bound
 * ({@link #expire}, run periodically). The set of established calls is bounded: beyond {@code maxEstablished}
 * an answered call is released at once (routing keeps working, it is just no longer counted).
 */
public final class AgentCalls {
  /** The longest a counted call may last without its BYE being seen here. */
  public static final Duration SESSION_BOUND = Duration.ofHours(4);

  private final ConcurrentHashMap<String, AtomicInteger> active = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Established> established = new ConcurrentHashMap<>();
  private final int maxEstablished;
  private final LongSupplier nanoTime;
  private final long boundNanos;

  private record Established(String agentId, long startedNanos) {}

  public AgentCalls(int maxEstablished, Duration sessionBound, LongSupplier nanoTime) {
    this.maxEstablished = maxEstablished;
    this.boundNanos = sessionBound.toNanos();
    this.nanoTime = nanoTime;
  }

  public int active(String agentId) {
    AtomicInteger n = active.get(agentId);
    return n == null ? 0 : n.get();
  }

  /** An INVITE went to the agent. */
  public void started(String agentId) {
    active.computeIfAbsent(agentId, id -> new AtomicInteger()).incrementAndGet();
  }

  /** The agent's branch ended without a call (failure, timeout, CANCEL). */
  public void released(String agentId) {
    AtomicInteger n = active.get(agentId);
    if (n != null) {
      n.updateAndGet(v -> v > 0 ? v - 1 : 0);
    }
  }

  /** The agent answered: the call stays counted until its BYE or the session bound. */
  public void established(String callId, String agentId) {
    if (established.size() >= maxEstablished
        || established.putIfAbsent(callId, new Established(agentId, nanoTime.getAsLong())) != null) {
      released(agentId);
    }
  }

  /** A BYE of {@code callId} passed through this node. */
  public void bye(String callId) {
    Established e = established.remove(callId);
    if (e != null) {
      released(e.agentId());
    }
  }

  /** Releases established calls older than the session bound. Returns how many. */
  public int expire() {
    long now = nanoTime.getAsLong();
    int[] n = {0};
    established.forEach((callId, e) -> {
      if (now - e.startedNanos() >= boundNanos && established.remove(callId, e)) {
        released(e.agentId());
        n[0]++;
      }
    });
    return n[0];
  }

  public int establishedCount() {
    return established.size();
  }
}
