package ai.oneinbox.edge.sip.message;

import static ai.oneinbox.edge.sip.message.SipGrammar.NO_MATCH;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Header-value rules of RFC 3261 §25.1 used by the proxy headers. Each {@code scan*} answers the position
 * after one value (before a separating COMMA or the end), or {@link SipGrammar#NO_MATCH}; the matching
 * {@code parse*} builds the record from a range that scanned well.
 */
final class ValueParsers {

    private ValueParsers() {
    }

    // ---- generic-param = token [ EQUAL gen-value ], gen-value = token / host / quoted-string

    /** {@code *( SEMI generic-param )} from {@code i}: position after the last parameter, or NO_MATCH. */
    static int scanParams(byte[] buf, int i, int end) {
        int j = i;
        while (true) {
            int k = SipGrammar.expectSEMI(buf, j, end);
            if (k == NO_MATCH) {
                return j;
            }
            int nameStart = k;
            k = SipGrammar.expectToken(buf, k, end);
            if (k == NO_MATCH) {
                return NO_MATCH;
            }
            int eq = SipGrammar.expectEQUAL(buf, k, end);
            if (eq != NO_MATCH) {
                k = scanGenValue(buf, eq, end, SipGrammar.equalsIgnoreCase(buf, nameStart, k, "received"));
                if (k == NO_MATCH) {
                    return NO_MATCH;
                }
            }
            j = k;
        }
    }

    /** {@code ipv6}: also an IPv6 address without brackets, as {@code received} may carry (RFC 5118 §4.5). */
    private static int scanGenValue(byte[] buf, int i, int end, boolean ipv6) {
        if (i >= end) {
            return NO_MATCH;
        }
        byte b = buf[i];
        if (b == '"') {
            return SipGrammar.expectQuotedString(buf, i, end);
        }
        if (b == '[') {
            return SipGrammar.expectHost(buf, i, end);
        }
        int j = i;
        while (j < end) {
            byte c = buf[j];
            if (SipGrammar.isTokenChar(c) || (ipv6 && c == ':')) {
                j++;
            } else {
                break;
            }
        }
        return j > i ? j : NO_MATCH;
    }

    // ---- via-parm = sent-protocol LWS sent-by *( SEMI via-params )

    static int scanVia(byte[] buf, int i, int end) {
        return via(buf, i, end, null);
    }

    static Via parseVia(byte[] buf, int i, int end) {
        Via[] out = new Via[1];
        via(buf, i, end, out);
        return out[0];
    }

    private static int via(byte[] buf, int i, int end, Via[] out) {
        int j = SipGrammar.expectToken(buf, i, end); // protocol-name
        if (j == NO_MATCH || (j = SipGrammar.expectSLASH(buf, j, end)) == NO_MATCH) {
            return NO_MATCH;
        }
        if ((j = SipGrammar.expectToken(buf, j, end)) == NO_MATCH // protocol-version
                || (j = SipGrammar.expectSLASH(buf, j, end)) == NO_MATCH) {
            return NO_MATCH;
        }
        int transportStart = j;
        int transportEnd = SipGrammar.expectToken(buf, j, end);
        if (transportEnd == NO_MATCH) {
            return NO_MATCH;
        }
        j = SipGrammar.consumeLWS(buf, transportEnd, end);
        if (j == transportEnd) {
            return NO_MATCH;
        }
        int hostStart = j;
        int hostEnd = SipGrammar.expectHost(buf, j, end);
        if (hostEnd == NO_MATCH) {
            return NO_MATCH;
        }
        j = hostEnd;
        int portStart = -1;
        int portEnd = -1;
        int colon = SipGrammar.expectSeparator(buf, j, end, ':');
        if (colon != NO_MATCH) {
            portStart = colon;
            portEnd = SipGrammar.expectPort(buf, colon, end);
            if (portEnd == NO_MATCH) {
                return NO_MATCH;
            }
            j = portEnd;
        }
        int paramsStart = j;
        int paramsEnd = scanParams(buf, j, end);
        if (paramsEnd == NO_MATCH) {
            return NO_MATCH;
        }
        if (out != null) {
            String transport = ascii(buf, transportStart, transportEnd).toUpperCase(Locale.ROOT);
            String host = ascii(buf, hostStart, hostEnd);
            OptionalInt port = portStart < 0 ? OptionalInt.empty()
                    : OptionalInt.of((int) SipGrammar.parseDecimal(buf, portStart, portEnd, 65535));
            out[0] = new Via(transport, host, port, ascii(buf, paramsStart, paramsEnd), ascii(buf, i, paramsEnd));
        }
        return paramsEnd;
    }

    // ---- ( name-addr / addr-spec ) *( SEMI generic-param )

    /**
     * One address value. {@code requireBrackets}: only {@code name-addr} (Route, Record-Route).
     */
    static int scanAddress(byte[] buf, int i, int end, boolean requireBrackets) {
        return address(buf, i, end, requireBrackets, null);
    }

    static NameAddr parseAddress(byte[] buf, int i, int end, boolean requireBrackets) {
        NameAddr[] out = new NameAddr[1];
        address(buf, i, end, requireBrackets, out);
        return out[0];
    }

    private static int address(byte[] buf, int i, int end, boolean requireBrackets, NameAddr[] out) {
        if (i >= end) {
            return NO_MATCH;
        }
        int displayStart = -1;
        int displayEnd = -1;
        int uriStart;
        int uriEnd;
        int j;
        byte first = buf[i];
        int laquot = NO_MATCH;
        if (first == '"') {
            displayStart = i;
            displayEnd = SipGrammar.expectQuotedString(buf, i, end);
            if (displayEnd == NO_MATCH) {
                return NO_MATCH;
            }
            laquot = SipGrammar.expectLAQUOT(buf, displayEnd, end);
            if (laquot == NO_MATCH) {
                return NO_MATCH;
            }
        } else if (first == '<') {
            laquot = i + 1;
        } else {
            // display-name = *(token LWS): tokens separated by white space, then "<"
            int k = i;
            int lastTokenEnd = -1;
            while (true) {
                int t = SipGrammar.expectToken(buf, k, end);
                if (t == NO_MATCH) {
                    break;
                }
                lastTokenEnd = t;
                int w = SipGrammar.consumeSWS(buf, t, end);
                if (w < end && buf[w] == '<') {
                    laquot = w + 1;
                    break;
                }
                if (w == t) {
                    break;
                }
                k = w;
            }
            if (laquot != NO_MATCH) {
                displayStart = i;
                displayEnd = lastTokenEnd;
            }
        }
        if (laquot != NO_MATCH) {
            // white space or "<" inside <addr-spec> fails the URI check (RFC 4475 §3.1.2.14): no URI rule allows them
            int gt = SipGrammar.indexOf(buf, laquot, end, (byte) '>');
            if (gt < 0 || !UriParser.validate(buf, laquot, gt, true)) {
                return NO_MATCH;
            }
            uriStart = laquot;
            uriEnd = gt;
            j = SipGrammar.expectRAQUOT(buf, gt, end);
        } else {
            if (requireBrackets) {
                return NO_MATCH;
            }
            // addr-spec without <>: the URI ends before ";" "," or white space, and holds none of ";,?"
            // (RFC 3261 §20.10, RFC 4475 §3.1.2.13)
            int k = i;
            while (k < end) {
                byte b = buf[k];
                if (b == ';' || b == ',' || b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                    break;
                }
                k++;
            }
            if (!UriParser.validate(buf, i, k, false)) {
                return NO_MATCH;
            }
            uriStart = i;
            uriEnd = k;
            j = k;
        }
        int paramsStart = j;
        int paramsEnd = scanParams(buf, j, end);
        if (paramsEnd == NO_MATCH) {
            return NO_MATCH;
        }
        if (out != null) {
            Optional<String> display = displayStart < 0 ? Optional.empty()
                    : Optional.of(new String(buf, displayStart, displayEnd - displayStart, StandardCharsets.UTF_8));
            SipUri uri = UriParser.parse(buf, uriStart, uriEnd, laquot != NO_MATCH);
            String params = ascii(buf, paramsStart, paramsEnd);
            String raw = new String(buf, i, paramsEnd - i, StandardCharsets.UTF_8);
            out[0] = new NameAddr(display, uri, params, raw);
        }
        return paramsEnd;
    }

    /**
     * The {@code tag} parameter of an address value the parser has already found well formed (From, To),
     * without building the address: its header parameters start after {@code >} in a name-addr (a quoted
     * display-name may hold {@code <} or {@code ;}, so it is stepped over) or at the first {@code ;} of a
     * bare addr-spec, whose URI holds none (RFC 3261 §20.10). The same answer as
     * {@code parseAddress(..).tag()}.
     */
    static Optional<String> addressTag(byte[] buf, int i, int end) {
        int k = i;
        int params = end;
        while (k < end) {
            byte b = buf[k];
            if (b == '"') {
                k = SipGrammar.expectQuotedString(buf, k, end);
                if (k == NO_MATCH) {
                    return Optional.empty();
                }
                continue;
            }
            if (b == '<') {
                int gt = SipGrammar.indexOf(buf, k + 1, end, (byte) '>');
                params = gt < 0 ? end : gt + 1;
                break;
            }
            if (b == ';') {
                params = k;
                break;
            }
            k++;
        }
        return Params.find(ascii(buf, params, end), "tag");
    }

    // ---- lists

    /** The kind of list element a header holds. */
    enum Element { VIA, ADDRESS, NAME_ADDR, CONTACT, TOKEN }

    /** Scans one header value made of 1+ comma-separated elements; true when all are well formed. */
    static boolean scanList(byte[] buf, int i, int end, Element element) {
        int j = i;
        while (true) {
            int k = scanElement(buf, j, end, element);
            if (k == NO_MATCH) {
                return false;
            }
            k = SipGrammar.consumeSWS(buf, k, end);
            if (k >= end) {
                return true;
            }
            k = SipGrammar.expectCOMMA(buf, k, end);
            if (k == NO_MATCH) {
                return false;
            }
            j = k;
        }
    }

    /** Position after the first element of a list value (for edits that drop it), or NO_MATCH. */
    static int scanElement(byte[] buf, int i, int end, Element element) {
        switch (element) {
            case VIA:
                return scanVia(buf, i, end);
            case ADDRESS:
                return scanAddress(buf, i, end, false);
            case NAME_ADDR:
                return scanAddress(buf, i, end, true);
            case CONTACT:
                if (i < end && buf[i] == '*') {
                    return i + 1;
                }
                return scanAddress(buf, i, end, false);
            case TOKEN:
            default:
                return SipGrammar.expectToken(buf, i, end);
        }
    }

    /** Ranges [start, end) of each element of a well-formed list value, appended to {@code out}. */
    static void elementRanges(byte[] buf, int i, int end, Element element, List<int[]> out) {
        int j = i;
        while (j < end) {
            int k = scanElement(buf, j, end, element);
            if (k == NO_MATCH) {
                return;
            }
            out.add(new int[] {j, k});
            k = SipGrammar.consumeSWS(buf, k, end);
            if (k >= end) {
                return;
            }
            k = SipGrammar.expectCOMMA(buf, k, end);
            if (k == NO_MATCH) {
                return;
            }
            j = k;
        }
    }

    static List<String> tokens(byte[] buf, int i, int end) {
        List<int[]> ranges = new ArrayList<>();
        elementRanges(buf, i, end, Element.TOKEN, ranges);
        List<String> result = new ArrayList<>(ranges.size());
        for (int[] r : ranges) {
            result.add(ascii(buf, r[0], r[1]));
        }
        return result;
    }

    static String ascii(byte[] buf, int start, int end) {
        return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
