package ai.oneinbox.edge.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallLogAppenderTest {

  /** Every write(2) the appender would make, as the octets of each call. */
  private static final class Writes extends OutputStream {
    final List<String> writes = new ArrayList<>();
    boolean closed;

    @Override
    public void write(int b) {
      writes.add(String.valueOf((char) b));
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(new String(b, off, len, StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() {
      closed = true;
    }

    String all() {
      return String.join("", writes);
    }
  }

  @Test
  void linesLeaveInWholeBatchesNoLargerThanTheCapacity() throws IOException {
    Writes out = new Writes();
    CallLogAppender.LineBatches batches = new CallLogAppender.LineBatches(out, 64);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      String line = "call " + i + " status=200 xxxxxxxx\n"; // 26 octets: two fit in a batch, three do not
      batches.write(line.getBytes(StandardCharsets.ISO_8859_1));
      expected.append(line);
    }
    assertEquals(4, out.writes.size(), "8 lines left as 4 batches of two; 2 are waiting: " + out.writes);
    batches.flush();
    assertEquals(5, out.writes.size());
    assertEquals(expected.toString(), out.all());
    for (String w : out.writes) {
      assertTrue(w.length() <= 64 && w.endsWith("\n"), "a batch is whole lines within the capacity: " + w);
    }
  }

  @Test
  void aLineLongerThanABatchGoesAloneAfterWhatWasWaiting() throws IOException {
    Writes out = new Writes();
    CallLogAppender.LineBatches batches = new CallLogAppender.LineBatches(out, 16);
    batches.write("short\n".getBytes(StandardCharsets.ISO_8859_1));
    String longLine = "x".repeat(40) + "\n";
    batches.write(longLine.getBytes(StandardCharsets.ISO_8859_1));
    batches.write("after\n".getBytes(StandardCharsets.ISO_8859_1));
    batches.flush();
    assertEquals(List.of("short\n", longLine, "after\n"), out.writes);
  }

  @Test
  void closingFlushesAndLeavesTheConsoleOpen() throws IOException {
    Writes out = new Writes();
    CallLogAppender.LineBatches batches = new CallLogAppender.LineBatches(out, 64);
    batches.write("last\n".getBytes(StandardCharsets.ISO_8859_1));
    batches.close();
    assertEquals(List.of("last\n"), out.writes);
    assertFalse(out.closed, "the process's stdout outlives the appender");
    batches.flush();
    assertEquals(1, out.writes.size(), "nothing written twice");
  }

  @Test
  void aDrainOfTheCallLogLeavesInOneWriteWhereItUsedToTakeOnePerLine() {
    Writes console = new Writes();
    LoggerContext context = context();
    CallLogAppender<ILoggingEvent> appender = start(context, console);
    Logger calls = callsLogger(context, appender);
    try (CallLog log = new CallLog(calls::info, 1_000, Duration.ofHours(1))) { // only flush() drains
      for (int i = 0; i < 20; i++) {
        assertTrue(log.add("call " + i + " number=+14155550100 decision=primary status=200"));
      }
      assertTrue(console.writes.isEmpty(), "nothing before the drain");
      log.flush();
      assertEquals(1, console.writes.size(), "20 lines of ~60 octets, one write: " + console.writes);
      String[] lines = console.all().split("\n");
      assertEquals(20, lines.length);
      for (int i = 0; i < 20; i++) {
        assertEquals("INFO call " + i + " number=+14155550100 decision=primary status=200", lines[i]);
      }
    } finally {
      appender.stop();
      context.stop();
    }
  }

  @Test
  void aLineLoggedOutsideADrainLeavesWithTheNextDrainOrWhenTheAppenderStops() {
    Writes console = new Writes();
    LoggerContext context = context();
    CallLogAppender<ILoggingEvent> appender = start(context, console);
    Logger calls = callsLogger(context, appender);
    try (CallLog log = new CallLog(line -> { }, 10, Duration.ofHours(1))) {
      calls.info("logged directly");
      assertTrue(console.writes.isEmpty());
      log.flush(); // any call log's drain flushes the registered appenders
      assertEquals(List.of("INFO logged directly\n"), console.writes);
      calls.info("at the end");
      appender.stop();
      assertEquals(List.of("INFO logged directly\n", "INFO at the end\n"), console.writes);
      log.flush();
      assertEquals(2, console.writes.size(), "a stopped appender is no longer flushed");
    } finally {
      context.stop();
    }
  }

  @Test
  void anUnknownTargetIsAConfigurationErrorAndTheAppenderStaysStopped() {
    LoggerContext context = context();
    CallLogAppender<ILoggingEvent> appender = new CallLogAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder(context));
    appender.setTarget("System.in");
    appender.start();
    assertFalse(appender.isStarted());
    assertTrue(context.getStatusManager().getCopyOfStatusList().stream()
        .anyMatch(s -> s.getMessage().contains("System.out or System.err")));
    context.stop();
  }

  @Test
  void theTargetsAreTheProcesssConsole() {
    for (String target : List.of("System.out", "System.err")) {
      LoggerContext context = context();
      CallLogAppender<ILoggingEvent> appender = new CallLogAppender<>();
      appender.setContext(context);
      appender.setEncoder(encoder(context));
      appender.setTarget(target);
      appender.start();
      assertTrue(appender.isStarted(), target);
      appender.stop();
      context.stop();
    }
    System.out.println("stdout still open after the appender stopped");
    assertFalse(System.out.checkError());
  }

  /** A context of its own, as the SLF4J binding would make it (with its MDC adapter), not the tests' one. */
  private static LoggerContext context() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    return context;
  }

  private static CallLogAppender<ILoggingEvent> start(LoggerContext context, OutputStream console) {
    CallLogAppender<ILoggingEvent> appender = new CallLogAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder(context));
    appender.setConsole(console);
    appender.start();
    assertTrue(appender.isStarted());
    return appender;
  }

  /** The call log's logger in {@code context}, writing to {@code appender}. */
  private static Logger callsLogger(LoggerContext context, CallLogAppender<ILoggingEvent> appender) {
    Logger calls = context.getLogger("ai.oneinbox.edge.sip.calls");
    calls.addAppender(appender);
    return calls;
  }

  private static PatternLayoutEncoder encoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%level %msg%n");
    encoder.start();
    return encoder;
  }
}
