package ai.oneinbox.edge.api.provider;

import ai.oneinbox.edge.routing.E164;
import java.util.Optional;

/** How a purchase ended (errors talking to the provider are a failed future instead). */
public sealed interface PurchaseResult {

    /** Bought (or already bought by this same intent). {@code providerRef}: e.g. Twilio's PN SID. */
    record Purchased(E164 number, Optional<String> providerRef) implements PurchaseResult {}

    /** Not for sale any more (bought by someone else, or never in the inventory). */
    record Unavailable(E164 number, String reason) implements PurchaseResult {}
}
