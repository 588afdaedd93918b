package ai.oneinbox.edge.sip.transaction;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A {@link TimerScheduler} on one Netty event executor: tasks and timers of a transaction share its thread. */
public final class EventLoopScheduler implements TimerScheduler {
  private final EventExecutor executor;

  public EventLoopScheduler(EventExecutor executor) {
    this.executor = executor;
  }

  @Override
  public void execute(Runnable task) {
    if (executor.inEventLoop()) {
      task.run();
    } else {
      executor.execute(task);
    }
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }
}
