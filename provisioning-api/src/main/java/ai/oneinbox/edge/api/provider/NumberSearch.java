package ai.oneinbox.edge.api.provider;

import java.util.Optional;

/**
 * A search of a provider's inventory ({@code GET /v1/phone-numbers/available}).
 *
 * @param country  ISO 3166 alpha-2, upper case
 * @param areaCode national area code (digits)
 * @param contains digits the number must contain
 * @param limit    1..100
 * @param type     local, toll-free or mobile inventory
 */
public record NumberSearch(String country, Optional<String> areaCode, Optional<String> contains, int limit, NumberType type) {

    public static final int MAX_LIMIT = 100;

    /** A search of the local (geographic) inventory. */
    public NumberSearch(String country, Optional<String> areaCode, Optional<String> contains, int limit) {
        this(country, areaCode, contains, limit, NumberType.LOCAL);
    }

    public NumberSearch {
        java.util.Objects.requireNonNull(type, "type");
        if (!country.matches("[A-Z]{2}")) {
            throw new IllegalArgumentException("country must be ISO 3166 alpha-2: " + country);
        }
        if (areaCode.isPresent() && !areaCode.get().matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("area_code must be 1..5 digits");
        }
        if (contains.isPresent() && !contains.get().matches("[0-9]{1,15}")) {
            throw new IllegalArgumentException("contains must be 1..15 digits");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
    }
}
