package ai.oneinbox.edge.server;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code bin/edge}: reads the configuration, starts the node, logs one ready line, and on SIGTERM drains and
 * stops it. Exit codes: 0 after a clean stop, 2 for a configuration error, 1 when start-up fails otherwise.
 */
public final class EdgeMain {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_START = 1;

    private static final String USAGE = """
            usage: bin/edge [--config FILE]
              --config FILE   configuration file (default: config/edge.yaml); every key is documented in it
            environment overrides: %s""";

    private EdgeMain() {}

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int code = run(args, System.getenv(), System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, Map<String, String> environment, PrintStream err) {
        Path configFile = Path.of("config", "edge.yaml");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                err.println(usage());
                return 0;
            } else if (arg.equals("--config") && i + 1 < args.length) {
                configFile = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                configFile = Path.of(arg.substring("--config=".length()));
            } else {
                err.println("edge: unknown argument '" + arg + "'");
                err.println(usage());
                return EXIT_CONFIG;
            }
        }
        if (!Files.isRegularFile(configFile)) {
            err.println("edge: configuration error: --config: no such file: " + configFile);
            return EXIT_CONFIG;
        }
        EdgeConfig config;
        try {
            config = ConfigLoader.load(configFile, environment);
        } catch (ConfigException e) {
            err.println("edge: configuration error in " + configFile + ": " + e.getMessage());
            return EXIT_CONFIG;
        }

        Logger log = LoggerFactory.getLogger(EdgeMain.class);
        // The hook is in place before anything starts: a SIGTERM during start-up waits for the start to end,
        // then stops what it started (the embedded PostgreSQL above all), instead of leaving it running.
        AtomicReference<EdgeNode> running = new AtomicReference<>();
        CountDownLatch startEnded = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                startEnded.await();
                EdgeNode n = running.get();
                if (n != null) {
                    log.info("stopping: draining, then closing SIP, API, feed and database");
                    n.drain();
                    n.close();
                    log.info("stopped");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // The console appender is asynchronous: flush it before the JVM halts.
                if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
                    context.stop();
                }
                stopped.countDown();
            }
        }, "edge-shutdown"));
        EdgeNode node;
        try {
            node = EdgeNode.start(config);
            running.set(node);
        } catch (ConfigException e) {
            err.println("edge: configuration error in " + configFile + ": " + e.getMessage());
            return EXIT_CONFIG;
        } catch (Exception e) {
            log.error("start-up failed: {}", e.toString(), e);
            err.println("edge: start-up failed: " + e.getMessage());
            return EXIT_START;
        } finally {
            startEnded.countDown(); // EdgeNode.start closes what it started when it fails
        }
        log.info("ready: {}", node.describe());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String usage() {
        return USAGE.formatted(String.join(" ", ConfigLoader.ENVIRONMENT.keySet().stream().sorted().toList()));
    }
}
