package ai.oneinbox.edge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    @Test
    void anInvalidKeyStopsTheStartWithExitCodeTwoAndNamesIt() throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, "sip:\n  port: 99999\n");
        int code = EdgeMain.run(new String[] {"--config", file.toString()}, Map.of(), err);
        assertEquals(EdgeMain.EXIT_CONFIG, code);
        assertTrue(output().contains("sip.port: must be between 0 and 65535, got 99999"), output());
    }

    @Test
    void anInvalidEnvironmentOverrideNamesTheVariable() throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, "");
        int code = EdgeMain.run(new String[] {"--config=" + file}, Map.of("EDGE_API_PORT", "http"), err);
        assertEquals(EdgeMain.EXIT_CONFIG, code);
        assertTrue(output().contains("EDGE_API_PORT (api.port): must be an integer"), output());
    }

    @Test
    void aMissingConfigFileIsAConfigurationError() {
        int code = EdgeMain.run(new String[] {"--config", dir.resolve("nope.yaml").toString()}, Map.of(), err);
        assertEquals(EdgeMain.EXIT_CONFIG, code);
        assertTrue(output().contains("no such file"), output());
    }

    @Test
    void unknownArgumentsAreRejectedWithUsage() {
        int code = EdgeMain.run(new String[] {"--port", "5060"}, Map.of(), err);
        assertEquals(EdgeMain.EXIT_CONFIG, code);
        assertTrue(output().contains("usage: bin/edge [--config FILE]"), output());
        assertTrue(output().contains("EDGE_SIP_PORT"), output());
    }

    @Test
    void helpExitsZero() {
        assertEquals(0, EdgeMain.run(new String[] {"--help"}, Map.of(), err));
    }

    private String output() {
        return stderr.toString(StandardCharsets.UTF_8);
    }
}
