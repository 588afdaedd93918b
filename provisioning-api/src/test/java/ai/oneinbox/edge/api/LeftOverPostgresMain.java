package ai.oneinbox.edge.api;

import java.nio.file.Path;

/**
 * An edge process in miniature for {@link EmbeddedDatabaseTest}: starts the embedded PostgreSQL in the data
 * directory given as the argument, as the launcher does (no JVM hook of its own), says READY and waits to
 * be killed, leaving that PostgreSQL running.
 */
public final class LeftOverPostgresMain {
    private LeftOverPostgresMain() {}

    public static void main(String[] args) throws InterruptedException {
        Database.start(DatabaseConfig.DEFAULTS, Path.of(args[0]), false);
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(120_000); // bounded: the test kills it long before
    }
}
