package ai.oneinbox.edge.api;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL store: an embedded server on {@code <data_dir>/pg} (default) or an external one, with the
 * schema migrated by Flyway through the JDBC driver on start, the same migrations for both. The API and the
 * feed then talk to it through vertx-pg-client ({@link #pool}, {@link #subscriber}).
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final PgConnectOptions options;
    private final int poolSize;
    private final Optional<EmbeddedPostgres> embedded;

    private Database(PgConnectOptions options, int poolSize, Optional<EmbeddedPostgres> embedded) {
        this.options = options;
        this.poolSize = poolSize;
        this.embedded = embedded;
    }

    /**
     * Starts (embedded) or reaches (external) the server and applies pending migrations; blocking. An embedded
     * server also stops by itself when the JVM exits.
     */
    public static Database start(DatabaseConfig config, Path dataDir) {
        return start(config, dataDir, true);
    }

    /**
     * As {@link #start(DatabaseConfig, Path)}; with {@code stopOnJvmExit} false the embedded server stops only
     * on {@link #close()}: for a caller that owns the shutdown order (the launcher drains SIP and closes the
     * API and the feed before the database; a JVM hook of the database's own would race with that).
     */
    public static Database start(DatabaseConfig config, Path dataDir, boolean stopOnJvmExit) {
        long started = System.nanoTime();
        Database db = config.embedded() ? startEmbedded(config, dataDir, stopOnJvmExit) : external(config);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        log.info("Database ready ({}, {}:{}/{}) in {} ms", db.embedded.isPresent() ? "embedded" : "external",
                db.options.getHost(), db.options.getPort(), db.options.getDatabase(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return db;
    }

    private static Database startEmbedded(DatabaseConfig config, Path dataDir, boolean stopOnJvmExit) {
        Path pgDir = dataDir.resolve("pg");
        try {
            Files.createDirectories(pgDir);
            stopLeftOver(pgDir, Duration.ofSeconds(30));
            String password = EmbeddedPassword.load(dataDir);
            boolean required = EmbeddedPassword.isRequired(pgDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(pgDir)
                    .setCleanDataDirectory(false)
                    .setPort(freeLoopbackPort())
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(stopOnJvmExit)
                    .setConnectConfig("password", password) // its readiness check, once the password is required
                    .start();
            if (!required) {
                try {
                    EmbeddedPassword.require(pg.getPostgresDatabase(), pgDir, password);
                } catch (RuntimeException e) {
                    pg.close();
                    throw e;
                }
            }
            PgConnectOptions options = new PgConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(pg.getPort())
                    .setDatabase("postgres")
                    .setUser("postgres")
                    .setPassword(password);
            return new Database(options, config.poolSize(), Optional.of(pg));
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + pgDir, e);
        }
    }

    /**
     * An edge that was killed (SIGKILL, or a crash) leaves its embedded PostgreSQL running on the data
     * directory, and a new one cannot start there (it would wait a minute and give up). When the directory's
     * {@code postmaster.pid} names a live postgres process serving that directory, it is stopped first with
     * SIGTERM (PostgreSQL's smart shutdown; its clients died with the old edge). If it has not stopped within
     * {@code wait}, the start fails with a message naming the pid.
     */
    static void stopLeftOver(Path pgDir, Duration wait) throws IOException {
        Path pidFile = pgDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        java.util.List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return; // not a pid file PostgreSQL wrote: let PostgreSQL judge it
        }
        Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        if (process.isEmpty() || !process.get().isAlive() || !isPostgresOf(process.get(), pgDir, lines)) {
            return; // a stale file (PostgreSQL removes it itself) or another program's pid
        }
        log.warn("an embedded PostgreSQL left running by an earlier edge (pid {}) holds {}: stopping it", pid, pgDir);
        ProcessHandle pg = process.get();
        pg.destroy(); // SIGTERM
        try {
            pg.onExit().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the PostgreSQL left running on " + pgDir + " (pid " + pid + ") did not stop within "
                    + wait.toSeconds() + " s; stop it (kill " + pid + ") and start the edge again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the PostgreSQL left running on " + pgDir);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("could not wait for pid " + pid, e);
        }
    }

    /** The process is a postgres whose data directory (its pid file's second line) is {@code pgDir}. */
    private static boolean isPostgresOf(ProcessHandle process, Path pgDir, java.util.List<String> pidLines) {
        String command = process.info().command().orElse("");
        if (!command.endsWith("/postgres") && !command.equals("postgres")) {
            return false;
        }
        if (pidLines.size() < 2) {
            return false;
        }
        Path named = Path.of(pidLines.get(1).trim());
        try {
            return Files.isSameFile(named, pgDir);
        } catch (IOException e) {
            return false;
        }
    }

    private static Database external(DatabaseConfig config) {
        return new Database(parseUrl(config.url()), config.poolSize(), Optional.empty());
    }

    /** Accepts {@code postgresql://}, {@code postgres://} and {@code jdbc:postgresql://} URLs. */
    static PgConnectOptions parseUrl(String url) {
        String uri = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
        if (!uri.startsWith("postgresql://") && !uri.startsWith("postgres://")) {
            throw new IllegalArgumentException(
                    "database.url: expected postgresql://… or jdbc:postgresql://…, was " + redact(url));
        }
        try {
            PgConnectOptions options = PgConnectOptions.fromUri(uri);
            if (options.getUser() == null || options.getUser().isEmpty()) {
                options.setUser("postgres");
            }
            if (options.getDatabase() == null || options.getDatabase().isEmpty()) {
                options.setDatabase(options.getUser());
            }
            return options;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("database.url: " + e.getMessage() + " in " + redact(url), e);
        }
    }

    private static String redact(String url) {
        return url.replaceAll("(//[^:/@]+):[^@]*@", "$1:***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private void migrate() {
        Properties props = jdbcProperties();
        Flyway.configure()
                .dataSource(jdbcUrl(), props.getProperty("user"), props.getProperty("password", ""))
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    private Properties jdbcProperties() {
        Properties props = new Properties();
        props.setProperty("user", options.getUser());
        if (options.getPassword() != null) {
            props.setProperty("password", options.getPassword());
        }
        return props;
    }

    /** The JDBC URL of the same database (no credentials in it). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    }

    /** A blocking JDBC connection (migrations, tools, benchmarks harnesses). */
    public Connection openJdbc() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), jdbcProperties());
    }

    /** A copy of the connection options for vertx-pg-client. */
    public PgConnectOptions connectOptions() {
        // Cached prepared statements: one round trip per query instead of parse/describe every time.
        return new PgConnectOptions(options)
                .setCachePreparedStatements(true);
    }

    public boolean isEmbedded() {
        return embedded.isPresent();
    }

    /** A new pool of {@code database.pool_size} connections; the caller closes it. */
    public Pool pool(Vertx vertx) {
        return pool(vertx, poolSize);
    }

    Pool pool(Vertx vertx, int size) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size)
                        // A request waits at most this long for a connection, then answers 503.
                        .setConnectionTimeout(5).setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS))
                .connectingTo(connectOptions())
                .using(vertx)
                .build();
    }

    /** A LISTEN connection that reconnects by itself; the caller connects and closes it. */
    public PgSubscriber subscriber(Vertx vertx) {
        return PgSubscriber.subscriber(vertx, connectOptions())
                .reconnectPolicy(retries -> 250L);
    }

    @Override
    public void close() {
        embedded.ifPresent(pg -> {
            try {
                pg.close();
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.toString());
            }
        });
    }
}
