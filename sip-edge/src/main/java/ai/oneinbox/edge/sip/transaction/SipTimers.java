package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;
import java.util.Objects;

/**
 * RFC 3261 timer values (§17, table 4). Only T1, T2 and T4 are configured; every other timer derives from
 * them as the RFC says. Timers that only absorb retransmissions (D, I, J, K) are zero over a reliable
 * transport, where nothing is retransmitted.
 *
 * @param t1 round-trip estimate (default 500 ms)
 * @param t2 longest retransmit interval for non-INVITE requests and INVITE responses (default 4 s)
 * @param t4 longest time a message stays in the network (default 5 s)
 */
public record SipTimers(Duration t1, Duration t2, Duration t4) {
  /** RFC 3261 defaults. */
  public static final SipTimers DEFAULT =
      new SipTimers(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(5));

  /** Timer C (§16.6 step 11): a proxy's INVITE client transaction gives up after more than 3 minutes. */
  public static final Duration TIMER_C = Duration.ofMinutes(3).plusSeconds(1);

  private static final Duration THIRTY_TWO_SECONDS = Duration.ofSeconds(32);

  public SipTimers {
    Objects.requireNonNull(t1, "t1");
    Objects.requireNonNull(t2, "t2");
    Objects.requireNonNull(t4, "t4");
    if (t1.isNegative() || t1.isZero()) {
      throw new IllegalArgumentException("t1 must be positive: " + t1);
    }
    if (t2.compareTo(t1) < 0) {
      throw new IllegalArgumentException("t2 must not be shorter than t1: " + t2 + " < " + t1);
    }
    if (t4.isNegative() || t4.isZero()) {
      throw new IllegalArgumentException("t4 must be positive: " + t4);
    }
  }

  /** 64*T1: timers B, F, H and J (unreliable) — a transaction's whole life. */
  public Duration sixtyFourT1() {
    // nanosecond arithmetic: Duration.multipliedBy goes through BigDecimal, and this runs several times per call
    return Duration.ofNanos(t1.toNanos() * 64);
  }

  /** Timer A initial interval (INVITE request retransmit, unreliable only): T1. */
  public Duration timerA() {
    return t1;
  }

  /** Timer B: INVITE transaction timeout, 64*T1. */
  public Duration timerB() {
    return sixtyFourT1();
  }

  /** Timer D: wait time for response retransmits, more than 32 s unreliable, 0 reliable. */
  public Duration timerD(boolean reliable) {
    if (reliable) {
      return Duration.ZERO;
    }
    Duration d = sixtyFourT1();
    return d.compareTo(THIRTY_TWO_SECONDS) > 0 ? d : THIRTY_TWO_SECONDS;
  }

  /** Timer E initial interval (non-INVITE request retransmit, unreliable only): T1. */
  public Duration timerE() {
    return t1;
  }

  /** Timer F: non-INVITE transaction timeout, 64*T1. */
  public Duration timerF() {
    return sixtyFourT1();
  }

  /** Timer G initial interval (INVITE final response retransmit, unreliable only): T1. */
  public Duration timerG() {
    return t1;
  }

  /** Timer H: wait time for ACK receipt, 64*T1. */
  public Duration timerH() {
    return sixtyFourT1();
  }

  /** Timer I: wait time for ACK retransmits, T4 unreliable, 0 reliable. */
  public Duration timerI(boolean reliable) {
    return reliable ? Duration.ZERO : t4;
  }

  /** Timer J: wait time for non-INVITE request retransmits, 64*T1 unreliable, 0 reliable. */
  public Duration timerJ(boolean reliable) {
    return reliable ? Duration.ZERO : sixtyFourT1();
  }

  /** Timer K: wait time for non-INVITE response retransmits, T4 unreliable, 0 reliable. */
  public Duration timerK(boolean reliable) {
    return reliable ? Duration.ZERO : t4;
  }

  /** Doubles a retransmit interval, capped at T2 (timers E and G; timer A doubles without cap). */
  Duration doubledCappedAtT2(Duration interval) {
    Duration doubled = Duration.ofNanos(interval.toNanos() * 2);
    return doubled.compareTo(t2) > 0 ? t2 : doubled;
  }
}
