package ai.oneinbox.edge.sip.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.CharsetUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The edits a proxy makes to a message it forwards (RFC 3261 §16.6, §16.7, RFC 3581), written as new octets
 * in one pass: untouched header lines and the body are copied from the received buffer as they are; only
 * the changed lines are written anew. The source message is not changed.
 *
 * <pre>{@code
 * ByteBuf out = request.edit()
 *     .pushVia("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds")
 *     .decrementMaxForwards()
 *     .prependRecordRoute("<sip:10.0.0.1;lr>")
 *     .addHeader("X-OneInbox-Agent-Id", "agent-7")
 *     .encode(alloc);
 * }</pre>
 */
public final class SipMessageEditor {

    private static final byte[] CRLF = {'\r', '\n'};

    private final SipMessage message;
    private final List<String> pushedVias = new ArrayList<>(1);
    private final List<String> recordRoutes = new ArrayList<>(1);
    private final List<String[]> added = new ArrayList<>(2);
    private final List<String> removed = new ArrayList<>(1);
    /** {@link #removed} resolved once: the known header each name names, or OTHER (then compared by name). */
    private final List<SipHeaderName> removedKinds = new ArrayList<>(1);
    private boolean popVia;
    private boolean popRoute;
    private int maxForwards = -1;
    private String requestUri;
    private String received;
    private int rport = -1;

    SipMessageEditor(SipMessage message) {
        this.message = message;
    }

    /** Puts a new top Via (the value after "Via: ", e.g. {@code SIP/2.0/UDP host:5060;branch=z9hG4bK...}). */
    public SipMessageEditor pushVia(String viaValue) {
        pushedVias.add(0, Objects.requireNonNull(viaValue, "viaValue"));
        return this;
    }

    /** Removes the top Via value of the received message (a response going upstream, RFC 3261 §16.7 step 3). */
    public SipMessageEditor popVia() {
        popVia = true;
        return this;
    }

