package ai.oneinbox.edge.api.provider;

import ai.oneinbox.edge.routing.E164;
import java.util.Optional;

/** A number for sale, of the {@code type} that was searched. */
public record AvailableNumber(E164 number, String country, Optional<String> areaCode, Optional<String> locality, NumberType type) {

    /** A local (geographic) number. */
    public AvailableNumber(E164 number, String country, Optional<String> areaCode, Optional<String> locality) {
        this(number, country, areaCode, locality, NumberType.LOCAL);
    }
}
