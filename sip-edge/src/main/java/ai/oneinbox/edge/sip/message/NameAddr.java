package ai.oneinbox.edge.sip.message;

import java.util.Optional;

/**
 * One value of From, To, Contact, Route, Record-Route or Diversion: {@code name-addr / addr-spec} followed by
 * header parameters.
 *
 * @param displayName display name as received (quotes kept), when present
 * @param uri         the address
 * @param parameters  header parameters as received including the leading ";" (e.g. ";tag=1928301774"), or ""
 * @param raw         the whole value as received (white space folding kept)
 */
public record NameAddr(Optional<String> displayName, SipUri uri, String parameters, String raw) {

    /** The {@code tag} parameter (From/To). */
    public Optional<String> tag() {
        return parameter("tag");
    }

    /** Value of header parameter {@code name} (case-insensitive); "" for a parameter without value. */
    public Optional<String> parameter(String name) {
        return Params.find(parameters, name);
    }

    @Override
    public String toString() {
        return raw;
    }
}
