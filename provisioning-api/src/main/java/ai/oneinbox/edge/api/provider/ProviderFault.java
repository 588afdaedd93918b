package ai.oneinbox.edge.api.provider;

import java.time.Duration;
import java.util.Optional;

/** What one failed provider request means for the call: try again, or give up with this answer. */
public sealed interface ProviderFault {

    /** Transient (429, 5xx, connection, timeout); {@code giveUp} is the answer once attempts run out. */
    record Transient(ProviderException giveUp, Optional<Duration> retryAfter) implements ProviderFault {}

    /** Not worth repeating (4xx, bad credentials, a malformed answer). */
    record Final(RuntimeException failure) implements ProviderFault {}
}
