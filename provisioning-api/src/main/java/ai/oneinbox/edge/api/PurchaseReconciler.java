package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.PurchaseRepository.Pending;
import ai.oneinbox.edge.api.PurchaseRepository.Status;
import ai.oneinbox.edge.api.provider.NumberProvider;
import ai.oneinbox.edge.api.provider.OwnedNumber;
import ai.oneinbox.edge.routing.E164;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes purchases a crash interrupted. A purchase records its intent, buys, then wires the number in one
 * transaction that also completes the intent; an intent still {@code pending} after {@code grace} (longer
 * than any purchase takes, so another node's purchase in flight is left alone) was cut short:
 * <ul>
 *   <li>the number is wired (in {@code numbers}): the intent is completed;</li>
 *   <li>the provider holds it but it is not wired: it is released, so it is neither lost nor paid for
 *       twice (the client never got a 201; its retry buys again);</li>
 *   <li>the provider does not hold it: the purchase never happened; the intent failed.</li>
 * </ul>
 * The provider's owned list is read only when there is something to reconcile.
 */
final class PurchaseReconciler {

    private static final Logger log = LoggerFactory.getLogger(PurchaseReconciler.class);
    static final Duration DEFAULT_GRACE = Duration.ofMinutes(2);

    /** What one pass did. */
    record Outcome(List<E164> completed, List<E164> released, List<E164> failed) {}

    private final Pool pool;
    private final NumberProvider provider;
    private final Duration grace;

    PurchaseReconciler(Pool pool, NumberProvider provider, Duration grace) {
        this.pool = pool;
        this.provider = provider;
        this.grace = grace;
    }

    PurchaseReconciler(Pool pool, NumberProvider provider) {
        this(pool, provider, DEFAULT_GRACE);
    }

    Future<Outcome> reconcile() {
        return PurchaseRepository.pendingOlderThan(pool, provider.kind(), grace).compose(pending -> pending.isEmpty()
                ? Future.succeededFuture(new Outcome(List.of(), List.of(), List.of()))
                : provider.listOwned().compose(owned -> settle(pending, owned)));
    }

    private Future<Outcome> settle(List<Pending> pending, List<OwnedNumber> owned) {
        Set<Long> held = new HashSet<>();
        owned.forEach(o -> held.add(o.number().value()));
        List<E164> completed = new ArrayList<>();
        List<E164> released = new ArrayList<>();
        List<E164> failed = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (Pending p : pending) {
            E164 number = p.number();
            chain = chain.compose(ok -> {
                if (p.wired()) {
                    completed.add(number);
                    return PurchaseRepository.settle(pool, p.intentId(), Status.COMPLETED).mapEmpty();
                }
                if (held.contains(number.value())) {
                    return provider.release(number).compose(r -> {
                        released.add(number);
                        log.warn("Purchase {} of {} was interrupted after the provider sold it; released it",
                                p.intentId(), number);
                        return PurchaseRepository.settle(pool, p.intentId(), Status.RELEASED).mapEmpty();
                    });
                }
                failed.add(number);
                return PurchaseRepository.settle(pool, p.intentId(), Status.FAILED).mapEmpty();
            });
        }
        return chain.map(ok -> new Outcome(List.copyOf(completed), List.copyOf(released), List.copyOf(failed)));
    }
}
