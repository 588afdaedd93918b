package ai.oneinbox.edge.api.provider;

import ai.oneinbox.edge.routing.E164;
import java.util.Optional;

/** A number an account holds, with the provider's own reference to it. */
public record OwnedNumber(E164 number, Optional<String> providerRef) {}
