package ai.oneinbox.edge.sip.message;

/**
 * The RFC 3261 §25.1 ABNF as scanning functions over the octets of a message, named after the rules.
 *
 * <p>Every function takes an absolute reader position {@code i} and an exclusive bound {@code end}, and
 * answers the position after what it consumed. {@code consume*} functions consume zero or more octets and
 * never fail; {@code expect*} functions answer {@link #NO_MATCH} when the rule does not match at {@code i}.
 * Nothing here allocates, so the parser's hot path stays free of garbage.
 */
public final class SipGrammar {

    /** Answer of an {@code expect*} function whose rule did not match. */
    public static final int NO_MATCH = -1;

    static final byte SP = ' ';
    static final byte HTAB = '\t';
    static final byte CR = '\r';
    static final byte LF = '\n';

    private static final int TOKEN = 1;          // token chars (RFC 3261 "token")
    private static final int WORD = 1 << 1;      // "word" chars of Call-ID
    private static final int UNRESERVED = 1 << 2; // alphanum / mark
    private static final int USER_UNRESERVED = 1 << 3;
    private static final int PARAM_UNRESERVED = 1 << 4;
    private static final int HNV_UNRESERVED = 1 << 5;
    private static final int HOST = 1 << 6;       // hostname / IPv4 chars (alphanum "-" "."), plus "_" seen in the wild
    private static final int ALPHA = 1 << 7;
    private static final int DIGIT = 1 << 8;
    private static final int SCHEME = 1 << 9;     // ALPHA / DIGIT / "+" / "-" / "."
    private static final int URIC = 1 << 10;      // RFC 2396 uric (absoluteURI opaque part)

