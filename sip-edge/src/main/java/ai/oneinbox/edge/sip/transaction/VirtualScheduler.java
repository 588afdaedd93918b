package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link TimerScheduler} in virtual time, for tests and the proxy's warm-up: {@link #advance} runs every timer due by then, in
 * deadline order (ties in scheduling order). {@link #execute} runs the task at once.
 */
public final class VirtualScheduler implements TimerScheduler {
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long nowNanos;
  private long sequence;

  private final class Entry implements Comparable<Entry>, Timer {
    final long due;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Entry(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public void cancel() {
      cancelled = true;
      queue.remove(this);
    }
  }

  @Override
  public synchronized void execute(Runnable task) {
    task.run();
  }

  @Override
  public synchronized Timer schedule(Duration delay, Runnable task) {
    Entry e = new Entry(nowNanos + delay.toNanos(), sequence++, task);
    queue.add(e);
    return e;
  }

  /** Moves the clock forward by {@code by}, running what falls due. */
  public synchronized void advance(Duration by) {
    long target = nowNanos + by.toNanos();
    while (!queue.isEmpty() && queue.peek().due <= target) {
      Entry e = queue.poll();
      nowNanos = e.due;
      if (!e.cancelled) {
        e.task.run();
      }
    }
    nowNanos = target;
  }

  public synchronized Duration now() {
    return Duration.ofNanos(nowNanos);
  }

  /** Timers still pending. */
  public synchronized int pending() {
    return queue.size();
  }
}
