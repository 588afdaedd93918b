package ai.oneinbox.edge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code loadtests/run --edge-bin} (issue 6) on a short check: the runner starts the real launcher's main
 * class ({@code bin/edge} execs exactly {@code EdgeMain}; here on this module's test classpath so the test
 * does not rebuild the tree) with its embedded PostgreSQL in a temporary data dir, provisions the agent and
 * the numbers through the REST API, waits until {@code /v1/routing/simulate} routes the last one, places
 * 20 calls through SIPp and stops the edge by PID with SIGTERM.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class LoadTestRunnerEdgeBinTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void checkRunProvisionsThroughTheApiAndCompletesEveryCall() throws Exception {
        Path out = Files.createTempDirectory(Path.of("target"), "loadtests-bin-").toAbsolutePath();
        String launcher = String.join(" ", "java", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                EdgeMain.class.getName());
        List<String> cmd = List.of(REPO.resolve("loadtests/run").toString(), "check", "--system", "edge",
                "--edge-bin", "--edge-command", launcher, "--numbers", "30",
                "--agent-port", Integer.toString(FreePorts.next()), "--edge-port", Integer.toString(FreePorts.next()),
                "--out", out.toString());
        Process runner = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolve("runner.log").toFile()).start();
        try {
            assertTrue(runner.waitFor(130, TimeUnit.SECONDS), "runner did not finish\n" + read(out, "runner.log"));
        } finally {
            runner.destroy();
        }
        String log = read(out, "runner.log");
        assertEquals(0, runner.exitValue(), log);
        assertTrue(log.contains("provisioned 30/30 numbers"), log);

        String json = read(out, "results.json");
        assertEquals(20, number(json, "calls"), json);
        assertEquals(20, number(json, "successful"), json + log);
        assertEquals(0, number(json, "not_completed"), json);
        assertEquals(0, number(json, "agent_failed"), "the agent's header checks passed\n" + json);
        assertTrue(number(json, "proxy_cpu_ms_per_call") > 0, "CPU per call read from /proc\n" + json);
        // The numbers the trunk dialled are the ones bought through the API (sandbox inventory, Path A).
        assertTrue(read(out, "numbers.csv").contains("+14155550129;"), "numbers.csv");
        // Loopback only: the runner's copy of config/edge.yaml binds the API to 127.0.0.1.
        assertTrue(read(out, "edge.log").contains("API http://127.0.0.1:"), read(out, "edge.log"));
        // Stopped by SIGTERM: the shutdown hook drained and logged its last line.
        assertTrue(read(out, "edge.log").contains("stopped"), read(out, "edge.log"));
    }

    /**
     * {@code loadtests/run failover --edge-bin}: primary 503 → fallback, primary silent → fallback after the
     * provisional timeout (2 s), both 503 → voicemail, each against the direct path of the same invocation.
     */
    @Test
    void failoverRunReachesTheFallbackAndVoicemailWithoutAFailedCall() throws Exception {
        Path out = Files.createTempDirectory(Path.of("target"), "loadtests-failover-").toAbsolutePath();
        String launcher = String.join(" ", "java", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                EdgeMain.class.getName());
        List<String> cmd = List.of(REPO.resolve("loadtests/run").toString(), "failover", "--edge-bin",
                "--edge-command", launcher, "--calls", "10", "--rate", "10", "--warmup-calls", "100",
                "--agent-port", Integer.toString(FreePorts.next()), "--edge-port", Integer.toString(FreePorts.next()),
                "--out", out.toString());
        Process runner = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolve("runner.log").toFile()).start();
        try {
            assertTrue(runner.waitFor(130, TimeUnit.SECONDS), "runner did not finish\n" + read(out, "runner.log"));
        } finally {
            runner.destroy();
        }
        String log = read(out, "runner.log");
        assertEquals(0, runner.exitValue(), log);
        String json = read(out, "results.json");
        String[] cases = json.split("\"case\": ");
        assertEquals(5, cases.length, json);
        for (int i = 1; i < cases.length; i++) {
            String c = cases[i];
            assertEquals(10, number(c, "successful"), c);
            assertEquals(0, number(c, "failed"), c);
            assertEquals(10, number(c, "answerer_successful"), "the expected side answered every call: " + c);
            assertEquals(0, number(c, "answerer_failed"), c);
        }
        String silent = cases[3];
        assertTrue(silent.startsWith("\"primary_silent\""), silent);
        assertTrue(number(silent, "added_p50_ms") >= 1900, "the provisional timeout (2 s) is the added latency: " + silent);
        assertTrue(cases[4].contains("\"answered_by\": \"voicemail\""), cases[4]);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " missing or not a number in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static String read(Path dir, String name) {
        try {
            Path p = dir.resolve(name);
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(no " + name + ")";
        } catch (IOException e) {
            return "(" + name + " unreadable: " + e + ")";
        }
    }
}
