package ai.oneinbox.edge.sip.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.HashedWheelTimer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LockingSchedulerTest {
  private final HashedWheelTimer timers = new HashedWheelTimer(1, TimeUnit.MILLISECONDS);
  private final LockingScheduler scheduler = new LockingScheduler(timers);

  @AfterEach
  void stop() {
    timers.stop();
  }

  @Test
  void executeRunsAtOnceOnTheCallersThread() {
    Thread[] ran = new Thread[1];
    scheduler.execute(() -> ran[0] = Thread.currentThread());
    assertEquals(Thread.currentThread(), ran[0]);
  }

  @Test
  void aTimerWaitsForTheLockHeldByATask() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    AtomicBoolean inTask = new AtomicBoolean();
    CountDownLatch scheduled = new CountDownLatch(1);
    scheduler.execute(() -> {
      inTask.set(true);
      scheduler.schedule(Duration.ofMillis(1), () -> {
        overlapped.set(inTask.get());
        fired.countDown();
      });
      scheduled.countDown();
      // hold the lock until the timer is due, so it has to wait for us
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      inTask.set(false);
    });
    assertTrue(scheduled.await(5, TimeUnit.SECONDS));
    assertTrue(fired.await(5, TimeUnit.SECONDS));
    assertFalse(overlapped.get(), "the timer ran while the task held the lock");
  }

  @Test
  void aCancelledTimerDoesNotRun() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    scheduler.schedule(Duration.ofMillis(50), () -> ran.set(true)).cancel();
    CountDownLatch after = new CountDownLatch(1);
    scheduler.schedule(Duration.ofMillis(100), after::countDown);
    assertTrue(after.await(5, TimeUnit.SECONDS));
    assertFalse(ran.get());
  }
}
