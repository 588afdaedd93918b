package ai.oneinbox.edge.sip.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A response the edge itself answers to a request (100, 400, 403, 404, 405, 483, 501, 503, 505, ...): the
 * request's Via lines, From, To, Call-ID and CSeq copied octet for octet (RFC 3261 §8.2.6.2), a To tag added
 * when the status is above 100 and To has none, then the extra headers, {@code Content-Length: 0}.
 *
 * <pre>{@code
 * ByteBuf answer = request.response(405, "Method Not Allowed").header("Allow", "INVITE, ACK, ...").encode(alloc);
 * }</pre>
 */
public final class SipResponseBuilder {

    private final SipRequest request;
    private final int status;
    private final String reasonPhrase;
    private final List<String[]> extra = new ArrayList<>(2);
    private String toTag;

    SipResponseBuilder(SipRequest request, int status, String reasonPhrase) {
        if (status < 100 || status > 699) {
            throw new IllegalArgumentException("status must be 100..699, got " + status);
        }
        this.request = request;
        this.status = status;
        this.reasonPhrase = Objects.requireNonNull(reasonPhrase, "reasonPhrase");
    }

    /** The To tag to add when the request's To has none (default: a random tag for statuses above 100). */
    public SipResponseBuilder toTag(String tag) {
        this.toTag = Objects.requireNonNull(tag, "tag");
        return this;
    }

    /** Adds a header line (e.g. Allow, Accept, Retry-After, Unsupported, Warning), written after CSeq. */
    public SipResponseBuilder header(String name, String value) {
        extra.add(new String[] {Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")});
        return this;
    }

    /** The response octets in a new buffer from {@code alloc} (the caller owns it). */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(256 + request.startLineEnd);
        ResponseWriter.write(out, request.octets, request.headers, status, reasonPhrase, toTag, extra);
        return out;
    }

    /** The response octets as an array. */
    public byte[] toBytes() {
        ByteBuf out = encode(Unpooled.buffer().alloc());
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
