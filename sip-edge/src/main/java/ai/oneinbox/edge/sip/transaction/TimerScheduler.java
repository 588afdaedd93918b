package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;

/**
 * Where a transaction's work and its timers run. Every event of one transaction (a message in, a timer
 * firing) is executed through the same scheduler, so a transaction is only ever touched by one thread at a
 * time and needs no lock. Production uses a Netty event loop ({@link EventLoopScheduler}); tests use a
 * virtual clock they advance by hand.
 */
public interface TimerScheduler {

  /** Runs {@code task} on this scheduler's thread (now, when already on it). */
  void execute(Runnable task);

  /** Runs {@code task} once after {@code delay}; the handle cancels it. */
  Timer schedule(Duration delay, Runnable task);

  /** A scheduled task that has not run yet can be cancelled; cancelling after it ran does nothing. */
  interface Timer {
    void cancel();
  }
}
