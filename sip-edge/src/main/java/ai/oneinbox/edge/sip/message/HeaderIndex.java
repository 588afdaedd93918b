package ai.oneinbox.edge.sip.message;

import java.util.Arrays;

/**
 * Where each header line sits in the message buffer: five offsets per line (line start, name end, value
 * start, value end without trailing white space, line end at its CR/LF) and the header kind.
 */
final class HeaderIndex {

    private static final SipHeaderName[] KINDS = SipHeaderName.values();
    private static final int STRIDE = 5;

    int count;
    private int[] offsets;
    private byte[] kinds;

    HeaderIndex(int capacity) {
        offsets = new int[capacity * STRIDE];
        kinds = new byte[capacity];
    }

    void add(int lineStart, int nameEnd, int valueStart, int valueEnd, int lineEnd, SipHeaderName kind) {
        if (count == kinds.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
            kinds = Arrays.copyOf(kinds, kinds.length * 2);
        }
        int o = count * STRIDE;
        offsets[o] = lineStart;
        offsets[o + 1] = nameEnd;
        offsets[o + 2] = valueStart;
        offsets[o + 3] = valueEnd;
        offsets[o + 4] = lineEnd;
        kinds[count] = (byte) kind.ordinal();
        count++;
    }

    int lineStart(int h) {
        return offsets[h * STRIDE];
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
        return KINDS[kinds[h]];
    }

    /** Index of the first line of {@code kind}, or -1. */
    int first(SipHeaderName kind) {
        byte k = (byte) kind.ordinal();
        for (int h = 0; h < count; h++) {
            if (kinds[h] == k) {
                return h;
            }
        }
        return -1;
    }

    int countOf(SipHeaderName kind) {
        byte k = (byte) kind.ordinal();
        int n = 0;
        for (int h = 0; h < count; h++) {
            if (kinds[h] == k) {
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
