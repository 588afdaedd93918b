package ai.oneinbox.edge.api.provider;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.Provider;
import io.vertx.core.Future;
import java.util.List;

/**
 * A seller and holder of phone numbers: the platform's own account (Paths A and B) or a customer's
 * integration (Path C). Every operation is asynchronous and never blocks an event loop. A failed future
 * carries a {@link ProviderException} (the provider's answer, minus secrets).
 *
 * <p>Implementations: {@link SandboxProvider} (offline, deterministic); Twilio and Telnyx adapters follow
 * the same contract.
 */
public interface NumberProvider {

    /** Which provider this is; written into each number's ownership. */
    Provider kind();

    /** Numbers for sale now, in the provider's order, at most {@code search.limit()}. */
    Future<List<AvailableNumber>> search(NumberSearch search);

    /**
     * Buys {@code request.number()}. Idempotent by {@code request.intentId()}: repeating a purchase with the
     * same intent (a retry after a crash or a timeout) answers {@link PurchaseResult.Purchased} again
     * without buying twice. A number someone else bought answers {@link PurchaseResult.Unavailable}.
     */
    Future<PurchaseResult> purchase(PurchaseRequest request);

    /** Gives a bought number back; releasing a number not held is not an error. */
    Future<Void> release(E164 number);

    /** Every number the account holds (the reconciler compares it with the store). */
    Future<List<OwnedNumber>> listOwned();

    /** Whether the account's credentials are accepted by the provider. */
    Future<CredentialCheck> verifyCredentials();

    /** How the provider side is wired for {@code number}: its trunk or connection, origination, format. */
    Future<Wiring> wiring(E164 number);
}
