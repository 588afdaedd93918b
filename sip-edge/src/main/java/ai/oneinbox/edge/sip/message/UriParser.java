package ai.oneinbox.edge.sip.message;

import static ai.oneinbox.edge.sip.message.SipGrammar.NO_MATCH;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code SIP-URI / SIPS-URI / absoluteURI} (RFC 3261 §19.1, §25.1) over a known extent [start, end). */
final class UriParser {

    private UriParser() {
    }

    static Optional<SipUri> parseString(String text) {
        byte[] buf = text.getBytes(StandardCharsets.UTF_8);
        SipUri uri = parse(buf, 0, buf.length, true);
        return Optional.ofNullable(uri);
    }

    /** True when [start, end) is a well-formed URI; {@code allowHeaders}: whether "?headers" may follow. */
    static boolean validate(byte[] buf, int start, int end, boolean allowHeaders) {
        return scan(buf, start, end, allowHeaders, null);
    }

    /** The URI at [start, end), or null when malformed (internal: callers validated first or check). */
    static SipUri parse(byte[] buf, int start, int end, boolean allowHeaders) {
        int[] parts = new int[8];
        if (!scan(buf, start, end, allowHeaders, parts)) {
            return null;
        }
        String raw = new String(buf, start, end - start, StandardCharsets.UTF_8);
        int schemeEnd = parts[0];
        String scheme = SipUri.lower(raw.substring(0, schemeEnd - start));
        if (parts[7] == 0) {
            return new SipUri(scheme, Optional.empty(), "", OptionalInt.empty(), "", "", raw);
        }
        int userStart = parts[1];
        int userEnd = parts[2];
        int hostStart = parts[3];
        int hostEnd = parts[4];
        int portEnd = parts[5];
        int paramsEnd = parts[6];
        Optional<String> user = userStart < 0 ? Optional.empty()
                : Optional.of(raw.substring(userStart - start, userEnd - start));
        String host = raw.substring(hostStart - start, hostEnd - start);
        OptionalInt port = portEnd > hostEnd
                ? OptionalInt.of(Integer.parseInt(raw.substring(hostEnd + 1 - start, portEnd - start)))
                : OptionalInt.empty();
        String params = raw.substring(portEnd - start, paramsEnd - start);
        String headers = paramsEnd < end ? raw.substring(paramsEnd + 1 - start) : "";
        return new SipUri(scheme, user, host, port, params, headers, raw);
    }

