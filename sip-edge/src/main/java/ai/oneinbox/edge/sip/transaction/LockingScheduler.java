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
 * <p>A timer started inside {@link #execute} reaches the wheel when that task returns, and not at all if the
 * task cancelled it by then. A call's last event starts the timers its transactions wait out (L, M, J, K)
 * and, in the same task, hands their duty to lingering records and cancels them (ADR 0006): those never
 * cost the wheel a timeout, two queue offers and its thread's work. The delay counts from the submission,
 * a few microseconds after the start; the wheel's tick is coarser by far.
 *
 * <p>The wheel's tick (20 ms in {@code SipEdge}) is the timers' resolution: ample for RFC 3261 timers, whose
 * smallest value is T1 = 500 ms.
 *
 * <p>Tasks must not block and must not wait for another scheduler's lock (the proxy never does: a shard
 * only ever touches its own transactions), so there is no lock ordering to get wrong.
 */
public final class LockingScheduler implements TimerScheduler {
  private final io.netty.util.Timer wheel;
  private final Object lock = new Object();
  /** The thread inside {@link #execute}, or null; written under the lock, by that thread only. */
  private Thread owner;
  private int depth; // nested execute calls of the owner
  /** Timers started by the running task, oldest first, to submit when it returns (guarded by lock). */
  private Scheduled pendingHead;
  private Scheduled pendingTail;

  public LockingScheduler(io.netty.util.Timer wheel) {
    this.wheel = wheel;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (lock) {
      owner = Thread.currentThread();
      depth++;
      try {
        task.run();
      } finally {
        if (--depth == 0) {
          owner = null;
          submitPending();
        }
      }
    }
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    Scheduled scheduled = new Scheduled(task, delay.toNanos());
    // only the owner can read itself here: another thread sees null or a different thread
    if (owner == Thread.currentThread()) {
      if (pendingTail == null) {
        pendingHead = scheduled;
      } else {
        pendingTail.nextPending = scheduled;
      }
      pendingTail = scheduled;
    } else {
      scheduled.submit();
    }
    return scheduled;
  }

  /** Hands the finished task's timers to the wheel; a stopped wheel refuses each, and the first refusal is thrown. */
  private void submitPending() {
    Scheduled s = pendingHead;
    pendingHead = null;
    pendingTail = null;
    RuntimeException refused = null;
    while (s != null) {
      Scheduled next = s.nextPending;
      s.nextPending = null;
      if (!s.cancelled) {
        try {
          s.submit();
        } catch (RuntimeException e) {
          refused = refused == null ? e : refused;
        }
      }
      s = next;
    }
    if (refused != null) {
      throw refused;
    }
  }

  /**
   * The wheel's task and the caller's handle in one object: thousands of calls a second each leave several
   * timers pending for up to 32 s, so what a pending timer costs in objects is what the collector copies.
   */
  private final class Scheduled implements TimerTask, Timer {
    private final Runnable task;
    private final long delayNanos;
    private Timeout timeout; // null until submitted
    private boolean cancelled;
    private Scheduled nextPending;

    Scheduled(Runnable task, long delayNanos) {
      this.task = task;
      this.delayNanos = delayNanos;
    }

    void submit() {
      timeout = wheel.newTimeout(this, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run(Timeout t) {
      execute(task);
    }

    @Override
    public void cancel() {
      cancelled = true;
      Timeout t = timeout;
      if (t != null) {
        t.cancel();
      }
    }
  }
}
