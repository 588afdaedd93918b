package ai.oneinbox.edge.api.provider;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a provider SDK's blocking call on a Vert.x worker thread with bounded retries. The SDKs block (the
 * Twilio one on its HTTP client, the Telnyx one on Jersey), so no call ever touches an event loop; each
 * attempt's failure is classified by the adapter into {@link ProviderFault}.
 */
public final class ProviderCalls {

    private static final Logger log = LoggerFactory.getLogger(ProviderCalls.class);

    private final Vertx vertx;
    private final RetryPolicy policy;
    private final Sleeper sleeper;

    public ProviderCalls(Vertx vertx, RetryPolicy policy, Sleeper sleeper) {
        this.vertx = vertx;
        this.policy = policy;
        this.sleeper = sleeper;
    }

    public RetryPolicy policy() {
        return policy;
    }

    public Sleeper sleeper() {
        return sleeper;
    }

    /** {@code call} on a worker, retried while {@code classify} calls its failure transient. */
    public <T> Future<T> run(String what, Callable<T> call, Function<Exception, ProviderFault> classify) {
        return vertx.executeBlocking(() -> runBlocking(what, call, classify), false);
    }

    /** The same, on the calling (worker) thread: for adapters composing several requests in one job. */
    public <T> T runBlocking(String what, Callable<T> call, Function<Exception, ProviderFault> classify) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProviderException(503, what + ": interrupted", e);
            } catch (Exception e) {
                ProviderFault fault = classify.apply(e);
                if (fault instanceof ProviderFault.Final f) {
                    throw f.failure();
                }
                ProviderFault.Transient t = (ProviderFault.Transient) fault;
                if (attempt >= policy.maxAttempts()) {
                    log.warn("{} failed after {} attempts: {}", what, attempt, t.giveUp().getMessage());
                    throw t.giveUp();
                }
                Duration pause = policy.backoff(attempt);
                if (t.retryAfter().isPresent() && t.retryAfter().get().compareTo(policy.maxBackoff()) <= 0) {
                    pause = t.retryAfter().get().compareTo(pause) > 0 ? t.retryAfter().get() : pause;
                }
                log.info("{}: attempt {} failed ({}); retrying in {} ms", what, attempt, t.giveUp().getMessage(),
                        pause.toMillis());
                sleeper.sleep(pause);
            }
        }
    }
}
