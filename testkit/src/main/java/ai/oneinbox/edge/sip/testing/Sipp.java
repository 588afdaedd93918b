package ai.oneinbox.edge.sip.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds and starts one real {@code sipp} process (the SIP peer of the end-to-end and load tests).
 *
 * <p>Every process is bound to a loopback address, writes its statistics ({@code -trace_stat}), response
 * times ({@code -trace_rtt}), scenario {@code <log>} lines ({@code -trace_logs}) and unexpected messages
 * ({@code -trace_err}) into its own directory under {@code target/sipp/} (system property
 * {@code sipp.work.dir}), kept for reading after a failure, and is bounded by SIPp's global timeout as well as
 * by the caller's waits; {@link SippProcess#close()} always ends it.
 *
 * <pre>{@code
 * try (SippProcess agent = Sipp.uas("agent_uas.xml").local(agentAddress).set("expect_route", "primary").start();
 *      SippProcess trunk = Sipp.uac("twilio_uac.xml", edgeAddress).injection(rows).calls(1).start()) {
 *   SippResult caller = trunk.awaitExit(Duration.ofSeconds(20));
 *   ...
 * }
 * }</pre>
 *
 * Scenarios are named relative to the testkit's classpath folder {@code sipp/} (= loadtests/scenarios) or
 * given as a path; SIPp's built-in scenarios ({@code uac}, {@code uas}) by {@link #builtinUac} / {@link #builtinUas}.
 */
public final class Sipp {

  /** Transport of the SIPp socket: {@code -t u1} (one UDP socket) or {@code -t t1} (one TCP connection). */
  public enum Transport {
    UDP("u1"),
    TCP("t1");

    private final String mode;

    Transport(String mode) {
      this.mode = mode;
    }
  }

  private static final String MISSING =
      "sipp is not on PATH: install the Debian package sip-tester (bin/test installs it); "
          + "the end-to-end tests need the real SIPp binary and are not skipped without it";

  private final List<String> scenarioArgs;
  private final String name;
  private final Optional<InetSocketAddress> remote;
  private InetSocketAddress local;
  private Transport transport = Transport.UDP;
  private int calls;
  private double rate = 10;
  private int ratePeriodMillis = 1000;
  private int holdMillis;
  private Optional<List<String>> injection = Optional.empty();
  private Optional<Path> injectionFile = Optional.empty();
  private final Map<String, String> keys = new LinkedHashMap<>();
  private final Map<String, String> variables = new LinkedHashMap<>();
  private Duration timeout = Duration.ofSeconds(60);
  private Duration recvTimeout = Duration.ofSeconds(10);
  private boolean traceMessages = true;
  private final List<String> extraArgs = new ArrayList<>();

  private Sipp(List<String> scenarioArgs, String name, Optional<InetSocketAddress> remote) {
    this.scenarioArgs = scenarioArgs;
    this.name = name;
    this.remote = remote;
  }

  /** A client run of {@code scenario} (a file of loadtests/scenarios, or a path) against {@code target}. */
  public static Sipp uac(String scenario, InetSocketAddress target) {
    Path file = scenarioFile(scenario);
    return new Sipp(List.of("-sf", file.toString()), stem(file), Optional.of(target));
  }

  /**
   * A server run of {@code scenario}. It answers OPTIONS by itself ({@code -aa}: the edge's health probes do
   * not count as calls) and runs until stopped, since probes would eat into a call limit; wait for its calls
   * with {@link SippProcess#awaitCalls}.
   */
  public static Sipp uas(String scenario) {
    Path file = scenarioFile(scenario);
    return new Sipp(List.of("-sf", file.toString(), "-aa"), stem(file), Optional.empty());
  }

  /** SIPp's built-in {@code uac} scenario against {@code target}. */
  public static Sipp builtinUac(InetSocketAddress target) {
    return new Sipp(List.of("-sn", "uac"), "uac", Optional.of(target));
  }

  /** SIPp's built-in {@code uas} scenario. */
  public static Sipp builtinUas() {
    return new Sipp(List.of("-sn", "uas"), "uas", Optional.empty());
  }

  /** Local address to bind (loopback only). Default: 127.0.0.1 and a free port. */
  public Sipp local(InetSocketAddress address) {
    if (!address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("SIPp runs on loopback only, not " + address);
    }
    this.local = address;
    return this;
  }

