package ai.oneinbox.edge.api.provider;

import ai.oneinbox.edge.routing.E164;

/**
 * A purchase, keyed by the intent recorded before the provider is asked.
 *
 * @param intentId the {@code purchase_intents} id; the provider's idempotency key
 * @param number   the number to buy
 */
public record PurchaseRequest(String intentId, E164 number) {
    public PurchaseRequest {
        if (intentId.isBlank()) {
            throw new IllegalArgumentException("intentId must not be blank");
        }
    }
}
