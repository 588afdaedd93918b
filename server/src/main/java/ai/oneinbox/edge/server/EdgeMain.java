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
import sun.misc.Signal;

/**
 * {@code bin/edge}: reads the configuration, starts the node, logs one ready line, and on SIGTERM (or SIGINT)
 * drains and stops it. Exit codes: 0 after a clean stop, 2 for a configuration error, 1 when start-up fails
 * otherwise.
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
        CountDownLatch stopRequested = new CountDownLatch(1);
        // SIGTERM (and Ctrl-C) asks for a clean stop instead of starting the JVM's exit: run() drains and
        // closes the node and returns 0, which becomes the exit status. Left to the JVM, a SIGTERM always
        // exits 143 whatever the hooks do. Installed here, not in run(), so tests never replace the handlers.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stopRequested.countDown());
        }
        System.exit(run(args, System.getenv(), System.err, stopRequested));
    }

    static int run(String[] args, Map<String, String> environment, PrintStream err) {
        return run(args, environment, err, new CountDownLatch(1));
    }

    /**
     * Starts the node and runs it until {@code stopRequested} opens (then drains, stops and returns 0), or
     * until the JVM exits otherwise (its shutdown hook then stops the node).
     */
    static int run(String[] args, Map<String, String> environment, PrintStream err, CountDownLatch stopRequested) {
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
        // The hook covers every other way the JVM can end (System.exit elsewhere, SIGHUP): it stops the node
        // unless run() already did, and flushes the asynchronous console appender before the JVM halts.
        AtomicReference<EdgeNode> running = new AtomicReference<>();
        CountDownLatch startEnded = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                startEnded.await();
                stop(running, log);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
                    context.stop();
                }
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
            stopRequested.await();
            stop(running, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Drains and closes the node once, whoever asks first (run() on a stop request, or the shutdown hook). */
    private static void stop(AtomicReference<EdgeNode> running, Logger log) throws InterruptedException {
        EdgeNode n = running.getAndSet(null);
        if (n != null) {
            log.info("stopping: draining, then closing SIP, API, feed and database");
            n.drain();
            n.close();
            log.info("stopped");
        }
    }

    private static String usage() {
        return USAGE.formatted(String.join(" ", ConfigLoader.ENVIRONMENT.keySet().stream().sorted().toList()));
    }
}
