package ai.oneinbox.edge.api;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An edge process in miniature for {@link EmbeddedDatabaseTest}: starts the embedded PostgreSQL in the data
 * directory given as the argument, as the launcher does (no JVM hook of its own), says READY and waits on
 * its standard input to be killed, leaving that PostgreSQL running.
 */
public final class LeftOverPostgresMain {
    private LeftOverPostgresMain() {}

    public static void main(String[] args) throws IOException {
        Database.start(DatabaseConfig.DEFAULTS, Path.of(args[0]), false);
        System.out.println("READY");
        System.out.flush();
        // Blocks until the test kills this process; should the test's JVM go first, its end of the pipe
        // closes and the read returns, so the process never outlives it.
        while (System.in.read() >= 0) {
            // nothing is sent
        }
    }
}
