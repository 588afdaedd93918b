package ai.oneinbox.edge.api.provider;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Test helpers: a sleeper that records pauses instead of taking them, and a bounded await. */
public final class Recorded implements Sleeper {

    public final List<Duration> pauses = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
        pauses.add(duration);
    }

    public static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static ProviderException failure(Future<?> f) {
        try {
            await(f);
        } catch (ProviderException e) {
            return e;
        }
        throw new AssertionError("expected a ProviderException");
    }
}