    /** Sets Max-Forwards (added when absent). */
    public SipMessageEditor maxForwards(int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("Max-Forwards must be 0..255, got " + value);
        }
        maxForwards = value;
        return this;
    }

    /** Max-Forwards minus one, or 70 when the request had none (RFC 3261 §16.6 step 3). */
    public SipMessageEditor decrementMaxForwards() {
        int current = message.maxForwards().orElse(71);
        return maxForwards(Math.max(0, current - 1));
    }

    /** Adds a Record-Route value above the received ones (e.g. {@code <sip:10.0.0.1;lr>}). */
    public SipMessageEditor prependRecordRoute(String value) {
        recordRoutes.add(0, Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Removes the top Route value (the one naming this proxy, RFC 3261 §16.4). */
    public SipMessageEditor popRoute() {
        popRoute = true;
        return this;
    }

    /** Replaces the Request-URI (requests only). */
    public SipMessageEditor requestUri(String uri) {
        if (!(message instanceof SipRequest)) {
            throw new IllegalStateException("a response has no Request-URI");
        }
        requestUri = Objects.requireNonNull(uri, "uri");
        return this;
    }

    /** Adds a header line after the received ones. */
    public SipMessageEditor addHeader(String name, String value) {
        added.add(new String[] {Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")});
        return this;
    }

    /** Drops every line of header {@code name} (any case; a known header also by its compact form). */
    public SipMessageEditor removeHeader(String name) {
        removed.add(Objects.requireNonNull(name, "name"));
        removedKinds.add(SipHeaderName.of(name));
        return this;
    }

    /**
     * Records where a request came from in its top Via (RFC 3261 §18.2.1, RFC 3581 §4): {@code received}
     * when the sent-by host is a name or another address, or whenever the Via asked for {@code rport}; and
     * then {@code rport} filled in with the source port. {@code sourceAddress} is an IP address literal (an
     * IPv6 one is written without brackets, RFC 5118 §4.5).
     */
    public SipMessageEditor receivedFrom(String sourceAddress, int sourcePort) {
        Objects.requireNonNull(sourceAddress, "sourceAddress");
        received = sourceAddress.startsWith("[") && sourceAddress.endsWith("]")
                ? sourceAddress.substring(1, sourceAddress.length() - 1) : sourceAddress;
        rport = sourcePort;
        return this;
    }

    /** The edited message in a new buffer from {@code alloc}; the caller owns it. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        byte[] src = message.octets;
        HeaderIndex index = message.headers;
        int extra = 64 * (pushedVias.size() + recordRoutes.size() + added.size()) + 64;
        ByteBuf out = alloc.buffer(message.bodyStart + message.bodyLength + extra);
        try {
            writeStartLine(out, src);
            for (String via : pushedVias) {
                line(out, "Via", via);
            }
            boolean viaSeen = false;
            boolean routeSeen = false;
            boolean recordRouteWritten = recordRoutes.isEmpty();
            boolean maxForwardsWritten = maxForwards < 0;
            boolean contentLengthSeen = false;
            for (int h = 0; h < index.count; h++) {
                SipHeaderName kind = index.kind(h);
                if (isRemoved(src, index, h, kind)) {
                    continue;
                }
                switch (kind) {
                    case VIA:
                        if (!viaSeen) {
                            viaSeen = true;
                            writeTopViaLine(out, src, index, h);
                            continue;
                        }
                        break;
                    case ROUTE:
                        if (!routeSeen && popRoute) {
                            routeSeen = true;
                            dropFirstValue(out, src, index, h, "Route", ValueParsers.Element.NAME_ADDR);
                            continue;
                        }
                        routeSeen = true;
                        break;
                    case RECORD_ROUTE:
                        if (!recordRouteWritten) {
                            for (String rr : recordRoutes) {
                                line(out, "Record-Route", rr);
                            }
                            recordRouteWritten = true;
                        }
                        break;
                    case MAX_FORWARDS:
                        if (maxForwards >= 0) {
                            if (!maxForwardsWritten) {
                                line(out, "Max-Forwards", Integer.toString(maxForwards));
                                maxForwardsWritten = true;
                            }
                            continue;
                        }
                        break;
                    case CONTENT_LENGTH:
                        contentLengthSeen = true;
                        break;
                    default:
                        break;
                }
                out.writeBytes(src, index.lineStart(h), index.lineEnd(h) - index.lineStart(h));
                out.writeBytes(CRLF);
            }
            if (!maxForwardsWritten) {
                line(out, "Max-Forwards", Integer.toString(maxForwards));
            }
            if (!recordRouteWritten) {
                for (String rr : recordRoutes) {
                    line(out, "Record-Route", rr);
                }
            }
            for (String[] h : added) {
                line(out, h[0], h[1]);
            }
            if (!contentLengthSeen) {
                // the source was a datagram without Content-Length: a stream needs it (RFC 3261 §18.3)
                line(out, "Content-Length", Integer.toString(message.bodyLength));
            }
            out.writeBytes(CRLF);
            out.writeBytes(src, message.bodyStart, message.bodyLength);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private void writeStartLine(ByteBuf out, byte[] src) {
        if (requestUri != null && message instanceof SipRequest) {
            SipRequest request = (SipRequest) message;
            out.writeBytes(src, 0, request.uriStart);
            ByteBufUtil.writeUtf8(out, requestUri);
            out.writeBytes(src, request.uriEnd, request.startLineEnd - request.uriEnd);
        } else {
            out.writeBytes(src, 0, message.startLineEnd);
        }
        out.writeBytes(CRLF);
    }

    private void writeTopViaLine(ByteBuf out, byte[] src, HeaderIndex index, int h) {
        if (popVia) {
            dropFirstValue(out, src, index, h, "Via", ValueParsers.Element.VIA);
            return;
        }
        if (received == null) {
            out.writeBytes(src, index.lineStart(h), index.lineEnd(h) - index.lineStart(h));
            out.writeBytes(CRLF);
            return;
        }
        int vs = index.valueStart(h);
        int firstEnd = ValueParsers.scanVia(src, vs, index.valueEnd(h));
        Via top = message.topVia();
        out.writeBytes(src, index.lineStart(h), vs - index.lineStart(h));
        String raw = top.raw();
        String params = top.parameters();
        StringBuilder via = new StringBuilder(raw.length() + 40);
        via.append(raw, 0, raw.length() - params.length());
        // rebuild the parameters: drop old received/rport, then add ours
        boolean askedRport = top.hasRport();
        for (String p : splitParams(params)) {
            if (isParam(p, "received") || isParam(p, "rport")) {
                continue;
            }
            via.append(';').append(p);
        }
        // RFC 3261 §18.2.1: received when sent-by is a name or another address; RFC 3581 §4: always with rport
        if (askedRport || !sameAddress(top.host(), received)) {
            via.append(";received=").append(received);
        }
        if (askedRport && rport >= 0) {
            via.append(";rport=").append(rport);
        }
        ByteBufUtil.writeUtf8(out, via);
        out.writeBytes(src, firstEnd, index.lineEnd(h) - firstEnd);
        out.writeBytes(CRLF);
    }

    private static boolean sameAddress(String viaHost, String source) {
        String host = viaHost.startsWith("[") ? viaHost.substring(1, viaHost.length() - 1) : viaHost;
        return host.equalsIgnoreCase(source);
    }

    /** True when the parameter {@code p} ({@code name} or {@code name=value}, trimmed) is named {@code name}, any case. */
    private static boolean isParam(String p, String name) {
        int n = name.length();
        if (p.length() < n || !p.regionMatches(true, 0, name, 0, n)) {
            return false;
        }
        for (int i = n; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '=') {
                return true;
            }
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static List<String> splitParams(String params) {
        List<String> result = new ArrayList<>();
        int i = 0;
        boolean quoted = false;
        int start = -1;
        for (; i < params.length(); i++) {
            char c = params.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                if (start >= 0) {
                    result.add(params.substring(start, i).trim());
                }
                start = i + 1;
            }
        }
        if (start >= 0) {
            result.add(params.substring(start).trim());
        }
        return result;
    }

    /** Writes the line without its first value, or nothing when it held one value only. */
    private static void dropFirstValue(ByteBuf out, byte[] src, HeaderIndex index, int h, String name,
                                       ValueParsers.Element element) {
        int vs = index.valueStart(h);
        int ve = index.valueEnd(h);
        int first = ValueParsers.scanElement(src, vs, ve, element);
        if (first == SipGrammar.NO_MATCH) {
            return;
        }
        int next = SipGrammar.expectCOMMA(src, first, ve);
        if (next == SipGrammar.NO_MATCH) {
            return;
        }
        out.writeCharSequence(name, CharsetUtil.US_ASCII);
        out.writeByte(':').writeByte(' ');
        out.writeBytes(src, next, index.lineEnd(h) - next);
        out.writeBytes(CRLF);
    }

    private boolean isRemoved(byte[] src, HeaderIndex index, int h, SipHeaderName kind) {
        for (int i = 0; i < removed.size(); i++) {
            SipHeaderName known = removedKinds.get(i);
            if (known != SipHeaderName.OTHER ? kind == known : index.nameEquals(src, h, removed.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static void line(ByteBuf out, String name, String value) {
        ByteBufUtil.writeUtf8(out, name);
        out.writeByte(':').writeByte(' ');
        ByteBufUtil.writeUtf8(out, value);
        out.writeBytes(CRLF);
    }

    /** The source message, for callers that build several edits of it (forking). */
    public SipMessage source() {
        return message;
    }
}
