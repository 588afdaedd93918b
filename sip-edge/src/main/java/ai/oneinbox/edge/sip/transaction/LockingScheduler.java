package ai.oneinbox.edge.sip.transaction;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TimerScheduler} that serialises by a lock instead of by a thread: {@link #execute} runs the
 * task at once on the caller's thread (a transport's I/O loop) while holding this scheduler's lock, and
 * timers run on {@code timerExecutor} under the same lock. A message therefore needs no hand-off to
 * another thread (no queue, no wake-up), yet everything of one shard still runs one at a time.
 *
 * <p>Tasks must not block and must not wait for another scheduler's lock (the proxy never does: a shard
 * only ever touches its own transactions), so there is no lock ordering to get wrong.
 */
public final class LockingScheduler implements TimerScheduler {
  private final EventExecutor timerExecutor;
  private final Object lock = new Object();

  public LockingScheduler(EventExecutor timerExecutor) {
    this.timerExecutor = timerExecutor;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (lock) {
      task.run();
    }
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> future = timerExecutor.schedule(() -> execute(task), delay.toNanos(),
        TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }
}
