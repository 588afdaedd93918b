package ai.oneinbox.edge.sip.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.testing.FreePorts;
import ai.oneinbox.edge.sip.testing.Sipp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load-test runner itself (issue 6), on a short run of both systems in one invocation: 200 calls at
 * 100 calls/s through Kamailio and through the edge (each after 500 warm-up calls: a cold JVM is not what
 * this measures), every call completed, a well-formed results file and plot. Needs {@code kamailio} and {@code python3-matplotlib} besides SIPp (bin/test installs them).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LoadTestRunnerTest {

  private static final Path RUNNER = Path.of("..", "loadtests", "run").toAbsolutePath().normalize();
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  @Test
  void shortRunOfBothSystemsCompletesEveryCallAndWritesResultsAndPlot() throws Exception {
    Sipp.executable();
    for (String tool : List.of("kamailio", "/usr/bin/python3")) {
      assertTrue(onPath(tool), tool + " is needed by loadtests/run: apt-get install -y kamailio python3-matplotlib");
    }
    Path out = Files.createTempDirectory(Path.of("target"), "loadtests-").toAbsolutePath();
    List<String> cmd = List.of(RUNNER.toString(), "sweep", "--systems", "kamailio,edge", "--edge-java",
        "--rates", "100", "--calls", "200", "--warmup-calls", "500", "--warmup-rounds", "2", "--warmup-min-secs", "0",
        "--settle-secs", "1",
        "--numbers", "1000",
        "--agent-port", Integer.toString(FreePorts.next()), "--kamailio-port", Integer.toString(FreePorts.next()),
        "--edge-port", Integer.toString(FreePorts.next()), "--edge-heap", "256m",
        "--edge-classpath", System.getProperty("java.class.path"), "--out", out.toString());
    Process runner = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.resolve("runner.log").toFile()).start();
    try {
      assertTrue(runner.waitFor(200, TimeUnit.SECONDS), "runner did not finish\n" + log(out));
    } finally {
      runner.destroy();
    }
    assertEquals(0, runner.exitValue(), log(out));

    String json = Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8);
    Set<String> systems = new HashSet<>();
    // one object per system and rate, written by json.dump: split at each "system" key
    String[] blocks = json.split("\"system\": ");
    for (int i = 1; i < blocks.length; i++) {
      String r = blocks[i];
      String system = r.substring(1, r.indexOf('"', 1));
      systems.add(system);
      assertEquals(200, number(r, "calls"), system);
      assertEquals(200, number(r, "successful"), system + " completed every call\n" + log(out));
      assertEquals(0, number(r, "not_completed"), system);
      assertEquals(0, number(r, "agent_failed"), system + ": the agent's header checks passed");
      assertTrue(number(r, "proxy_cpu_ms_per_call") > 0, system + " CPU per call read from /proc");
      assertTrue(number(r, "invite_100_p99_ms") >= 0 && number(r, "invite_180_p99_ms") >= 0, r);
      assertTrue(number(r, "udp_drops") >= 0 && number(r, "udp_drops_proxy") >= 0
          && number(r, "udp_drops_agent") >= 0, "the kernel's UDP drops during the run are reported: " + r);
    }
    assertEquals(Set.of("kamailio", "edge"), systems);
    // the figures, computed by the runner: highest clean rate per system, edge / Kamailio per rate
    String summary = json.substring(json.indexOf("\"summary\""), json.indexOf("\"results\""));
    String highest = summary.substring(summary.indexOf("\"highest_clean_cps\""));
    assertEquals(100, number(highest, "edge"), summary);
    assertEquals(100, number(highest, "kamailio"), summary);
    String ratio = summary.substring(summary.indexOf("\"edge_vs_kamailio\""));
    assertEquals(100, number(ratio, "offered_cps"), summary);
    assertTrue(number(ratio, "ratio") > 0 && number(ratio, "ratio_per_sipp_cpu") > 0, summary);
    assertTrue(ratio.contains("\"both_clean\": true"), summary);
    String table = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
    assertTrue(table.contains("| kamailio |") && table.contains("| edge |"), table);
    assertTrue(table.contains("highest offered rate with <= 0.1 % failed: edge 100 calls/s, kamailio 100 calls/s"),
        table);
    assertTrue(Pattern.compile("\\| 100 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+x \\| [0-9.]+x \\| yes \\|")
        .matcher(table).find(), "edge / Kamailio at 100 calls/s in results.md:\n" + table);
    try (InputStream png = Files.newInputStream(out.resolve("results.png"))) {
      assertArrayEquals(PNG_MAGIC, png.readNBytes(4), "results.png is a PNG");
    }
    // warm-up in rounds until the proxy's JIT is quiet: Kamailio has none, so it takes exactly one
    String kamailioWarmUp = Files.readString(out.resolve("kamailio_warmup.json"), StandardCharsets.UTF_8);
    assertEquals(1, kamailioWarmUp.split("\"round\"", -1).length - 1, kamailioWarmUp);
    String edgeWarmUp = Files.readString(out.resolve("edge_warmup.json"), StandardCharsets.UTF_8);
    assertTrue(edgeWarmUp.contains("\"jit_share\"") && edgeWarmUp.contains("\"jit_cpu_s\""), edgeWarmUp);
    for (String system : List.of("kamailio", "edge")) {
      assertTrue(Files.isDirectory(out.resolve(system + "_r100_settle")), system + " settled at the rate first");
    }
  }

  /**
   * {@code loadtests/run outbound --edge-java}: the agent calls out from its numbers through the edge to each
   * number's sip_trunk (a SIPp trunk that insists on +E.164, our Via and Record-Route); every call answered
   * 200 by the trunk, and the edge's own added latency reported.
   */
  @Test
  void outboundRunPlacesEveryCallThroughTheTrunk() throws Exception {
    Path out = Files.createTempDirectory(Path.of("target"), "loadtests-outbound-").toAbsolutePath();
    List<String> cmd = List.of(RUNNER.toString(), "outbound", "--edge-java", "--calls", "40", "--rate", "20",
        "--warmup-calls", "100", "--numbers", "20",
        "--agent-port", Integer.toString(FreePorts.next()), "--edge-port", Integer.toString(FreePorts.next()),
        "--edge-heap", "256m", "--edge-classpath", System.getProperty("java.class.path"), "--out", out.toString());
    Process runner = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(out.resolve("runner.log").toFile()).start();
    try {
      assertTrue(runner.waitFor(150, TimeUnit.SECONDS), "runner did not finish\n" + log(out));
    } finally {
      runner.destroy();
    }
    assertEquals(0, runner.exitValue(), log(out));
    String json = Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8);
    assertEquals(40, number(json, "successful"), "every call answered 200 by the trunk\n" + json);
    assertEquals(0, number(json, "failed"), json);
    assertEquals(40, number(json, "answerer_successful"), "the trunk's checks passed on every call: " + json);
    assertEquals(0, number(json, "answerer_failed"), json);
    assertTrue(number(json, "added_mean_ms") > 0, "the edge's own forwarding latency: " + json);
  }

  /** The number after {@code "key": } in one result block; fails if absent or not a number. */
  private static double number(String block, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (-?[0-9.]+)").matcher(block);
    assertTrue(m.find(), key + " missing or not a number in " + block);
    return Double.parseDouble(m.group(1));
  }

  private static boolean onPath(String tool) {
    if (tool.startsWith("/")) {
      return Files.isExecutable(Path.of(tool));
    }
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
  }

  private static String log(Path out) {
    try {
      Path log = out.resolve("runner.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no runner log)";
    } catch (IOException e) {
      return "(runner log unreadable: " + e + ")";
    }
  }
}
