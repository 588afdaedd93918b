package ai.oneinbox.edge.api.provider;

import ai.oneinbox.edge.routing.E164;
import java.util.Optional;

/** A number for sale. */
public record AvailableNumber(E164 number, String country, Optional<String> areaCode, Optional<String> locality) {}
