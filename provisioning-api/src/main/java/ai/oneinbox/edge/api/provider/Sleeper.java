package ai.oneinbox.edge.api.provider;

import java.time.Duration;

/**
 * Waits between attempts on a worker thread (never an event loop). Injected so tests record the pauses
 * instead of taking them.
 */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