  public Sipp transport(Transport value) {
    this.transport = Objects.requireNonNull(value);
    return this;
  }

  /** Calls to place ({@code -m}); a client needs it, a server normally runs without it. */
  public Sipp calls(int count) {
    if (count <= 0) {
      throw new IllegalArgumentException("calls must be positive: " + count);
    }
    this.calls = count;
    return this;
  }

  /** New calls per second ({@code -r}, {@code -rp 1000}). */
  public Sipp rate(double callsPerSecond) {
    if (!(callsPerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive: " + callsPerSecond);
    }
    this.rate = callsPerSecond;
    this.ratePeriodMillis = 1000;
    return this;
  }

  /** Pause length of the scenario's {@code <pause/>} ({@code -d}), e.g. call hold time or a silent agent's wait. */
  public Sipp holdMillis(int millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("hold must not be negative: " + millis);
    }
    this.holdMillis = millis;
    return this;
  }

  /** Injection rows ({@code -inf}), fields separated by ';'; written with a SEQUENTIAL header line. */
  public Sipp injection(List<String> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("injection needs at least one row");
    }
    this.injection = Optional.of(List.copyOf(rows));
    this.injectionFile = Optional.empty();
    return this;
  }

  /** An existing injection file ({@code -inf}), header line included. */
  public Sipp injectionFile(Path file) {
    this.injectionFile = Optional.of(file);
    this.injection = Optional.empty();
    return this;
  }

  /** A scenario keyword ({@code -key name value}), used as {@code [name]} in messages. */
  public Sipp key(String keyword, String value) {
    keys.put(keyword, value);
    return this;
  }

  /** A scenario global variable ({@code -set name value}), e.g. the value a UAS expects in a header. */
  public Sipp set(String variable, String value) {
    variables.put(variable, value);
    return this;
  }

  /** SIPp's own bound ({@code -timeout ... -timeout_error}); the process ends by itself after it. */
  public Sipp timeout(Duration value) {
    this.timeout = value;
    return this;
  }

  /** How long a scenario waits for an expected message before the call fails ({@code -recv_timeout}). */
  public Sipp recvTimeout(Duration value) {
    this.recvTimeout = value;
    return this;
  }

  /** Log every message sent and received ({@code -trace_msg}); on by default, off for load runs. */
  public Sipp traceMessages(boolean on) {
    this.traceMessages = on;
    return this;
  }

  /** Any other SIPp argument, verbatim. */
  public Sipp arg(String... args) {
    extraArgs.addAll(List.of(args));
    return this;
  }

  /** The command line this builder would run (before {@link #start()} fills in the files). */
  List<String> command(Path workDir) {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable().toString());
    remote.ifPresent(r -> cmd.add(r.getAddress().getHostAddress() + ":" + r.getPort()));
    cmd.addAll(scenarioArgs);
    InetSocketAddress bind = local;
    cmd.addAll(List.of("-i", bind.getAddress().getHostAddress(), "-p", Integer.toString(bind.getPort()), "-bind_local"));
    cmd.addAll(List.of("-mi", bind.getAddress().getHostAddress(), "-ci", "127.0.0.1"));
    cmd.addAll(List.of("-t", transport.mode, "-nostdin"));
    if (calls > 0) {
      cmd.addAll(List.of("-m", Integer.toString(calls)));
    }
    if (remote.isPresent()) {
      cmd.addAll(List.of("-r", formatRate(rate), "-rp", Integer.toString(ratePeriodMillis)));
    }
    cmd.addAll(List.of("-d", Integer.toString(holdMillis)));
    cmd.addAll(List.of("-timeout", Math.max(1, timeout.toSeconds()) + "s", "-timeout_error"));
    cmd.addAll(List.of("-recv_timeout", Long.toString(recvTimeout.toMillis())));
    cmd.addAll(List.of("-trace_stat", "-stf", workDir.resolve(SippProcess.STAT_FILE).toString(), "-fd", "1"));
    cmd.addAll(List.of("-trace_rtt", "-rtt_freq", "1"));
    cmd.addAll(List.of("-trace_logs", "-log_file", workDir.resolve(SippProcess.LOG_FILE).toString()));
    cmd.addAll(List.of("-trace_err", "-error_file", workDir.resolve(SippProcess.ERROR_FILE).toString()));
    if (traceMessages) {
      cmd.addAll(List.of("-trace_msg", "-message_file", workDir.resolve(SippProcess.MESSAGE_FILE).toString()));
    }
    injectionFile.ifPresent(f -> cmd.addAll(List.of("-inf", f.toString())));
    injection.ifPresent(rows -> cmd.addAll(List.of("-inf", workDir.resolve("injection.csv").toString())));
    keys.forEach((k, v) -> cmd.addAll(List.of("-key", k, v)));
    variables.forEach((k, v) -> cmd.addAll(List.of("-set", k, v)));
    cmd.addAll(extraArgs);
    return cmd;
  }

  /** Starts SIPp; a server is returned once its socket is bound, so a client may start right after. */
  public SippProcess start() {
    if (remote.isPresent() && calls == 0) {
      throw new IllegalStateException("a SIPp client needs a call count (calls(n)) so that it ends by itself");
    }
    if (local == null) {
      local = new InetSocketAddress(FreePorts.LOOPBACK, FreePorts.next());
    }
    try {
      Path base = Path.of(System.getProperty("sipp.work.dir", "target/sipp"));
      Files.createDirectories(base);
      Path workDir = Files.createTempDirectory(base, name + "-").toAbsolutePath();
      if (injection.isPresent()) {
        List<String> lines = new ArrayList<>();
        lines.add("SEQUENTIAL");
        lines.addAll(injection.get());
        Files.write(workDir.resolve("injection.csv"), lines, StandardCharsets.ISO_8859_1);
      }
      List<String> cmd = command(workDir);
      Files.write(workDir.resolve("command.txt"), List.of(String.join(" ", cmd)), StandardCharsets.UTF_8);
      Process process = new ProcessBuilder(cmd)
          .directory(workDir.toFile())
          .redirectOutput(workDir.resolve(SippProcess.OUTPUT_FILE).toFile())
          .redirectErrorStream(true)
          .start();
      SippProcess started = new SippProcess(name, process, workDir, local, transport, timeout.plusSeconds(10));
      if (remote.isEmpty()) {
        started.awaitListening(Duration.ofSeconds(10));
      }
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start sipp " + name, e);
    }
  }

  /** The {@code sipp} binary on PATH, or a failure that says how to get it. */
  public static Path executable() {
    return executable(Optional.ofNullable(System.getenv("PATH")).orElse(""));
  }

  static Path executable(String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "sipp");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(MISSING);
  }

  /** A scenario file: a path that exists, or a name of loadtests/scenarios (classpath folder {@code sipp/}). */
  public static Path scenarioFile(String scenario) {
    Path direct = Path.of(scenario);
    if (direct.isAbsolute() && Files.isRegularFile(direct)) {
      return direct;
    }
    URL url = Sipp.class.getResource("/sipp/" + scenario);
    if (url == null) {
      throw new IllegalArgumentException("no SIPp scenario sipp/" + scenario + " (loadtests/scenarios) on the classpath");
    }
    if ("file".equals(url.getProtocol())) {
      try {
        return Path.of(url.toURI());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("bad scenario location " + url, e);
      }
    }
    return extracted(scenario, url);
  }

  /**
   * SIPp reads files: a scenario inside the testkit jar (a reactor build resolves it as a jar) is copied
   * once per JVM into a temporary folder, under its own name.
   */
  private static Path extracted(String scenario, URL url) {
    return EXTRACTED.computeIfAbsent(scenario, name -> {
      try {
        Path file = extractedRoot().resolve(name).normalize();
        Files.createDirectories(file.getParent());
        try (InputStream in = url.openStream()) {
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
      } catch (IOException e) {
        throw new UncheckedIOException("could not extract SIPp scenario " + url, e);
      }
    });
  }

  private static synchronized Path extractedRoot() throws IOException {
    if (extractedRoot == null) {
      extractedRoot = Files.createTempDirectory("oneinbox-sipp-scenarios");
      extractedRoot.toFile().deleteOnExit();
    }
    return extractedRoot;
  }

  private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();
  private static Path extractedRoot;

  private static String stem(Path file) {
    String f = file.getFileName().toString();
    int dot = f.lastIndexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }

  private static String formatRate(double r) {
    return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
  }
}
