package ai.oneinbox.edge.sip.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a response to a request from the request's indexed header lines (RFC 3261 §8.2.6.2): every Via,
 * From, To (with a To tag added when missing and the status is above 100), Call-ID and CSeq are copied
 * octet for octet under their long names.
 */
final class ResponseWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private ResponseWriter() {
    }

    static byte[] fromIndex(byte[] src, HeaderIndex index, int status, String phrase, String warning) {
        ByteBuf out = Unpooled.buffer(512);
        List<String[]> extra = new java.util.ArrayList<>(1);
        extra.add(new String[] {"Warning", "399 oneinbox-edge \"" + warning.replace('"', '\'') + "\""});
        write(out, src, index, status, phrase, null, extra);
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    /**
     * @param toTag tag to add to To when it has none (null: a random one when the status is above 100)
     * @param extra additional header lines as {name, value} pairs, written after CSeq
     */
    static void write(ByteBuf out, byte[] src, HeaderIndex index, int status, String phrase, String toTag,
                      List<String[]> extra) {
        out.writeCharSequence("SIP/2.0 ", io.netty.util.CharsetUtil.US_ASCII);
        out.writeCharSequence(Integer.toString(status), io.netty.util.CharsetUtil.US_ASCII);
        out.writeByte(' ');
        ByteBufUtil.writeUtf8(out, phrase);
        out.writeBytes(CRLF);
        copy(out, src, index, SipHeaderName.VIA, null);
        copy(out, src, index, SipHeaderName.FROM, null);
        String tag = toTag;
        if (tag == null && status > 100) {
            tag = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        }
        copy(out, src, index, SipHeaderName.TO, tag);
        copy(out, src, index, SipHeaderName.CALL_ID, null);
        copy(out, src, index, SipHeaderName.CSEQ, null);
        for (String[] h : extra) {
            ByteBufUtil.writeUtf8(out, h[0]);
            out.writeByte(':').writeByte(' ');
            ByteBufUtil.writeUtf8(out, h[1]);
            out.writeBytes(CRLF);
        }
        out.writeCharSequence("Content-Length: 0\r\n\r\n", io.netty.util.CharsetUtil.US_ASCII);
    }

    private static void copy(ByteBuf out, byte[] src, HeaderIndex index, SipHeaderName name, String toTag) {
        for (int h = 0; h < index.count; h++) {
            if (index.kind(h) != name) {
                continue;
            }
            out.writeCharSequence(name.canonicalName(), io.netty.util.CharsetUtil.US_ASCII);
            out.writeByte(':').writeByte(' ');
            int vs = index.valueStart(h);
            int ve = index.valueEnd(h);
            out.writeBytes(src, vs, ve - vs);
            if (toTag != null && !hasTag(src, vs, ve)) {
                out.writeCharSequence(";tag=", io.netty.util.CharsetUtil.US_ASCII);
                ByteBufUtil.writeUtf8(out, toTag);
            }
            out.writeBytes(CRLF);
            if (name != SipHeaderName.VIA) {
                return; // single-valued: the first line only
            }
        }
    }

    /** True when a ";tag=" parameter (any case, white space allowed) appears outside quotes and brackets. */
    static boolean hasTag(byte[] src, int start, int end) {
        boolean quoted = false;
        boolean bracketed = false;
        for (int i = start; i < end; i++) {
            byte c = src[i];
            if (c == '"' && !bracketed) {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (!quoted && c == '<') {
                bracketed = true;
            } else if (!quoted && c == '>') {
                bracketed = false;
            } else if (!quoted && !bracketed && c == ';') {
                int j = SipGrammar.consumeSWS(src, i + 1, end);
                if (j + 3 <= end && SipGrammar.equalsIgnoreCase(src, j, j + 3, "tag")) {
                    int k = SipGrammar.consumeSWS(src, j + 3, end);
                    if (k < end && src[k] == '=') {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
