package ai.oneinbox.edge.sip.transport;

import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.message.SipParseError;
import ai.oneinbox.edge.sip.message.SipParseResult;
import ai.oneinbox.edge.sip.message.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames SIP messages on a TCP/TLS byte stream by Content-Length (RFC 3261 §18.3) and parses each one.
 * Emits {@link SipMessage}s and {@link InboundError}s.
 *
 * <p>CRLFs between messages are skipped; each double CRLF (an RFC 5626 §3.5.1 ping) emits a
 * {@link KeepAlivePing}, which the inbound handler answers with a CRLF pong. A message whose head has no or an
 * invalid Content-Length, or that exceeds {@link SipLimits#maxMessageBytes()}, leaves the stream without
 * framing: the decoder emits an error with {@code closeConnection} and discards everything after it
 * (RFC 4475 §3.1.2.3). A message that frames well but is malformed gets its answer and the stream goes on.
 */
public final class SipStreamDecoder extends ByteToMessageDecoder {

    /** Where the decoder is in the stream. */
    enum State {
        /** Skipping keep-alive CRLFs, then looking for the empty line that ends the head. */
        READ_HEAD,
        /** Head seen and Content-Length known: waiting for {@code frameLength} octets in all. */
        READ_BODY,
        /** Framing lost: every further octet is discarded until the connection closes. */
        BROKEN
    }

    private final SipLimits limits;
    private State state = State.READ_HEAD;
    private int scanned;       // octets of the head already searched for the empty line
    private int frameLength;   // head + body, in READ_BODY
    private int keepAliveLineFeeds; // line feeds skipped between messages

    public SipStreamDecoder(SipLimits limits) {
        this.limits = limits;
    }

    State state() {
        return state;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case READ_HEAD:
                    if (!readHead(in, out)) {
                        return;
                    }
                    break;
                case READ_BODY:
                    if (in.readableBytes() < frameLength) {
                        return;
                    }
                    SipParseResult result = SipParser.parse(in.slice(in.readerIndex(), frameLength), limits);
                    in.skipBytes(frameLength);
                    state = State.READ_HEAD;
                    scanned = 0;
                    out.add(result instanceof SipMessage ? result : new InboundError((SipParseError) result, false));
                    break;
                case BROKEN:
                default:
                    in.skipBytes(in.readableBytes());
                    return;
            }
        }
    }

    /** True when a frame length is known (state moved to READ_BODY or BROKEN). */
    private boolean readHead(ByteBuf in, List<Object> out) {
        if (scanned == 0) {
            while (in.isReadable()) {
                byte b = in.getByte(in.readerIndex());
                if (b != '\r' && b != '\n') {
                    break;
                }
                in.skipBytes(1); // keep-alive
                if (b == '\n' && ++keepAliveLineFeeds == 2) {
                    out.add(KeepAlivePing.INSTANCE); // a double-CRLF ping is answered (RFC 5626 §3.5.1)
                    keepAliveLineFeeds = 0;
                }
            }
            if (!in.isReadable()) {
                return false;
            }
            keepAliveLineFeeds = 0;
        }
        int start = in.readerIndex();
        int limit = in.writerIndex();
        int from = Math.max(start, start + scanned - 3);
        int headEnd = -1;
        for (int i = in.indexOf(from, limit, (byte) '\n'); i >= 0; i = in.indexOf(i + 1, limit, (byte) '\n')) {
            // LF LF or LF CR LF ends the head
            if (i + 1 < limit && in.getByte(i + 1) == '\n') {
                headEnd = i + 2;
                break;
            }
            if (i + 2 < limit && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
                headEnd = i + 3;
                break;
            }
            if (i + 2 >= limit) {
                break;
            }
        }
        if (headEnd < 0) {
            scanned = limit - start;
            if (scanned > limits.maxMessageBytes()) {
                fail(in, start, limit - start, "message head larger than " + limits.maxMessageBytes() + " octets",
                        513, out);
                return true;
            }
            return false;
        }
        int headLength = headEnd - start;
        long contentLength = contentLength(in, start, headEnd);
        if (contentLength == MISSING) {
            fail(in, start, headLength, "no Content-Length on a stream", 400, out);
            return true;
        }
        if (contentLength == INVALID) {
            fail(in, start, headLength, "invalid Content-Length on a stream", 400, out);
            return true;
        }
        if (headLength + contentLength > limits.maxMessageBytes()) {
            fail(in, start, headLength, "message larger than " + limits.maxMessageBytes() + " octets", 513, out);
            return true;
        }
        frameLength = (int) (headLength + contentLength);
        state = State.READ_BODY;
        return true;
    }

    private static final long MISSING = -1;
    private static final long INVALID = -2;

    /** The Content-Length of the head [start, end): its value, {@link #MISSING} or {@link #INVALID}. */
    static long contentLength(ByteBuf in, int start, int end) {
        long value = MISSING;
        int lineStart = in.indexOf(start, end, (byte) '\n') + 1; // skip the start line
        while (lineStart > 0 && lineStart < end) {
            int lf = in.indexOf(lineStart, end, (byte) '\n');
            if (lf < 0) {
                break;
            }
            int colon = in.indexOf(lineStart, lf, (byte) ':');
            if (colon > lineStart && isContentLength(in, lineStart, colon)) {
                if (value != MISSING) {
                    return INVALID; // two Content-Length values: framing unknowable (RFC 4475 §3.3.9)
                }
                value = digits(in, colon + 1, lf);
                if (value < 0) {
                    return INVALID;
                }
            }
            lineStart = lf + 1;
        }
        return value;
    }

    private static boolean isContentLength(ByteBuf in, int start, int colon) {
        int end = colon;
        while (end > start && (in.getByte(end - 1) == ' ' || in.getByte(end - 1) == '\t')) {
            end--;
        }
        int len = end - start;
        if (len == 1) {
            return (in.getByte(start) | 0x20) == 'l';
        }
        if (len != 14) {
            return false;
        }
        String name = "content-length";
        for (int k = 0; k < 14; k++) {
            int c = in.getByte(start + k);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static long digits(ByteBuf in, int from, int lf) {
        int i = from;
        int end = lf;
        while (i < end && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
            i++;
        }
        while (end > i && (in.getByte(end - 1) == ' ' || in.getByte(end - 1) == '\t' || in.getByte(end - 1) == '\r')) {
            end--;
        }
        if (i == end || end - i > 9) {
            return INVALID;
        }
        long v = 0;
        for (int k = i; k < end; k++) {
            byte b = in.getByte(k);
            if (b < '0' || b > '9') {
                return INVALID;
            }
            v = v * 10 + (b - '0');
        }
        return v;
    }

    /**
     * Framing is lost: answer what can be answered (parsing the head alone for its Via, From, To, Call-ID,
     * CSeq), then discard the rest of the stream.
     */
    private void fail(ByteBuf in, int start, int headLength, String reason, int status, List<Object> out) {
        int length = Math.min(headLength, limits.maxMessageBytes());
        SipParseError error = SipParser.reject(in.slice(start, length), limits, status, reason);
        state = State.BROKEN;
        in.skipBytes(in.readableBytes());
        out.add(new InboundError(error, true));
    }
}
