package ai.oneinbox.edge.sip.transaction;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TimerScheduler} that serialises by a lock instead of by a thread: {@link #execute} runs the
 * task at once on the caller's thread (a transport's I/O loop) while holding this scheduler's lock, and
 * timers fire on a Netty {@link io.netty.util.HashedWheelTimer} under the same lock. A message therefore
 * needs no hand-off to another thread, and starting or cancelling a timer is a queue offer, not a wake-up
 * of another thread; everything of one shard still runs one at a time.
 *
 * <p>The wheel's tick (10 ms in {@code SipEdge}) is the timers' resolution: ample for RFC 3261 timers, whose
 * smallest value is T1 = 500 ms.
 *
 * <p>Tasks must not block and must not wait for another scheduler's lock (the proxy never does: a shard
 * only ever touches its own transactions), so there is no lock ordering to get wrong.
 */
public final class LockingScheduler implements TimerScheduler {
  private final io.netty.util.Timer wheel;
  private final Object lock = new Object();

  public LockingScheduler(io.netty.util.Timer wheel) {
    this.wheel = wheel;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (lock) {
      task.run();
    }
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Scheduled scheduled = new Scheduled(task);
    scheduled.timeout = wheel.newTimeout(scheduled, delay.toNanos(), TimeUnit.NANOSECONDS);
    return scheduled;
  }

  /**
   * The wheel's task and the caller's handle in one object: thousands of calls a second each leave several
   * timers pending for up to 32 s, so what a pending timer costs in objects is what the collector copies.
   */
  private final class Scheduled implements TimerTask, Timer {
    private final Runnable task;
    private Timeout timeout;

    Scheduled(Runnable task) {
      this.task = task;
    }

    @Override
    public void run(Timeout t) {
      execute(task);
    }

    @Override
    public void cancel() {
      timeout.cancel();
    }
  }
}
