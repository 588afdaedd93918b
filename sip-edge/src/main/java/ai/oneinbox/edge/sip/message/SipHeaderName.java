package ai.oneinbox.edge.sip.message;


/**
 * The header fields the edge reads, with their RFC compact forms. Names match case-insensitively; every
 * other field is {@link #OTHER} and travels as raw bytes.
 */
public enum SipHeaderName {
    VIA("Via", 'v'),
    ROUTE("Route", '\0'),
    RECORD_ROUTE("Record-Route", '\0'),
    MAX_FORWARDS("Max-Forwards", '\0'),
    CALL_ID("Call-ID", 'i'),
    CSEQ("CSeq", '\0'),
    FROM("From", 'f'),
    TO("To", 't'),
    CONTACT("Contact", 'm'),
    CONTENT_LENGTH("Content-Length", 'l'),
    CONTENT_TYPE("Content-Type", 'c'),
    CONTENT_ENCODING("Content-Encoding", 'e'),
    SUPPORTED("Supported", 'k'),
    SUBJECT("Subject", 's'),
    EVENT("Event", 'o'),
    REFER_TO("Refer-To", 'r'),
    REFERRED_BY("Referred-By", 'b'),
    SESSION_EXPIRES("Session-Expires", 'x'),
    ALLOW_EVENTS("Allow-Events", 'u'),
    ACCEPT_CONTACT("Accept-Contact", 'a'),
    REJECT_CONTACT("Reject-Contact", 'j'),
    REQUEST_DISPOSITION("Request-Disposition", 'd'),
    IDENTITY("Identity", 'y'),
    DIVERSION("Diversion", '\0'),
    USER_AGENT("User-Agent", '\0'),
    REQUIRE("Require", '\0'),
    PROXY_REQUIRE("Proxy-Require", '\0'),
    ALLOW("Allow", '\0'),
    OTHER("", '\0');

    private static final SipHeaderName[] ALL = values();
    private static final SipHeaderName[] COMPACT = new SipHeaderName[128];
    // candidates by lower-case first letter: their lower-case names as octets, for a compare without calls
    private static final SipHeaderName[][] BY_FIRST_LETTER = new SipHeaderName[128][];
    private static final byte[][][] NAMES_BY_FIRST_LETTER = new byte[128][][];

    static {
        for (SipHeaderName h : values()) {
            if (h.compact != '\0') {
                COMPACT[h.compact] = h;
            }
        }
        for (char c = 'a'; c <= 'z'; c++) {
            java.util.List<SipHeaderName> list = new java.util.ArrayList<>();
            for (SipHeaderName h : values()) {
                if (h != OTHER && Character.toLowerCase(h.canonical.charAt(0)) == c) {
                    list.add(h);
                }
            }
            BY_FIRST_LETTER[c] = list.toArray(new SipHeaderName[0]);
            NAMES_BY_FIRST_LETTER[c] = new byte[list.size()][];
            for (int k = 0; k < list.size(); k++) {
                NAMES_BY_FIRST_LETTER[c][k] = list.get(k).lower.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
        }
    }

    private final String canonical;
    private final String lower;
    private final char compact;

    SipHeaderName(String canonical, char compact) {
        this.canonical = canonical;
        this.lower = SipUri.lower(canonical);
        this.compact = compact;
    }

    /** The long form as RFC 3261 writes it ("Call-ID", "CSeq"). */
    public String canonicalName() {
        return canonical;
    }

    /** True when {@code name} (any case, long or compact form) names this header. */
    public boolean matches(String name) {
        if (name.length() == 1) {
            return compact != '\0' && Character.toLowerCase(name.charAt(0)) == compact;
        }
        return canonical.equalsIgnoreCase(name);
    }

    /** The header named by {@code name} (any case, long or compact form), or {@link #OTHER}. */
    public static SipHeaderName of(String name) {
        for (SipHeaderName h : ALL) {
            if (h != OTHER && h.matches(name)) {
                return h;
            }
        }
        return OTHER;
    }

    /** Same as {@link #of(String)} on the token octets [start, end) of {@code buf}, without allocating. */
    static SipHeaderName of(byte[] buf, int start, int end) {
        int first = buf[start] | 0x20;
        if (first < 'a' || first > 'z') {
            return OTHER;
        }
        int length = end - start;
        if (length == 1) {
            SipHeaderName h = COMPACT[first];
            return h == null ? OTHER : h;
        }
        byte[][] names = NAMES_BY_FIRST_LETTER[first];
        candidates:
        for (int k = 0; k < names.length; k++) {
            byte[] name = names[k];
            if (name.length != length) {
                continue;
            }
            // OR 0x20 lower-cases letters and keeps "-" and digits; no other token octet maps onto those
            for (int i = 1; i < length; i++) {
                if ((buf[start + i] | 0x20) != name[i]) {
                    continue candidates;
                }
            }
            return BY_FIRST_LETTER[first][k];
        }
        return OTHER;
    }
}
