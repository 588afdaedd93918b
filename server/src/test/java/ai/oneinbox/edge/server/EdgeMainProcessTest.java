package ai.oneinbox.edge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a process, as {@code bin/edge} runs it: it prints its ready line, and a SIGTERM drains and
 * stops it with exit status 0 (not the JVM's 143), so a supervisor can tell a clean stop from a crash.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EdgeMainProcessTest {
    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final String END = "\u0000end";

    @TempDir
    Path dir;

    private String database;
    private Process process;

    @BeforeEach
    void createDatabase() throws Exception {
        database = "edge_main_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void aSigtermDrainsStopsAndExitsZero() throws Exception {
        Path config = dir.resolve("edge.yaml");
        Files.writeString(config, "api:\n  host: 127.0.0.1\n");
        ProcessBuilder pb = new ProcessBuilder(List.of("java", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                EdgeMain.class.getName(), "--config", config.toString())).redirectErrorStream(true);
        pb.environment().putAll(Map.of(
                "EDGE_DATA_DIR", dir.resolve("data").toString(),
                "EDGE_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + database,
                "EDGE_SIP_HOST", "127.0.0.1", "EDGE_SIP_PORT", "0", "EDGE_API_PORT", "0",
                "EDGE_API_KEY", "process-test-admin-key-0123456789"));
        process = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                lines.add(END);
            }
        }, "edge-output");
        reader.setDaemon(true);
        reader.start();

        assertTrue(awaitLine(lines, output, "ready:", 90), "no ready line:\n" + output);
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the output we still read
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "did not stop after SIGTERM:\n" + output);
        reader.join(TimeUnit.SECONDS.toMillis(10));
        for (String line = lines.poll(); line != null && !line.equals(END); line = lines.poll()) {
            output.append(line).append('\n');
        }
        assertEquals(0, process.exitValue(), "exit status after a clean stop:\n" + output);
        assertTrue(output.toString().contains("stopped"), output.toString());
    }

    /** Reads lines (bounded in time) until one contains {@code marker}; every line read lands in {@code output}. */
    private static boolean awaitLine(BlockingQueue<String> lines, StringBuilder output, String marker, long seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                return false;
            }
            if (line.equals(END)) {
                return marker.equals(END);
            }
            output.append(line).append('\n');
            if (line.contains(marker)) {
                return true;
            }
        }
        return false;
    }
}
