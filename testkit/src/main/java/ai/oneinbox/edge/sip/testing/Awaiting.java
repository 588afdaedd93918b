package ai.oneinbox.edge.sip.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling of a condition outside the JVM (a process's socket, a file it writes). */
final class Awaiting {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private Awaiting() {}

  static void until(BooleanSupplier condition, Duration bound, Supplier<String> failure) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(failure.get());
      }
      // the other party is a separate process with no callback to us: look again shortly
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
