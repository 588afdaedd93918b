package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InvalidNumberException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Field checks shared by the handlers; each answers the reason a value is wrong, or nothing. */
final class Validation {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");
    // RFC 3261 §25.1 SIP-URI, the parts a provisioned endpoint uses: scheme, optional userinfo, host
    // (hostname, IPv4 or [IPv6]), optional port, optional ;params.
    private static final Pattern SIP_URI = Pattern.compile(
            "(?i)sips?:(?:[A-Za-z0-9\\-_.!~*'()&=+$,;?/%]+@)?"
                    + "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?"
                    + "|\\[[0-9A-Fa-f:.]+\\])"
                    + "(?::[0-9]{1,5})?(?:;[A-Za-z0-9\\-_.!~*'()%]+(?:=[A-Za-z0-9\\-_.!~*'()%\\[\\]/:&+$]+)?)*");
    private static final Pattern HOST = Pattern.compile(
            "(?i)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+(?::[0-9]{1,5})?");

    private Validation() {}

    static Optional<String> idProblem(String id) {
        return ID.matcher(id).matches()
                ? Optional.empty()
                : Optional.of("must be 1-64 characters of letters, digits, '_', '.', ':' or '-', starting with a letter or digit");
    }

    static Optional<String> sipUriProblem(String uri) {
        if (!SIP_URI.matcher(uri).matches()) {
            return Optional.of("must be a SIP URI like sip:agent@host:5060");
        }
        return portProblem(uri);
    }

    private static Optional<String> portProblem(String uri) {
        var m = Pattern.compile(":([0-9]{1,5})(?:;|$)").matcher(uri);
        if (m.find() && Integer.parseInt(m.group(1)) > 65535) {
            return Optional.of("port must be 1..65535");
        }
        return Optional.empty();
    }

    /**
     * A trunk's termination: a host name ({@code yourtrunk.pstn.twilio.com}) or a SIP URI. Stored as a SIP
     * URI, lower case, so the same trunk is found whichever way it was written.
     */
    static Optional<String> normaliseTermination(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (v.startsWith("sip:") || v.startsWith("sips:")) {
            return SIP_URI.matcher(v).matches() && portProblem(v).isEmpty() ? Optional.of(v) : Optional.empty();
        }
        return HOST.matcher(v).matches() && portProblem(v).isEmpty() ? Optional.of("sip:" + v) : Optional.empty();
    }

    /** An E.164 number in a body field; records the error on {@code body} when it is not one. */
    static Optional<E164> number(Body body, String field, String text, String region) {
        try {
            return Optional.of(E164.parse(text, region));
        } catch (InvalidNumberException e) {
            body.error(field, "not an E.164 number: " + e.reason());
            return Optional.empty();
        }
    }

    /** The {@code {e164}} path parameter: {@code +14155550100} (sent as {@code %2B...}) or its digits. */
    static E164 pathNumber(String text) {
        String t = text.strip();
        if (!t.matches("\\+?[1-9][0-9]{6,14}")) {
            throw ApiProblem.invalid("e164", "must be an E.164 number like +14155550100 or 14155550100");
        }
        return E164.of(Long.parseLong(t.startsWith("+") ? t.substring(1) : t));
    }
}
