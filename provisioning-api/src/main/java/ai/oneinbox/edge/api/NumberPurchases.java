package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.PurchaseRepository.Status;
import ai.oneinbox.edge.api.provider.NumberProvider;
import ai.oneinbox.edge.api.provider.NumberSearch;
import ai.oneinbox.edge.api.provider.PurchaseRequest;
import ai.oneinbox.edge.api.provider.PurchaseResult;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purchase saga of Paths A and B, and the give-back of a released number: the only place that talks to
 * the platform's provider about owning numbers.
 *
 * <p>A purchase never holds a transaction open across the provider call. The steps, each undone by the next
 * one's failure:
 * <ol>
 *   <li>intent: the agents the route names are checked and the intent is recorded ({@code pending});</li>
 *   <li>provider: the number is bought under the intent's id (the provider's idempotency key);</li>
 *   <li>wire: one transaction inserts the number, appends its route change to the feed, completes the intent
 *       and stores the Idempotency-Key reply;</li>
 *   <li>compensation: if the wire transaction fails, the number is released at the provider and the intent
 *       marked {@code released}. A crash between 2 and 3 leaves a pending intent for
 *       {@link PurchaseReconciler}.</li>
 * </ol>
 * Auto-assign (Path B) repeats 1–3 with another candidate when the provider sold the pick to someone else
 * or another request wired it first, up to {@link #AUTO_ASSIGN_ATTEMPTS} times.
 */
final class NumberPurchases {

    private static final Logger log = LoggerFactory.getLogger(NumberPurchases.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Candidates tried by one auto-assign before giving up (each lost race moves to another). */
    static final int AUTO_ASSIGN_ATTEMPTS = 12;

    private final Pool pool;
    private final NumberProvider provider;

    NumberPurchases(Pool pool, NumberProvider provider) {
        this.pool = pool;
        this.provider = provider;
    }

    /** Path A: buys the chosen {@code number} and routes it. */
    Future<Reply> buy(E164 number, String agentId, Optional<InboundRouting> inbound, Idempotency.Claim claim) {
        String intentId = claim.intentId().orElseGet(NumberPurchases::newIntentId);
        return pool.withTransaction(tx -> NumberHandlers.requireAgents(tx, agentId, inbound)
                        .compose(ok -> NumberRepository.find(tx, number))
                        .compose(existing -> existing.isPresent()
                                ? Future.failedFuture(ApiProblem.conflict(number + " is already registered"))
                                : PurchaseRepository.recordIntent(tx, intentId, number, provider.kind(), agentId)))
                .compose(ok -> provider.purchase(new PurchaseRequest(intentId, number)))
                .compose(result -> {
                    if (result instanceof PurchaseResult.Purchased bought) {
                        return wire(bought.number(), agentId, inbound, intentId, claim);
                    }
                    PurchaseResult.Unavailable gone = (PurchaseResult.Unavailable) result;
                    return PurchaseRepository.mark(pool, intentId, Status.FAILED).transform(ignored -> Future.failedFuture(
                            ApiProblem.conflict(number + " is not available: " + gone.reason())));
                });
    }

    /** Path B: picks an available number near the wish and buys it. */
    Future<Reply> autoAssign(String country, Optional<String> areaCode, String agentId,
                             Optional<InboundRouting> inbound, Idempotency.Claim claim) {
        return pool.withTransaction(tx -> NumberHandlers.requireAgents(tx, agentId, inbound))
                .compose(ok -> attempt(country, areaCode, agentId, inbound, claim, 1));
    }

    private Future<Reply> attempt(String country, Optional<String> areaCode, String agentId,
                                  Optional<InboundRouting> inbound, Idempotency.Claim claim, int attempt) {
        if (attempt > AUTO_ASSIGN_ATTEMPTS) {
            return Future.failedFuture(ApiProblem.conflict("no number could be assigned after "
                    + AUTO_ASSIGN_ATTEMPTS + " attempts (others bought the candidates first); retry"));
        }
        String intentId = claim.intentId().orElseGet(NumberPurchases::newIntentId);
        return provider.search(new NumberSearch(country, areaCode, Optional.empty(), NumberSearch.MAX_LIMIT))
                .compose(candidates -> {
                    if (candidates.isEmpty()) {
                        return Future.failedFuture(ApiProblem.conflict("no numbers available in " + country
                                + areaCode.map(a -> " area code " + a).orElse("")));
                    }
                    // A random pick spreads concurrent auto-assigns over the candidates instead of all
                    // racing for the first one.
                    E164 pick = candidates.get(RANDOM.nextInt(candidates.size())).number();
                    return pool.withTransaction(tx ->
                                    PurchaseRepository.recordIntent(tx, intentId, pick, provider.kind(), agentId))
                            .compose(ok -> provider.purchase(new PurchaseRequest(intentId, pick)));
                })
                .compose(result -> result instanceof PurchaseResult.Purchased bought
                        ? wire(bought.number(), agentId, inbound, intentId, claim)
                                .recover(e -> isLostRace(e)
                                        ? attempt(country, areaCode, agentId, inbound, claim, attempt + 1)
                                        : Future.failedFuture(e))
                        // A lost race at the provider bought nothing: close its intent so the reconciler need
                        // not ask the provider about it.
                        : PurchaseRepository.mark(pool, intentId, Status.FAILED)
                                .transform(ignored -> attempt(country, areaCode, agentId, inbound, claim, attempt + 1)));
    }

    /** Another request wired the number first: a bare 409 from the insert, not a field error. */
    private static boolean isLostRace(Throwable e) {
        return e instanceof ApiProblem p && p.status() == 409 && p.errors().isEmpty();
    }

    /** The one transaction that makes a bought number routable; on failure the purchase is undone. */
    private Future<Reply> wire(E164 number, String agentId, Optional<InboundRouting> inbound, String intentId,
                               Idempotency.Claim claim) {
        NumberRoute route = new NumberRoute(number, agentId, inbound, Ownership.of(provider.kind()));
        return pool.withTransaction(tx -> NumberRepository.insert(tx, route)
                        .compose(record -> FeedWriter.numberUpserted(tx, route).map(record))
                        .compose(record -> PurchaseRepository.mark(tx, intentId, Status.COMPLETED).map(record))
                        .compose(record -> claim.complete(tx, Reply.created(Json.number(record)))))
                .recover(e -> provider.release(number)
                        .compose(ok -> PurchaseRepository.mark(pool, intentId, Status.RELEASED))
                        .transform(ignored -> {
                            log.info("Purchase of {} not wired ({}); released it", number, e.getMessage());
                            return Future.failedFuture(e);
                        }));
    }

    /**
     * After a number is unregistered: one bought through the platform's provider (Paths A/B) is given back;
     * a brought-in number (Path C) stays the customer's. A failed give-back is logged, not an error: the
     * number is no longer routed either way.
     */
    Future<Void> giveBack(NumberRecord gone) {
        Ownership o = gone.route().ownership();
        E164 number = gone.route().number();
        if (o.integrationId().isPresent() || o.provider() != provider.kind()) {
            return Future.succeededFuture();
        }
        return provider.release(number).recover(e -> {
            log.warn("{} unregistered but not released at {}: {}", number, provider.kind(), e.toString());
            return Future.succeededFuture();
        });
    }

    private static String newIntentId() {
        byte[] raw = new byte[12];
        RANDOM.nextBytes(raw);
        return "pi_" + HexFormat.of().formatHex(raw);
    }
}
