package ai.oneinbox.edge.api.provider;

import java.time.Duration;

/**
 * How hard a provider call tries: each HTTP request is bounded by {@code requestTimeout}; a call that
 * met a transient failure (429, 5xx, a refused or reset connection, a timeout) is tried again after an
 * exponential backoff ({@code initialBackoff}, doubled each time, at most {@code maxBackoff}, or the
 * provider's {@code Retry-After} when it is shorter than {@code maxBackoff}), at most {@code maxAttempts}
 * times in all.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration requestTimeout) {

    /** 3 attempts, 200 ms then 400 ms apart, 10 s per request. */
    public static final RetryPolicy DEFAULTS = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(10));

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be 1..10, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be 0 <= initial <= max");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    /** The pause before attempt {@code attempt + 1} (attempt counts from 1). */
    public Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
