package ai.oneinbox.edge.sip.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch scheduled = new CountDownLatch(1);
    Thread holder = new Thread(() -> scheduler.execute(() -> {
      inTask.set(true);
      holding.countDown();
      // hold the lock until the timer (started by another thread) is due, so it has to wait for us
      try {
        scheduled.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      inTask.set(false);
    }));
    holder.start();
    assertTrue(holding.await(5, TimeUnit.SECONDS));
    scheduler.schedule(Duration.ofMillis(1), () -> {
      overlapped.set(inTask.get());
      fired.countDown();
    });
    scheduled.countDown();
    assertTrue(fired.await(5, TimeUnit.SECONDS));
    holder.join();
    assertFalse(overlapped.get(), "the timer ran while the task held the lock");
  }

  @Test
  void aTimerStartedAndCancelledInOneTaskNeverReachesTheWheel() {
    AtomicBoolean ran = new AtomicBoolean();
    scheduler.execute(() -> scheduler.schedule(Duration.ofSeconds(32), () -> ran.set(true)).cancel());
    assertEquals(0, timers.pendingTimeouts());
    assertFalse(ran.get());
  }

  @Test
  void aTimerStartedInATaskReachesTheWheelWhenTheTaskReturnsAndFires() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);
    long[] pendingInside = new long[2];
    scheduler.execute(() -> {
      scheduler.schedule(Duration.ofMillis(1), fired::countDown);
      scheduler.execute(() -> scheduler.schedule(Duration.ofSeconds(32), () -> { })); // nested: the outer return submits
      pendingInside[0] = timers.pendingTimeouts();
    });
    pendingInside[1] = timers.pendingTimeouts();
    assertEquals(0, pendingInside[0], "nothing reaches the wheel while the task runs");
    assertTrue(pendingInside[1] >= 1, "both are submitted when it returns: " + pendingInside[1]);
    assertTrue(fired.await(5, TimeUnit.SECONDS));
  }

  @Test
  void aTimerCancelledAfterTheTaskReturnedIsCancelledOnTheWheel() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    TimerScheduler.Timer[] timer = new TimerScheduler.Timer[1];
    scheduler.execute(() -> timer[0] = scheduler.schedule(Duration.ofMillis(30), () -> ran.set(true)));
    assertEquals(1, timers.pendingTimeouts());
    scheduler.execute(timer[0]::cancel);
    CountDownLatch after = new CountDownLatch(1);
    scheduler.schedule(Duration.ofMillis(60), after::countDown);
    assertTrue(after.await(5, TimeUnit.SECONDS));
    assertFalse(ran.get());
  }

  @Test
  void aTaskThatThrowsStillSubmitsTheTimersItStarted() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);
    RuntimeException thrown = assertThrows(IllegalStateException.class, () -> scheduler.execute(() -> {
      scheduler.schedule(Duration.ofMillis(1), fired::countDown);
      throw new IllegalStateException("boom");
    }));
    assertEquals("boom", thrown.getMessage());
    assertTrue(fired.await(5, TimeUnit.SECONDS));
    CountDownLatch next = new CountDownLatch(1);
    scheduler.execute(() -> scheduler.schedule(Duration.ofMillis(1), next::countDown));
    assertTrue(next.await(5, TimeUnit.SECONDS), "the scheduler is not left believing a task still runs");
  }

  @Test
  void aTimerStartedOutsideATaskGoesToTheWheelAtOnce() {
    scheduler.schedule(Duration.ofSeconds(32), () -> { });
    assertEquals(1, timers.pendingTimeouts());
  }

  @Test
  void aStoppedWheelRefusesTheTimersWhenTheTaskReturns() {
    timers.stop();
    AtomicBoolean ran = new AtomicBoolean();
    assertThrows(IllegalStateException.class,
        () -> scheduler.execute(() -> {
          scheduler.schedule(Duration.ofMillis(1), () -> { });
          ran.set(true);
        }));
    assertTrue(ran.get(), "the task itself ran whole");
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
