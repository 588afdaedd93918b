package ai.oneinbox.edge.sip.outbound;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Concurrent outbound calls per calling number and per trunk. A call holds one lease from its INVITE until
 * its final non-2xx answer, or — once answered — until its BYE passes through; a lease whose BYE never came
 * (the BYE took another path, a node restarted) is dropped after {@code sessionBoundNanos}.
 */
final class OutboundLimits {
  /** What a call holds. */
  record Lease(String callId, String number, String trunk, long startedNanos) {}

  private final Map<String, AtomicInteger> perNumber = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> perTrunk = new ConcurrentHashMap<>();
  private final Map<String, Lease> established = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private final long sessionBoundNanos;

  OutboundLimits(LongSupplier nanoTime, long sessionBoundNanos) {
    this.nanoTime = nanoTime;
    this.sessionBoundNanos = sessionBoundNanos;
  }

  /** Which limit refused a call. */
  enum Refusal { NUMBER, TRUNK }

  /**
   * Takes one call for {@code number} and {@code trunk} unless either is at its limit (0 = unlimited);
   * the refusal says which.
   */
  Optional<Refusal> acquire(String number, int numberLimit, String trunk, int trunkLimit) {
    Optional<Refusal> refused = tryAcquire(number, numberLimit, trunk, trunkLimit);
    if (refused.isPresent() && expireStale() > 0) {
      refused = tryAcquire(number, numberLimit, trunk, trunkLimit);
    }
    return refused;
  }

  private Optional<Refusal> tryAcquire(String number, int numberLimit, String trunk, int trunkLimit) {
    if (!take(perNumber, number, numberLimit)) {
      return Optional.of(Refusal.NUMBER);
    }
    if (!take(perTrunk, trunk, trunkLimit)) {
      give(perNumber, number);
      return Optional.of(Refusal.TRUNK);
    }
    return Optional.empty();
  }

  /** A call that ended before it was answered gives its place back. */
  void release(String number, String trunk) {
    give(perNumber, number);
    give(perTrunk, trunk);
  }

  /** An answered call keeps its place until {@link #bye}. */
  void established(String callId, String number, String trunk) {
    Lease previous = established.put(callId, new Lease(callId, number, trunk, nanoTime.getAsLong()));
    if (previous != null) {
      release(previous.number(), previous.trunk());
    }
  }

  /** A BYE of an outbound call went through: its place is free. Unknown Call-IDs are ignored. */
  void bye(String callId) {
    Lease lease = established.remove(callId);
    if (lease != null) {
      release(lease.number(), lease.trunk());
    }
  }

  int callsFrom(String number) {
    AtomicInteger n = perNumber.get(number);
    return n == null ? 0 : n.get();
  }

  int callsThrough(String trunk) {
    AtomicInteger n = perTrunk.get(trunk);
    return n == null ? 0 : n.get();
  }

  /** Drops answered calls older than the session bound; how many. */
  int expireStale() {
    long now = nanoTime.getAsLong();
    int dropped = 0;
    for (Lease lease : established.values()) {
      if (now - lease.startedNanos() > sessionBoundNanos && established.remove(lease.callId(), lease)) {
        release(lease.number(), lease.trunk());
        dropped++;
      }
    }
    return dropped;
  }

  private static boolean take(Map<String, AtomicInteger> counts, String key, int limit) {
    AtomicInteger n = counts.computeIfAbsent(key, k -> new AtomicInteger());
    while (true) {
      int current = n.get();
      if (limit > 0 && current >= limit) {
        return false;
      }
      if (n.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  private static void give(Map<String, AtomicInteger> counts, String key) {
    AtomicInteger n = counts.get(key);
    if (n != null) {
      n.updateAndGet(v -> v > 0 ? v - 1 : 0);
    }
  }
}
