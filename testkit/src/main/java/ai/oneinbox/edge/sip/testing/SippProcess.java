package ai.oneinbox.edge.sip.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** One running {@code sipp}; {@link #close()} always ends it (SIGTERM, then SIGKILL after a bound). */
public final class SippProcess implements AutoCloseable {

  static final String STAT_FILE = "stat.csv";
  static final String LOG_FILE = "logs.log";
  static final String ERROR_FILE = "errors.log";
  static final String MESSAGE_FILE = "messages.log";
  static final String OUTPUT_FILE = "output.txt";

  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final String name;
  private final Process process;
  private final Path workDir;
  private final InetSocketAddress local;
  private final Sipp.Transport transport;
  private final Duration lifetime;

  SippProcess(String name, Process process, Path workDir, InetSocketAddress local, Sipp.Transport transport,
      Duration lifetime) {
    this.name = name;
    this.process = process;
    this.workDir = workDir;
    this.local = local;
    this.transport = transport;
    this.lifetime = lifetime;
  }

  /** The address SIPp is bound to (where a server takes calls). */
  public InetSocketAddress address() {
    return local;
  }

  public long pid() {
    return process.pid();
  }

  public Path workDir() {
    return workDir;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until the process has bound its port (read from {@code /proc/net}), or fails with its output. */
  void awaitListening(Duration bound) {
    Awaiting.until(() -> isListening() || !process.isAlive(), bound,
        () -> name + " did not bind " + local + " (" + transport + ")\n" + output());
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening\n" + output());
    }
  }

  private boolean isListening() {
    String hexPort = String.format(Locale.ROOT, "%04X", local.getPort());
    Path table = Path.of(transport == Sipp.Transport.UDP ? "/proc/net/udp" : "/proc/net/tcp");
    try {
      for (String line : Files.readAllLines(table, StandardCharsets.US_ASCII)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st ...: a bound UDP socket, or a TCP socket in LISTEN (0A)
        if (f.length > 3 && f[1].endsWith(":" + hexPort)
            && (transport == Sipp.Transport.UDP || f[3].equals("0A"))) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for a client to finish its calls and exit; fails (and ends the process) if it runs past {@code bound}. */
  public SippResult awaitExit(Duration bound) {
    try {
      if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
        stop();
        throw new AssertionError(name + " did not exit within " + bound + "\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
    return result();
  }

  /**
   * Waits until a server has finished (successfully or not) at least {@code count} calls, as its statistics
   * file (dumped every second) says, then returns what it counted so far.
   */
  public SippStats awaitCalls(long count, Duration bound) {
    Awaiting.until(() -> {
      SippStats s = stats();
      return s.successfulCalls() + s.failedCalls() >= count || !process.isAlive();
    }, bound, () -> name + " did not finish " + count + " calls within " + bound + ": " + stats() + "\n" + output());
    return stats();
  }

  /** Waits until the scenario has logged a line containing {@code text} (its {@code <log>} actions). */
  public String awaitLogLine(String text, Duration bound) {
    Awaiting.until(() -> logLines().stream().anyMatch(l -> l.contains(text)) || !process.isAlive(), bound,
        () -> name + " logged no line with '" + text + "' within " + bound + ": " + logLines() + "\n" + output());
    return logLines().stream().filter(l -> l.contains(text)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " exited before logging '" + text + "'\n" + output()));
  }

  /** The statistics as last dumped (every second while running, and at exit). */
  public SippStats stats() {
    return SippStats.read(workDir.resolve(STAT_FILE));
  }

  /** Ends the process (SIGTERM: SIPp dumps its final statistics) and returns its result. */
  public SippResult stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    return result();
  }

  private SippResult result() {
    int exit = process.isAlive() ? -1 : process.exitValue();
    return new SippResult(name, exit, stats(), ResponseTimes.read(rttFiles()), lines(LOG_FILE), workDir);
  }

  /** Lines SIPp wrote for the scenario's {@code <log>} actions. */
  public List<String> logLines() {
    return lines(LOG_FILE);
  }

  /** SIPp's screen output and errors (for failure messages). */
  public String output() {
    StringBuilder sb = new StringBuilder();
    sb.append("--- sipp ").append(name).append(" in ").append(workDir).append('\n');
    for (String f : List.of(OUTPUT_FILE, ERROR_FILE)) {
      List<String> l = lines(f);
      int from = Math.max(0, l.size() - 60);
      l.subList(from, l.size()).forEach(x -> sb.append(x).append('\n'));
    }
    return sb.toString();
  }

  private List<String> lines(String file) {
    Path p = workDir.resolve(file);
    try {
      return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.ISO_8859_1) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Path> rttFiles() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(workDir, "*_rtt.csv")) {
      ds.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Ends the process if it still runs; never throws for a process that already ended. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "sipp " + name + " pid " + process.pid() + " on " + local + " " + transport + " (bounded to " + lifetime + ")";
  }
}
