package ai.oneinbox.edge.sip.message;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A SIP request or response over its octets: one copy taken by the parser, wrapped as a Netty buffer so it
 * can be written out again without re-serialising.
 *
 * <p>Frame first, parse lazily (ARCHITECTURE decision 7): the parser checks the start line and the proxy
 * headers (Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Length, Contact, Route, Record-Route) and
 * reads the top Via, From, To, Call-ID, CSeq and Max-Forwards at once; every other field is an index into
 * the buffer, turned into text only when asked. A message never changes: {@link #edit()} writes a new one.
 *
 * <p>Reference counted like the buffer it holds: whoever receives a message releases it once (the
 * transport releases after {@code SipMessageHandler.onMessage} returns; {@link #retain()} to keep it). The
 * buffer is an unpooled heap buffer, so a forgotten release costs garbage, never pool memory.
 */
public abstract sealed class SipMessage implements ReferenceCounted, SipParseResult
        permits SipRequest, SipResponse {

    /** The message octets (the parser's own copy); {@link #buf} wraps them for Netty. */
    final byte[] octets;
    final ByteBuf buf;
    final HeaderIndex headers;
    final int startLineEnd;
    final int bodyStart;
    final int bodyLength;
    private final int topViaStart;
    private final int topViaEnd;
    private final int fromStart;
    private final int fromEnd;
    private final int toStart;
    private final int toEnd;
    private final String callId;
    private final CSeq cseq;
    private final int maxForwards;
    // built on first use from ranges the parser already checked (immutable, so a racy rebuild is harmless)
    private Via topVia;
    private NameAddr from;
    private NameAddr to;
    private List<Via> vias;
    private List<NameAddr> routes;

    SipMessage(MessageHead head) {
        this.octets = head.octets;
        this.buf = head.buf;
        this.headers = head.index;
        this.startLineEnd = head.startLineEnd;
        this.bodyStart = head.bodyStart;
        this.bodyLength = head.bodyLength;
        this.topViaStart = head.topViaStart;
        this.topViaEnd = head.topViaEnd;
        this.fromStart = head.fromStart;
        this.fromEnd = head.fromEnd;
        this.toStart = head.toStart;
        this.toEnd = head.toEnd;
        this.callId = head.callId;
        this.cseq = head.cseq;
        this.maxForwards = head.maxForwards;
    }

    public abstract boolean isRequest();

    /** The top Via (the one the parser always reads). */
    public Via topVia() {
        Via v = topVia;
        if (v == null) {
            v = ValueParsers.parseVia(octets, topViaStart, topViaEnd);
            topVia = v;
        }
        return v;
    }

    /** Every Via value in order, across header lines and comma-separated values within a line. */
    public List<Via> vias() {
        List<Via> v = vias;
        if (v == null) {
            v = Collections.unmodifiableList(parseList(SipHeaderName.VIA, ValueParsers.Element.VIA, Via.class));
            vias = v;
        }
        return v;
    }

    public NameAddr from() {
        NameAddr a = from;
        if (a == null) {
            a = ValueParsers.parseAddress(octets, fromStart, fromEnd, false);
            from = a;
        }
        return a;
    }

    public NameAddr to() {
        NameAddr a = to;
        if (a == null) {
            a = ValueParsers.parseAddress(octets, toStart, toEnd, false);
            to = a;
        }
        return a;
    }

    /** The From tag: as {@code from().tag()}, without parsing the address when nothing else needed it. */
    public Optional<String> fromTag() {
        NameAddr a = from;
        return a != null ? a.tag() : ValueParsers.addressTag(octets, fromStart, fromEnd);
    }

    /** The To tag: as {@code to().tag()}, without parsing the address when nothing else needed it. */
    public Optional<String> toTag() {
        NameAddr a = to;
        return a != null ? a.tag() : ValueParsers.addressTag(octets, toStart, toEnd);
    }

    public String callId() {
        return callId;
    }

    public CSeq cseq() {
        return cseq;
    }

    /** Max-Forwards when present (absent in RFC 2543 requests and in responses). */
    public OptionalInt maxForwards() {
        return maxForwards < 0 ? OptionalInt.empty() : OptionalInt.of(maxForwards);
    }

    /** Route values in order (all lines, all values); read once (the proxy asks several times a request). */
    public List<NameAddr> routes() {
        List<NameAddr> r = routes;
        if (r == null) {
            r = Collections.unmodifiableList(parseList(SipHeaderName.ROUTE, ValueParsers.Element.NAME_ADDR,
                    NameAddr.class));
            routes = r;
        }
        return r;
    }

    /** Record-Route values in order. */
    public List<NameAddr> recordRoutes() {
        return parseList(SipHeaderName.RECORD_ROUTE, ValueParsers.Element.NAME_ADDR, NameAddr.class);
    }

    /** Contact values in order; a {@code Contact: *} yields no value. */
    public List<NameAddr> contacts() {
        return parseList(SipHeaderName.CONTACT, ValueParsers.Element.CONTACT, NameAddr.class);
    }

    /** Diversion values (RFC 5806) that parse as addresses; malformed ones are skipped, never fatal. */
    public List<NameAddr> diversions() {
        List<NameAddr> result = new ArrayList<>();
        for (int h = 0; h < headers.count; h++) {
            if (headers.kind(h) == SipHeaderName.DIVERSION
                    && ValueParsers.scanList(octets, headers.valueStart(h), headers.valueEnd(h),
                            ValueParsers.Element.ADDRESS)) {
                collect(h, ValueParsers.Element.ADDRESS, NameAddr.class, result);
            }
        }
        return result;
    }

    public Optional<String> userAgent() {
        return firstHeader(SipHeaderName.USER_AGENT);
    }

    /** Option tags of Require. */
    public List<String> require() {
        return optionTags(SipHeaderName.REQUIRE);
    }

    /** Option tags of Proxy-Require. */
    public List<String> proxyRequire() {
        return optionTags(SipHeaderName.PROXY_REQUIRE);
    }

    /** Length of the body (Content-Length, or the rest of the datagram when the header was absent). */
    public int contentLength() {
        return bodyLength;
    }

    /** The body as a slice sharing this message's buffer (not retained: valid while the message is). */
    public ByteBuf body() {
        return buf.slice(bodyStart, bodyLength);
    }

    /** The whole message octets as a slice (not retained). */
    public ByteBuf content() {
        return buf.slice(0, bodyStart + bodyLength);
    }

    /**
     * Values of every line of header {@code name} (long or compact form, any case), in order, as received;
     * a value holding several comma-separated elements is one entry. Folded lines are joined with one SP.
     */
    public List<String> headerValues(String name) {
        SipHeaderName known = SipHeaderName.of(name);
        List<String> result = new ArrayList<>(2);
        for (int h = 0; h < headers.count; h++) {
            if (known != SipHeaderName.OTHER ? headers.kind(h) == known : headers.nameEquals(octets, h, name)) {
                result.add(valueText(h));
            }
        }
        return result;
    }

    /** The first value of header {@code name}, when present. */
    public Optional<String> firstHeader(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Number of header lines. */
    public int headerCount() {
        return headers.count;
    }

    /** Starts an edit: the result is new octets; this message is untouched. */
    public SipMessageEditor edit() {
        return new SipMessageEditor(this);
    }

    @Override
    public String toString() {
        return new String(octets, 0, Math.min(startLineEnd, 200), StandardCharsets.UTF_8);
    }

    // ---- ReferenceCounted: the buffer's count

    @Override
    public int refCnt() {
        return buf.refCnt();
    }

    @Override
    public SipMessage retain() {
        buf.retain();
        return this;
    }

    @Override
    public SipMessage retain(int increment) {
        buf.retain(increment);
        return this;
    }

    @Override
    public SipMessage touch() {
        buf.touch();
        return this;
    }

    @Override
    public SipMessage touch(Object hint) {
        buf.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return buf.release();
    }

    @Override
    public boolean release(int decrement) {
        return buf.release(decrement);
    }

    // ---- internals

    private Optional<String> firstHeader(SipHeaderName name) {
        for (int h = 0; h < headers.count; h++) {
            if (headers.kind(h) == name) {
                return Optional.of(valueText(h));
            }
        }
        return Optional.empty();
    }

    String valueText(int h) {
        String text = new String(octets, headers.valueStart(h), headers.valueEnd(h) - headers.valueStart(h),
                StandardCharsets.UTF_8);
        if (text.indexOf('\n') >= 0) {
            text = text.replaceAll("[ \\t]*\\r?\\n[ \\t]+", " ");
        }
        return text;
    }

    private List<String> optionTags(SipHeaderName name) {
        List<String> result = new ArrayList<>(2);
        for (int h = 0; h < headers.count; h++) {
            if (headers.kind(h) == name) {
                result.addAll(ValueParsers.tokens(octets, headers.valueStart(h), headers.valueEnd(h)));
            }
        }
        return result;
    }

    private <T> List<T> parseList(SipHeaderName name, ValueParsers.Element element, Class<T> type) {
        List<T> result = new ArrayList<>(2);
        for (int h = 0; h < headers.count; h++) {
            if (headers.kind(h) == name) {
                collect(h, element, type, result);
            }
        }
        return result;
    }

    private <T> void collect(int h, ValueParsers.Element element, Class<T> type, List<T> out) {
        List<int[]> ranges = new ArrayList<>(2);
        ValueParsers.elementRanges(octets, headers.valueStart(h), headers.valueEnd(h), element, ranges);
        for (int[] r : ranges) {
            if (element == ValueParsers.Element.VIA) {
                out.add(type.cast(ValueParsers.parseVia(octets, r[0], r[1])));
            } else if (element == ValueParsers.Element.CONTACT && r[1] - r[0] == 1 && octets[r[0]] == '*') {
                continue;
            } else {
                out.add(type.cast(ValueParsers.parseAddress(octets, r[0], r[1],
                        element == ValueParsers.Element.NAME_ADDR)));
            }
        }
    }
}
