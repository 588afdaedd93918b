package ai.oneinbox.edge.sip.message;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SIP hot path on a Twilio-shaped INVITE (16 headers + SDP, about 1 KB): our framing and proxy-header
 * parse on a pooled direct buffer (what a datagram arrives in) against JAIN-SIP RI's
 * {@code StringMsgParser.parseSIPMessage} on the same octets, and the proxy edit (push Via, decrement
 * Max-Forwards, prepend Record-Route, add a header, encode).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SipParserBenchmark {

    /** Same octets as sip-edge's test fixture {@code messages/twilio-invite.sip}. */
    static final String TWILIO_INVITE = String.join("\r\n",
            "INVITE sip:+14155550100@voice.oneinbox.ai:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 54.172.60.1:5060;branch=z9hG4bK3f1b.5a4e2c81a8b2c3d4e5f6a7b8c9d0e1f2;rport",
            "Max-Forwards: 69",
            "From: \"+12065550123\" <sip:+12065550123@twilio.pstn.twilio.com>;tag=54637221_6772d868_c9d0e1f2-1a2b-4c3d-9e8f-0a1b2c3d4e5f",
            "To: <sip:+14155550100@voice.oneinbox.ai>",
            "Call-ID: 4a9d8c2b1e3f4a5b6c7d8e9f0a1b2c3d@0.0.0.0",
            "CSeq: 1 INVITE",
            "Contact: <sip:+12065550123@54.172.60.1:5060;transport=udp>",
            "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY",
            "Supported: 100rel, timer",
            "User-Agent: Twilio Gateway",
            "Diversion: <sip:+14155550199@twilio.com>;reason=unconditional;counter=1",
            "X-Twilio-AccountSid: AC0123456789abcdef0123456789abcdef",
            "X-Twilio-CallSid: CA0123456789abcdef0123456789abcdef",
            "Content-Type: application/sdp",
            "Content-Length: 259",
            "",
            "v=0",
            "o=root 1289364180 1289364180 IN IP4 54.172.60.1",
            "s=Twilio Media Gateway",
            "c=IN IP4 54.172.60.12",
            "t=0 0",
            "m=audio 17634 RTP/AVP 0 8 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16",
            "a=ptime:20",
            "a=sendrecv",
            "");

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private byte[] bytes;
    private ByteBuf direct;
    private SipRequest parsed;

    @Setup(Level.Trial)
    public void setUp() {
        bytes = TWILIO_INVITE.getBytes(StandardCharsets.UTF_8);
        direct = alloc.directBuffer(bytes.length).writeBytes(bytes);
        SipParseResult result = SipParser.parse(direct, SipLimits.DEFAULTS);
        if (!(result instanceof SipRequest)) {
            throw new IllegalStateException("fixture does not parse: " + result);
        }
        parsed = (SipRequest) result;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parsed.release();
        direct.release();
    }

    /** Framing + start line + every proxy header checked, top Via/From/To/Call-ID/CSeq/Max-Forwards read. */
    @Benchmark
    public Object oursParse() {
        SipParseResult result = SipParser.parse(direct, SipLimits.DEFAULTS);
        SipRequest request = (SipRequest) result;
        Object branch = request.topVia().branch();
        request.release();
        return branch;
    }

    /** The same, plus reading what routing needs later: R-URI user, To user, Diversion, the account SID. */
    @Benchmark
    public Object oursParseAndRoutingFields() {
        SipRequest request = (SipRequest) SipParser.parse(direct, SipLimits.DEFAULTS);
        Object[] fields = {request.topVia().branch(), request.requestUri().user(), request.to().uri().user(),
            request.diversions(), request.firstHeader("X-Twilio-AccountSid")};
        request.release();
        return fields;
    }

    /** JAIN-SIP RI's full parse of the same octets. */
    @Benchmark
    public SIPMessage jainSipParse() throws Exception {
        return new StringMsgParser().parseSIPMessage(bytes, true, false, null);
    }

    /** The forwarding edit: own Via on top, Max-Forwards - 1, Record-Route, an agent header, encoded. */
    @Benchmark
    public int proxyEdit() {
        ByteBuf out = parsed.edit()
                .pushVia("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-edge-1f2e3d4c5b6a")
                .decrementMaxForwards()
                .prependRecordRoute("<sip:10.0.0.1:5060;lr>")
                .addHeader("X-OneInbox-Agent-Id", "agent-7")
                .encode(alloc);
        int n = out.readableBytes();
        out.release();
        return n;
    }

    /** A response the edge answers itself (100 Trying) from the parsed request. */
    @Benchmark
    public int trying() {
        ByteBuf out = parsed.response(100, "Trying").encode(alloc);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
