package ai.oneinbox.edge.sip.message;

import java.util.Arrays;

/**
 * Where each header line sits in the message octets: five offsets per line (line start, name end, value
 * start, value end without trailing white space, line end at its CR/LF), with the header kind in the top
 * byte of the first (offsets stay below 2^24, {@link SipLimits#MAX_MESSAGE_BYTES}). One small array per
 * message: on the hot path every allocated byte is a cache line written.
 */
final class HeaderIndex {

    private static final SipHeaderName[] KINDS = SipHeaderName.values();
    private static final int STRIDE = 5;
    private static final int OFFSET_MASK = 0xFF_FFFF;

    int count;
    private int[] offsets;

    HeaderIndex(int capacity) {
        offsets = new int[capacity * STRIDE];
    }

    void add(int lineStart, int nameEnd, int valueStart, int valueEnd, int lineEnd, SipHeaderName kind) {
        int o = count * STRIDE;
        if (o == offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[o] = lineStart | (kind.ordinal() << 24);
        offsets[o + 1] = nameEnd;
        offsets[o + 2] = valueStart;
        offsets[o + 3] = valueEnd;
        offsets[o + 4] = lineEnd;
        count++;
    }

    int lineStart(int h) {
        return offsets[h * STRIDE] & OFFSET_MASK;
    }

    int nameEnd(int h) {
        return offsets[h * STRIDE + 1];
    }

    int valueStart(int h) {
        return offsets[h * STRIDE + 2];
    }

    int valueEnd(int h) {
        return offsets[h * STRIDE + 3];
    }

    int lineEnd(int h) {
        return offsets[h * STRIDE + 4];
    }

    SipHeaderName kind(int h) {
        return KINDS[offsets[h * STRIDE] >>> 24];
    }

    /** Index of the first line of {@code kind}, or -1. */
    int first(SipHeaderName kind) {
        int k = kind.ordinal();
        for (int h = 0; h < count; h++) {
            if (offsets[h * STRIDE] >>> 24 == k) {
                return h;
            }
        }
        return -1;
    }

    int countOf(SipHeaderName kind) {
        int k = kind.ordinal();
        int n = 0;
        for (int h = 0; h < count; h++) {
            if (offsets[h * STRIDE] >>> 24 == k) {
                n++;
            }
        }
        return n;
    }

    boolean nameEquals(byte[] buf, int h, String name) {
        int start = lineStart(h);
        int end = nameEnd(h);
        if (end - start != name.length()) {
            return false;
        }
        for (int k = 0; k < name.length(); k++) {
            char a = (char) (buf[start + k] & 0xff);
            if (Character.toLowerCase(a) != Character.toLowerCase(name.charAt(k))) {
                return false;
            }
        }
        return true;
    }
}
