package ai.oneinbox.edge.sip.message;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A URI as a SIP message carries it: for {@code sip:}/{@code sips:} the parts (user, host, port, raw
 * parameters and headers); for any other scheme ({@code tel:}, {@code im:}, an unknown one) only the scheme
 * and the raw text, with an empty user, host {@code ""} and no port.
 *
 * <p>Escapes stay as they arrived ({@code %HH} is not decoded, RFC 4475 §3.1.1.3), so forwarding never
 * changes a URI; {@link #userUnescaped()} decodes for comparisons such as the called number.
 *
 * @param scheme     lower-cased scheme ("sip", "sips", "tel", ...)
 * @param user       the user part of userinfo, escaped as received (may contain ";", RFC 4475 §3.1.1.9)
 * @param host       host as received, an IPv6 reference with its brackets; "" for non-SIP schemes
 * @param port       port when present
 * @param parameters uri-parameters as received including the leading ";" (e.g. ";lr;transport=tcp"), or ""
 * @param headers    headers as received after "?", or ""
 * @param raw        the whole URI as received
 */
public record SipUri(String scheme, Optional<String> user, String host, OptionalInt port, String parameters,
                     String headers, String raw) {

    /** True for {@code sip:} and {@code sips:}. */
    public boolean isSip() {
        return "sip".equals(scheme) || "sips".equals(scheme);
    }

    /** The value of uri-parameter {@code name} (case-insensitive); "" for a parameter without value. */
    public Optional<String> parameter(String name) {
        return Params.find(parameters, name);
    }

    public boolean hasParameter(String name) {
        return parameter(name).isPresent();
    }

    /** {@code host[:port]} as received. */
    public String hostPort() {
        return port.isPresent() ? host + ':' + port.getAsInt() : host;
    }

    /** The user part with {@code %HH} escapes decoded (octets taken as UTF-8). */
    public Optional<String> userUnescaped() {
        return user.map(Params::unescape);
    }

    /** Parses {@code text} as a Request-URI would be (no "?" headers allowed for SIP URIs there: false). */
    public static Optional<SipUri> parse(String text) {
        return UriParser.parseString(text);
    }

    @Override
    public String toString() {
        return raw;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
