package ai.oneinbox.edge.sip.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-number and per-trunk concurrent call limits, with an injected clock for the session bound. */
class OutboundLimitsTest {
  private final AtomicLong now = new AtomicLong();
  private final OutboundLimits limits = new OutboundLimits(now::get, Duration.ofHours(6).toNanos());

  @Test
  void theNumberLimitRefusesFirstAndAReleaseFreesThePlace() {
    assertEquals(Optional.empty(), limits.acquire("+1", 2, "t", 0));
    assertEquals(Optional.empty(), limits.acquire("+1", 2, "t", 0));
    assertEquals(Optional.of(OutboundLimits.Refusal.NUMBER), limits.acquire("+1", 2, "t", 0));
    assertEquals(Optional.empty(), limits.acquire("+2", 2, "t", 0), "another number is not limited by +1");
    limits.release("+1", "t");
    assertEquals(Optional.empty(), limits.acquire("+1", 2, "t", 0));
  }

  @Test
  void theTrunkLimitCountsEveryNumberAndGivesBackTheNumbersPlace() {
    assertEquals(Optional.empty(), limits.acquire("+1", 0, "t", 2));
    assertEquals(Optional.empty(), limits.acquire("+2", 0, "t", 2));
    assertEquals(Optional.of(OutboundLimits.Refusal.TRUNK), limits.acquire("+3", 5, "t", 2));
    assertEquals(0, limits.callsFrom("+3"), "a call refused by the trunk holds no place of its number");
    assertEquals(2, limits.callsThrough("t"));
  }

  @Test
  void anAnsweredCallHoldsItsPlaceUntilItsByeOrTheSessionBound() {
    limits.acquire("+1", 1, "t", 1);
    limits.established("call-1", "+1", "t");
    assertEquals(Optional.of(OutboundLimits.Refusal.NUMBER), limits.acquire("+1", 1, "t", 1));
    limits.bye("call-1");
    limits.bye("call-1"); // a retransmitted BYE frees nothing more
    assertEquals(0, limits.callsFrom("+1"));
    assertEquals(Optional.empty(), limits.acquire("+1", 1, "t", 1));
    limits.established("call-2", "+1", "t");
    now.addAndGet(Duration.ofHours(6).plusSeconds(1).toNanos());
    assertEquals(Optional.empty(), limits.acquire("+1", 1, "t", 1), "a BYE never seen: dropped after 6 h");
    assertEquals(1, limits.callsFrom("+1"));
  }
}
