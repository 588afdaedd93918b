package ai.oneinbox.edge.sip.proxy;

import java.io.Flushable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call log: one line per call (Call-ID, number, decision, trace, attempts, final status), written at INFO
 * to the logger {@code ai.oneinbox.edge.sip.calls}, off the SIP threads.
 *
 * <p>An I/O thread only builds the line and adds it to a lock-free queue; a daemon thread drains the queue
 * every {@code period} (20 ms) and hands the lines to the logger in order. Nothing on the hot path wakes
 * another thread: a logging framework's asynchronous appender signals its worker for each event, which on
 * this project's machine cost more CPU per call than writing the line itself (docs/PERFORMANCE.md). A line
 * therefore reaches the log up to one period after the call's final answer. What buffers the lines on their
 * way out ({@link CallLogAppender}) is flushed at the end of every drain, so a drain's lines leave together.
 *
 * <p>Bounded: past {@code capacity} waiting lines new ones are dropped and counted, and the next drain
 * says how many were lost (a log must never hold the proxy back). {@link #flush()} writes what is waiting
 * (the node stopping calls it); {@link #close()} stops the thread after a last drain.
 */
public final class CallLog implements AutoCloseable {
  static final Logger CALLS = LoggerFactory.getLogger("ai.oneinbox.edge.sip.calls");
  private static final Logger LOG = LoggerFactory.getLogger(CallLog.class);

  private static final int CAPACITY = 65_536;
  private static final Duration PERIOD = Duration.ofMillis(20);
  private static volatile CallLog shared;
  private static final List<Flushable> FLUSH_AFTER_BATCH = new CopyOnWriteArrayList<>();

  private final Consumer<String> sink;
  private final int capacity;
  private final long periodNanos;
  private final Queue<String> lines = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final Object drainLock = new Object();
  private final Thread writer;
  private volatile boolean closed;
  private long lastReportedDrops; // guarded by drainLock

  /** A call log handing its lines to {@code sink} from its own daemon thread every {@code period}. */
  public CallLog(Consumer<String> sink, int capacity, Duration period) {
    if (capacity < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("capacity must be >= 1 and period > 0");
    }
    this.sink = sink;
    this.capacity = capacity;
    this.periodNanos = period.toNanos();
    this.writer = new Thread(this::run, "sip-call-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** The node's call log, to {@code ai.oneinbox.edge.sip.calls} at INFO (made on first use). */
  public static CallLog shared() {
    CallLog log = shared;
    if (log == null) {
      synchronized (CallLog.class) {
        log = shared;
        if (log == null) {
          log = new CallLog(CALLS::info, CAPACITY, PERIOD);
          shared = log;
        }
      }
    }
    return log;
  }

  /** Writes what the node's call log holds, if it was ever made (the node stopping). */
  public static void flushShared() {
    CallLog log = shared;
    if (log != null) {
      log.flush();
    }
  }

  /**
   * Has {@code out} flushed after every drain of any call log, until {@link #stopFlushing}: an appender that
   * buffers the call lines (to write a drain's lines at once) registers itself when it starts.
   */
  public static void flushAfterEachBatch(Flushable out) {
    FLUSH_AFTER_BATCH.add(out);
  }

  /** Undoes {@link #flushAfterEachBatch} (the appender stopping). */
  public static void stopFlushing(Flushable out) {
    FLUSH_AFTER_BATCH.remove(out);
  }

  /** Whether call lines are wanted at all (the logger's level): callers skip building them otherwise. */
  public static boolean enabled() {
    return CALLS.isInfoEnabled();
  }

  /** Queues one line; never blocks. False when the log is full (the line is counted as dropped) or closed. */
  public boolean add(String line) {
    if (closed) {
      return false;
    }
    if (waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
      return false;
    }
    lines.add(line);
    return true;
  }

  /** Writes every waiting line now, on the caller's thread (in order with the writer's own drains). */
  public void flush() {
    drain();
  }

  /** Lines dropped because the log was full, since it was made. */
  public long dropped() {
    return dropped.get();
  }

  private void run() {
    while (!closed) {
      LockSupport.parkNanos(this, periodNanos);
      drain();
    }
  }

  private void drain() {
    synchronized (drainLock) {
      long lost = dropped.get();
      String line;
      while ((line = lines.poll()) != null) {
        waiting.decrementAndGet();
        try {
          sink.accept(line);
        } catch (RuntimeException e) {
          LOG.warn("call log line could not be written: {}", e.toString());
        }
      }
      for (Flushable out : FLUSH_AFTER_BATCH) {
        try {
          out.flush();
        } catch (IOException | RuntimeException e) {
          LOG.warn("call log lines could not be flushed: {}", e.toString());
        }
      }
      long reported = lastReportedDrops;
      if (lost > reported) {
        lastReportedDrops = lost;
        LOG.warn("call log full: {} line(s) dropped ({} in all)", lost - reported, lost);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drain();
  }
}