    /**
     * parts: [0] scheme end (at ":"), [1] user start or -1, [2] user end, [3] host start, [4] host end,
     * [5] port end (== host end when no port), [6] params end, [7] 1 for a SIP(S) URI.
     */
    private static boolean scan(byte[] buf, int start, int end, boolean allowHeaders, int[] parts) {
        if (start >= end || !SipGrammar.isAlpha(buf[start])) {
            return false;
        }
        int i = start + 1;
        while (i < end && SipGrammar.isSchemeChar(buf[i])) {
            i++;
        }
        if (i >= end || buf[i] != ':') {
            return false;
        }
        int schemeEnd = i;
        boolean sip = SipGrammar.equalsIgnoreCase(buf, start, schemeEnd, "sip")
                || SipGrammar.equalsIgnoreCase(buf, start, schemeEnd, "sips");
        i++;
        if (!sip) {
            // absoluteURI = scheme ":" ( hier-part / opaque-part ): a non-empty run of uric (RFC 2396)
            if (i >= end) {
                return false;
            }
            for (int j = i; j < end; j++) {
                byte b = buf[j];
                if (b == '%') {
                    if (SipGrammar.expectEscaped(buf, j, end) == NO_MATCH) {
                        return false;
                    }
                    j += 2;
                } else if (!SipGrammar.isUricChar(b) && b != '#') {
                    return false;
                }
            }
            if (parts != null) {
                parts[0] = schemeEnd;
                parts[7] = 0;
            }
            return true;
        }
        // userinfo: everything before the first "@" (no "@" may appear unescaped later in a SIP URI)
        int at = -1;
        for (int j = i; j < end; j++) {
            if (buf[j] == '@') {
                at = j;
                break;
            }
        }
        int userStart = -1;
        int userEnd = -1;
        if (at >= 0) {
            userStart = i;
            int j = i;
            while (j < at) {
                byte b = buf[j];
                if (b == ':') {
                    break;
                }
                if (b == '%') {
                    if (SipGrammar.expectEscaped(buf, j, at) == NO_MATCH) {
                        return false;
                    }
                    j += 3;
                    continue;
                }
                if (!SipGrammar.isUserChar(b)) {
                    return false;
                }
                j++;
            }
            userEnd = j;
            if (userEnd == userStart) {
                return false;
            }
            if (j < at) {
                for (j = j + 1; j < at; j++) {
                    byte b = buf[j];
                    if (b == '%') {
                        if (SipGrammar.expectEscaped(buf, j, at) == NO_MATCH) {
                            return false;
                        }
                        j += 2;
                    } else if (!SipGrammar.isPasswordChar(b)) {
                        return false;
                    }
                }
            }
            i = at + 1;
        }
        int hostStart = i;
        int hostEnd = SipGrammar.expectHost(buf, i, end);
        if (hostEnd == NO_MATCH) {
            return false;
        }
        i = hostEnd;
        int portEnd = hostEnd;
        if (i < end && buf[i] == ':') {
            portEnd = SipGrammar.expectPort(buf, i + 1, end);
            if (portEnd == NO_MATCH) {
                return false;
            }
            i = portEnd;
        }
        // uri-parameters = *( ";" pname [ "=" pvalue ] ), pname/pvalue = 1*paramchar
        while (i < end && buf[i] == ';') {
            i = paramChars(buf, i + 1, end);
            if (i == NO_MATCH) {
                return false;
            }
            if (i < end && buf[i] == '=') {
                i = paramChars(buf, i + 1, end);
                if (i == NO_MATCH) {
                    return false;
                }
            }
        }
        int paramsEnd = i;
        if (i < end && buf[i] == '?') {
            if (!allowHeaders) {
                return false;
            }
            // headers = "?" header *( "&" header ), header = hname "=" hvalue
            i++;
            while (true) {
                int j = headerChars(buf, i, end, true);
                if (j == NO_MATCH || j >= end || buf[j] != '=') {
                    return false;
                }
                i = headerChars(buf, j + 1, end, false);
                if (i == NO_MATCH) {
                    return false;
                }
                if (i < end && buf[i] == '&') {
                    i++;
                    continue;
                }
                break;
            }
        }
        if (i != end) {
            return false;
        }
        if (parts != null) {
            parts[0] = schemeEnd;
            parts[1] = userStart;
            parts[2] = userEnd;
            parts[3] = hostStart;
            parts[4] = hostEnd;
            parts[5] = portEnd;
            parts[6] = paramsEnd;
            parts[7] = 1;
        }
        return true;
    }

    private static int paramChars(byte[] buf, int i, int end) {
        int j = i;
        while (j < end) {
            byte b = buf[j];
            if (b == '%') {
                if (SipGrammar.expectEscaped(buf, j, end) == NO_MATCH) {
                    return NO_MATCH;
                }
                j += 3;
            } else if (SipGrammar.isParamChar(b)) {
                j++;
            } else {
                break;
            }
        }
        return j > i ? j : NO_MATCH;
    }

    private static int headerChars(byte[] buf, int i, int end, boolean nonEmpty) {
        int j = i;
        while (j < end) {
            byte b = buf[j];
            if (b == '%') {
                if (SipGrammar.expectEscaped(buf, j, end) == NO_MATCH) {
                    return NO_MATCH;
                }
                j += 3;
            } else if (SipGrammar.isHeaderChar(b)) {
                j++;
            } else {
                break;
            }
        }
        return j > i || !nonEmpty ? j : NO_MATCH;
    }
}
