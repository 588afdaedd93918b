package ai.oneinbox.edge.sip.proxy;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The call log's console appender: it writes each batch of call lines that {@link CallLog}'s thread hands
 * to the logger with as few {@code write(2)} calls as it can, where logback's {@code ConsoleAppender} makes
 * one per line ({@code System.out} flushes on every write). At 1,000 calls/s that was 20 system calls per
 * drain of the call log and 40 % of its thread's CPU (docs/PERFORMANCE.md, "Seventh look").
 *
 * <p>Lines gather in a buffer of {@value #BATCH_BYTES} octets ({@code PIPE_BUF} on Linux) and leave whole:
 * every write is a run of complete lines of at most that size, so when stdout is a pipe shared with the
 * node's other log lines (the console appender of the root logger) the kernel never interleaves a line of
 * one with the other. A single line longer than that is written on its own. The buffer is flushed after
 * every drain of the call log ({@link CallLog#flushAfterEachBatch}), so a line reaches the console in the
 * same drain that took it, as it did line by line; and when the appender stops.
 *
 * <p>Configured in logback.xml like a console appender ({@code <target>System.err</target>} is the only
 * option besides the encoder); it never closes the process's stdout.
 */
public class CallLogAppender<E> extends OutputStreamAppender<E> implements Flushable {
  /** What the kernel writes to a pipe in one piece (PIPE_BUF); a batch never exceeds it. */
  static final int BATCH_BYTES = 4096;

  private String target = "System.out";
  private OutputStream console; // null: the process's stdout or stderr, per target

  /** {@code System.out} (default) or {@code System.err}. */
  public void setTarget(String target) {
    this.target = target;
  }

  /** The stream the batches go to instead of the process's stdout (tests). */
  void setConsole(OutputStream console) {
    this.console = console;
  }

  @Override
  public void start() {
    OutputStream out = console;
    if (out == null) {
      if ("System.out".equals(target)) {
        out = new FileOutputStream(FileDescriptor.out);
      } else if ("System.err".equals(target)) {
        out = new FileOutputStream(FileDescriptor.err);
      } else {
        addError("target must be System.out or System.err, not [" + target + "]");
        return;
      }
    }
    setOutputStream(new LineBatches(out, BATCH_BYTES));
    setImmediateFlush(false);
    super.start();
    if (isStarted()) {
      CallLog.flushAfterEachBatch(this);
    }
  }

  @Override
  public void stop() {
    CallLog.stopFlushing(this);
    flush();
    super.stop();
  }

  /** Writes what the buffer holds (the end of a call-log drain). */
  @Override
  public void flush() {
    if (getOutputStream() == null) {
      return;
    }
    streamWriteLock.lock();
    try {
      getOutputStream().flush();
    } catch (IOException e) {
      addError("could not write the call log's lines", e);
    } finally {
      streamWriteLock.unlock();
    }
  }

  /**
   * Whole writes of the appender (one per log event, as {@code OutputStreamAppender} writes an event's
   * octets in one call) gathered into batches of at most {@code capacity} octets. Not thread-safe: the
   * appender writes and flushes under its stream lock.
   */
  static final class LineBatches extends OutputStream {
    private final OutputStream out;
    private final byte[] buf;
    private int count;

    LineBatches(OutputStream out, int capacity) {
      this.out = out;
      this.buf = new byte[capacity];
    }

    @Override
    public void write(int b) throws IOException {
      if (count == buf.length) {
        drain();
      }
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > buf.length - count) {
        drain();
      }
      if (len >= buf.length) {
        out.write(b, off, len); // a line longer than a batch goes alone
        return;
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      drain();
      out.flush();
    }

    /** Flushes only: the stream underneath is the process's stdout, which outlives any appender. */
    @Override
    public void close() throws IOException {
      flush();
    }

    private void drain() throws IOException {
      if (count > 0) {
        int n = count;
        count = 0; // a failed write loses this batch, not every later one
        out.write(buf, 0, n);
      }
    }
  }
}
