package ai.oneinbox.edge.api.provider;

import java.util.Locale;
import java.util.Optional;

/** The kind of number a search asks for; each provider keeps a separate inventory per kind. */
public enum NumberType {
    LOCAL,
    TOLL_FREE,
    MOBILE;

    /** The API and Telnyx spelling: {@code local}, {@code toll_free}, {@code mobile}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named by {@code wire} ({@link #wireName()} spelling), if any. */
    public static Optional<NumberType> fromWire(String wire) {
        for (NumberType t : values()) {
            if (t.wireName().equals(wire)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