    private static final int[] CLASSES = new int[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) {
            mark(c, TOKEN | WORD | UNRESERVED | HOST | ALPHA | SCHEME | URIC);
            mark(c - 'a' + 'A', TOKEN | WORD | UNRESERVED | HOST | ALPHA | SCHEME | URIC);
        }
        for (int c = '0'; c <= '9'; c++) {
            mark(c, TOKEN | WORD | UNRESERVED | HOST | DIGIT | SCHEME | URIC);
        }
        markAll("-.!%*_+`'~", TOKEN | WORD);
        markAll("()<>:\\\"/[]?{}", WORD);
        markAll("-_.!~*'()", UNRESERVED | URIC);
        markAll("&=+$,;?/", USER_UNRESERVED);
        markAll("[]/:&+$", PARAM_UNRESERVED);
        markAll("[]/?:+$", HNV_UNRESERVED);
        markAll("-._", HOST);
        markAll("+-.", SCHEME);
        markAll(";/?:@&=+$,%", URIC);
    }

    private SipGrammar() {
    }

    private static void mark(int c, int classes) {
        CLASSES[c] |= classes;
    }

    private static void markAll(String chars, int classes) {
        for (int k = 0; k < chars.length(); k++) {
            mark(chars.charAt(k), classes);
        }
    }

    private static boolean is(byte b, int cls) {
        return (CLASSES[b & 0xff] & cls) != 0;
    }

    /** {@code token} character: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~". */
    public static boolean isTokenChar(byte b) {
        return is(b, TOKEN);
    }

    /** {@code word} character (Call-ID). */
    public static boolean isWordChar(byte b) {
        return is(b, WORD);
    }

    public static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    public static boolean isAlpha(byte b) {
        return is(b, ALPHA);
    }

    static boolean isHexDigit(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    static boolean isUnreserved(byte b) {
        return is(b, UNRESERVED);
    }

    static boolean isUserChar(byte b) {
        return is(b, UNRESERVED | USER_UNRESERVED);
    }

    static boolean isPasswordChar(byte b) {
        // password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
        return is(b, UNRESERVED) || b == '&' || b == '=' || b == '+' || b == '$' || b == ',';
    }

    static boolean isParamChar(byte b) {
        return is(b, UNRESERVED | PARAM_UNRESERVED);
    }

    static boolean isHeaderChar(byte b) {
        return is(b, UNRESERVED | HNV_UNRESERVED);
    }

    static boolean isHostChar(byte b) {
        return is(b, HOST);
    }

    static boolean isSchemeChar(byte b) {
        return is(b, SCHEME);
    }

    static boolean isUricChar(byte b) {
        return is(b, URIC);
    }

    public static boolean isWsp(byte b) {
        return b == SP || b == HTAB;
    }

    /**
     * {@code LWS = [*WSP CRLF] 1*WSP} (a bare LF is tolerated as the line end). Answers {@code i} when
     * there is no linear white space at {@code i}.
     */
    public static int consumeLWS(byte[] buf, int i, int end) {
        int j = i;
        while (j < end && isWsp(buf[j])) {
            j++;
        }
        int afterEol = eolEnd(buf, j, end);
        if (afterEol != NO_MATCH && afterEol < end && isWsp(buf[afterEol])) {
            j = afterEol;
            while (j < end && isWsp(buf[j])) {
                j++;
            }
            return j;
        }
        return j > i ? j : i;
    }

    /** {@code SWS = [LWS]}: any amount of white space, folds included. */
    public static int consumeSWS(byte[] buf, int i, int end) {
        int j = i;
        while (true) {
            int k = consumeLWS(buf, j, end);
            if (k == j) {
                return j;
            }
            j = k;
        }
    }

    /** Position after the CRLF (or bare LF) at {@code i}, or {@link #NO_MATCH}. */
    static int eolEnd(byte[] buf, int i, int end) {
        if (i < end) {
            byte b = buf[i];
            if (b == LF) {
                return i + 1;
            }
            if (b == CR && i + 1 < end && buf[i + 1] == LF) {
                return i + 2;
            }
        }
        return NO_MATCH;
    }

    /** {@code HCOLON = *( SP / HTAB ) ":" SWS}. */
    public static int expectHCOLON(byte[] buf, int i, int end) {
        int j = i;
        while (j < end && isWsp(buf[j])) {
            j++;
        }
        if (j >= end || buf[j] != ':') {
            return NO_MATCH;
        }
        return consumeSWS(buf, j + 1, end);
    }

    /** {@code SWS c SWS} for a separator such as SEMI (";"), COMMA (","), EQUAL ("="), SLASH ("/"). */
    public static int expectSeparator(byte[] buf, int i, int end, char c) {
        int j = consumeSWS(buf, i, end);
        if (j >= end || buf[j] != c) {
            return NO_MATCH;
        }
        return consumeSWS(buf, j + 1, end);
    }

    /** {@code SEMI = SWS ";" SWS}. */
    public static int expectSEMI(byte[] buf, int i, int end) {
        return expectSeparator(buf, i, end, ';');
    }

    /** {@code COMMA = SWS "," SWS}. */
    public static int expectCOMMA(byte[] buf, int i, int end) {
        return expectSeparator(buf, i, end, ',');
    }

    /** {@code EQUAL = SWS "=" SWS}. */
    public static int expectEQUAL(byte[] buf, int i, int end) {
        return expectSeparator(buf, i, end, '=');
    }

    /** {@code SLASH = SWS "/" SWS}. */
    public static int expectSLASH(byte[] buf, int i, int end) {
        return expectSeparator(buf, i, end, '/');
    }

    /** {@code LAQUOT = SWS "<"}. */
    public static int expectLAQUOT(byte[] buf, int i, int end) {
        int j = consumeSWS(buf, i, end);
        return j < end && buf[j] == '<' ? j + 1 : NO_MATCH;
    }

    /** {@code RAQUOT = ">" SWS}. */
    public static int expectRAQUOT(byte[] buf, int i, int end) {
        return i < end && buf[i] == '>' ? consumeSWS(buf, i + 1, end) : NO_MATCH;
    }

    /** {@code token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )}: position after it. */
    public static int consumeToken(byte[] buf, int i, int end) {
        int j = i;
        while (j < end && isTokenChar(buf[j])) {
            j++;
        }
        return j;
    }

    /** A token of at least one character, or {@link #NO_MATCH}. */
    public static int expectToken(byte[] buf, int i, int end) {
        int j = consumeToken(buf, i, end);
        return j > i ? j : NO_MATCH;
    }

    /** {@code word} run (Call-ID): position after it. */
    public static int consumeWord(byte[] buf, int i, int end) {
        int j = i;
        while (j < end && isWordChar(buf[j])) {
            j++;
        }
        return j;
    }

    /**
     * {@code quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE} starting at the DQUOTE at {@code i}:
     * the position after the closing DQUOTE, or {@link #NO_MATCH} when unterminated or holding a bare CR/LF.
     */
    public static int expectQuotedString(byte[] buf, int i, int end) {
        if (i >= end || buf[i] != '"') {
            return NO_MATCH;
        }
        int j = i + 1;
        while (j < end) {
            byte b = buf[j];
            if (b == '"') {
                return j + 1;
            }
            if (b == '\\') {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
                if (j + 1 >= end) {
                    return NO_MATCH;
                }
                byte q = buf[j + 1];
                if (q == CR || q == LF || (q & 0x80) != 0) {
                    return NO_MATCH;
                }
                j += 2;
                continue;
            }
            if (b == CR || b == LF) {
                int k = consumeLWS(buf, j, end);
                if (k == j) {
                    return NO_MATCH;
                }
                j = k;
                continue;
            }
            j++;
        }
        return NO_MATCH;
    }

    /** {@code escaped = "%" HEXDIG HEXDIG} at {@code i}: position after it, or {@link #NO_MATCH}. */
    static int expectEscaped(byte[] buf, int i, int end) {
        if (i + 2 < end && buf[i] == '%' && isHexDigit(buf[i + 1])
                && isHexDigit(buf[i + 2])) {
            return i + 3;
        }
        return NO_MATCH;
    }

    /**
     * {@code host = hostname / IPv4address / IPv6reference}. A bracketed IPv6 reference holds hex digits,
     * ":" and "." only (RFC 5118 §4.10's three-colon form is tolerated). Answers the position after the
     * host, or {@link #NO_MATCH}.
     */
    public static int expectHost(byte[] buf, int i, int end) {
        if (i >= end) {
            return NO_MATCH;
        }
        if (buf[i] == '[') {
            int j = i + 1;
            while (j < end) {
                byte b = buf[j];
                if (b == ']') {
                    return j > i + 2 ? j + 1 : NO_MATCH;
                }
                if (!isHexDigit(b) && b != ':' && b != '.') {
                    return NO_MATCH;
                }
                j++;
            }
            return NO_MATCH;
        }
        int j = i;
        while (j < end && isHostChar(buf[j])) {
            j++;
        }
        return j > i ? j : NO_MATCH;
    }

    /** {@code port = 1*DIGIT} in 0..65535: position after it, or {@link #NO_MATCH}. */
    public static int expectPort(byte[] buf, int i, int end) {
        int j = i;
        int value = 0;
        while (j < end && isDigit(buf[j])) {
            value = value * 10 + (buf[j] - '0');
            if (value > 65535) {
                return NO_MATCH;
            }
            j++;
        }
        return j > i ? j : NO_MATCH;
    }

    /** Decimal digits in [i, end) as a long; -1 when empty, non-digit, or above {@code max}. */
    static long parseDecimal(byte[] buf, int i, int end, long max) {
        if (i >= end) {
            return -1;
        }
        long value = 0;
        for (int j = i; j < end; j++) {
            byte b = buf[j];
            if (!isDigit(b)) {
                return -1;
            }
            value = value * 10 + (b - '0');
            if (value > max) {
                return -1;
            }
        }
        return value;
    }

    /** Index of the first {@code value} in [from, to), or -1. */
    public static int indexOf(byte[] buf, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (buf[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** ASCII case-insensitive comparison of [i, end) with {@code lowerCase} (given in lower case). */
    static boolean equalsIgnoreCase(byte[] buf, int i, int end, String lowerCase) {
        if (end - i != lowerCase.length()) {
            return false;
        }
        for (int k = 0; k < lowerCase.length(); k++) {
            int b = buf[i + k];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCase.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
