package ai.oneinbox.edge.sip.message;

import static ai.oneinbox.edge.sip.message.Messages.error;
import static ai.oneinbox.edge.sip.message.Messages.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.testing.NettyLeaks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeaks.class)
class SipParserTest {

    private static final String OPTIONS = "OPTIONS sip:edge.example.com SIP/2.0\n"
            + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc\n"
            + "From: <sip:probe@example.com>;tag=1\n"
            + "To: <sip:edge.example.com>\n"
            + "Call-ID: c1@192.0.2.1\n"
            + "CSeq: 7 OPTIONS\n"
            + "Max-Forwards: 70\n"
            + "Content-Length: 0\n\n";

    @Test
    void readsTheProxyHeadersOfATwilioInvite() {
        SipRequest r = assertInstanceOf(SipRequest.class, Messages.parseOk(Messages.fixture("twilio-invite.sip")));
        try {
            assertEquals("INVITE", r.method());
            assertEquals("sip", r.requestUri().scheme());
            assertEquals(Optional.of("+14155550100"), r.requestUri().user());
            assertEquals("voice.oneinbox.ai", r.requestUri().host());
            assertEquals(OptionalInt.of(5060), r.requestUri().port());
            Via via = r.topVia();
            assertEquals("UDP", via.transport());
            assertEquals("54.172.60.1", via.host());
            assertEquals(OptionalInt.of(5060), via.port());
            assertEquals(Optional.of("z9hG4bK3f1b.5a4e2c81a8b2c3d4e5f6a7b8c9d0e1f2"), via.branch());
            assertTrue(via.hasRport());
            assertEquals(OptionalInt.empty(), via.rport());
            assertEquals(OptionalInt.of(69), r.maxForwards());
            assertEquals("4a9d8c2b1e3f4a5b6c7d8e9f0a1b2c3d@0.0.0.0", r.callId());
            assertEquals(new CSeq(1, "INVITE"), r.cseq());
            assertEquals(Optional.of("54637221_6772d868_c9d0e1f2-1a2b-4c3d-9e8f-0a1b2c3d4e5f"), r.from().tag());
            assertEquals(Optional.of("\"+12065550123\""), r.from().displayName());
            assertEquals(Optional.empty(), r.to().tag());
            assertEquals(Optional.of("+14155550100"), r.to().uri().user());
            assertEquals("54.172.60.1", r.contacts().get(0).uri().host());
            assertEquals(Optional.of("udp"), r.contacts().get(0).uri().parameter("transport"));
            assertEquals(Optional.of("+14155550199"), r.diversions().get(0).uri().user());
            assertEquals(Optional.of("unconditional"), r.diversions().get(0).parameter("reason"));
            assertEquals(Optional.of("Twilio Gateway"), r.userAgent());
            assertEquals(Optional.of("AC0123456789abcdef0123456789abcdef"), r.firstHeader("x-twilio-accountsid"));
            assertEquals(List.of("100rel", "timer"), List.of(r.firstHeader("k").orElseThrow().split(",\\s*")));
            assertEquals(r.contentLength(), r.body().readableBytes());
            assertTrue(r.body().toString(StandardCharsets.US_ASCII).startsWith("v=0\r\n"));
        } finally {
            r.release();
        }
    }

    @Test
    void compactFormsFoldingAndManyViaValues() {
        SipRequest r = request("INVITE sip:bob@example.com SIP/2.0\n"
                + "v: SIP/2.0/TCP 192.0.2.4:5061;branch=z9hG4bK1 , SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bK2\n"
                + "vIa: SIP/2.0/UDP\n  192.0.2.8\n\t;branch=z9hG4bK3;received=192.0.2.9\n"
                + "f: Alice <sip:alice@example.com>;tag=a\n"
                + "t: sip:bob@example.com\n"
                + "i: x@y\n"
                + "CSEQ: 1 INVITE\n"
                + "m: <sip:alice@192.0.2.4;transport=tcp>, \"Second\" <sip:alice@192.0.2.5>\n"
                + "l: 0\n\n");
        try {
            List<Via> vias = r.vias();
            assertEquals(3, vias.size());
            assertEquals("TCP", vias.get(0).transport());
            assertEquals("[2001:db8::9]", vias.get(1).host());
            assertEquals(OptionalInt.of(5070), vias.get(1).port());
            assertEquals("192.0.2.8", vias.get(2).host());
            assertEquals(Optional.of("192.0.2.9"), vias.get(2).received());
            assertEquals(Optional.of("z9hG4bK3"), vias.get(2).branch());
            assertEquals(Optional.of("Alice"), r.from().displayName());
            assertEquals(Optional.empty(), r.to().tag());
            assertEquals(2, r.contacts().size());
            assertEquals(List.of("SIP/2.0/UDP 192.0.2.8 ;branch=z9hG4bK3;received=192.0.2.9"),
                    r.headerValues("Via").subList(1, 2));
        } finally {
            r.release();
        }
    }

    @Test
    void ipv6ReferencesInUriAndVia() {
        SipRequest r = request("REGISTER sip:[2001:db8::10]:5070 SIP/2.0\n"
                + "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3;received=2001:db8::9:255;rport=5060\n"
                + "From: <sip:user@[2001:db8::10]>;tag=1\nTo: <sip:user@[2001:db8::10]>\nCall-ID: v6\n"
                + "CSeq: 1 REGISTER\nContent-Length: 0\n\n");
        try {
            assertEquals("[2001:db8::10]", r.requestUri().host());
            assertEquals(OptionalInt.of(5070), r.requestUri().port());
            assertEquals(Optional.of("2001:db8::9:255"), r.topVia().received());
            assertEquals(OptionalInt.of(5060), r.topVia().rport());
        } finally {
            r.release();
        }
    }

    @Test
    void escapedAndSemicolonUserParts() {
        SipRequest r = request("INVITE sip:user;par=u%40example.net@example.com SIP/2.0\n"
                + "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\nFrom: <sip:a@b>;tag=1\nTo: <sip:c@d>\n"
                + "Call-ID: e\nCSeq: 1 INVITE\nContent-Length: 0\n\n");
        try {
            assertEquals(Optional.of("user;par=u%40example.net"), r.requestUri().user());
            assertEquals(Optional.of("user;par=u@example.net"), r.requestUri().userUnescaped());
            assertEquals("example.com", r.requestUri().host());
        } finally {
            r.release();
        }
    }

    @Test
    void datagramBodyIsTheRestWithoutContentLengthAndTrailingOctetsAreIgnored() {
        SipRequest noLength = request(OPTIONS.replace("Content-Length: 0\n", "") + "abc");
        try {
            assertEquals(3, noLength.contentLength());
        } finally {
            noLength.release();
        }
        SipRequest trailing = request(OPTIONS + "INVITE sip:x SIP/2.0\n");
        try {
            assertEquals(0, trailing.contentLength());
            assertEquals(0, trailing.body().readableBytes());
        } finally {
            trailing.release();
        }
    }

    @Test
    void rejectionsCarryTheReasonAndAnAddressableAnswer() {
        SipParseError e = error(OPTIONS.replace("CSeq: 7 OPTIONS", "CSeq: 7 INVITE"));
        assertEquals(400, e.status());
        assertEquals("CSeq method does not match the Request-Line", e.reason());
        String answer = new String(e.response().orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc\r\n"),
                answer);
        assertTrue(answer.contains("\r\nTo: <sip:edge.example.com>;tag="), answer);
        assertTrue(answer.contains("\r\nCall-ID: c1@192.0.2.1\r\nCSeq: 7 INVITE\r\n"), answer);
        assertTrue(answer.contains("Warning: 399 oneinbox-edge \"CSeq method does not match the Request-Line\""));

        assertEquals("more than one Content-Length", error(OPTIONS.replace("Content-Length: 0\n",
                "Content-Length: 0\nl: 0\n")).reason());
        assertEquals("missing Call-ID", error(OPTIONS.replace("Call-ID: c1@192.0.2.1\n", "")).reason());
        assertEquals("malformed Max-Forwards", error(OPTIONS.replace("Max-Forwards: 70", "Max-Forwards: 256")).reason());
        assertEquals(505, error(OPTIONS.replace("SIP/2.0\n", "SIP/3.0\n")).status());
        assertEquals("header line without colon", error(OPTIONS.replace("Max-Forwards: 70", "Max-Forwards 70"))
                .reason());
        // a malformed ACK is never answered (RFC 3261 §17.2.1: no response to ACK)
        SipParseError ack = error(OPTIONS.replace("OPTIONS", "ACK").replace("Call-ID: c1@192.0.2.1\n", ""));
        assertTrue(ack.response().isEmpty());
        // a malformed response is dropped
        SipParseError response = error("SIP/2.0 999 No\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\n\n");
        assertEquals(0, response.status());
    }

    @Test
    void limitsAreEnforced() {
        SipLimits tight = new SipLimits(512, 8, 100, Duration.ofSeconds(1));
        byte[] tooMany = Messages.crlf(OPTIONS.replace("Max-Forwards: 70\n", "A: 1\nB: 2\nC: 3\nMax-Forwards: 70\n"));
        assertEquals("more than 8 header lines", parse(tooMany, tight).reason());
        byte[] longLine = Messages.crlf(OPTIONS.replace("A: 1", "").replace("Max-Forwards: 70\n",
                "Subject: " + "x".repeat(120) + "\nMax-Forwards: 70\n"));
        assertEquals(400, parse(longLine, tight).status());
        byte[] longUri = Messages.crlf(OPTIONS.replace("sip:edge.example.com", "sip:" + "a".repeat(200) + "@x"));
        SipParseError uri = parse(longUri, new SipLimits(4096, 32, 100, Duration.ofSeconds(1)));
        assertEquals(414, uri.status());
        byte[] big = Messages.crlf(OPTIONS.replace("Content-Length: 0\n", "Content-Length: 600\n") + "b".repeat(600));
        SipParseError tooBig = parse(big, tight);
        assertEquals(513, tooBig.status());
        byte[] bigHead = Messages.crlf(OPTIONS.replace("Max-Forwards: 70\n", "X-A: a\n".repeat(80)));
        SipParseError headTooBig = parse(bigHead, new SipLimits(512, 200, 100, Duration.ofSeconds(1)));
        assertEquals(513, headTooBig.status(), headTooBig.reason());
        assertTrue(headTooBig.response().isPresent(), "the Via came before the cut");
        assertTrue(new String(tooBig.response().orElseThrow(), StandardCharsets.UTF_8)
                .startsWith("SIP/2.0 513 Message Too Large\r\n"));
    }

    private static SipParseError parse(byte[] bytes, SipLimits limits) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            SipParseResult r = SipParser.parse(in, limits);
            if (r instanceof SipMessage) {
                ((SipMessage) r).release();
            }
            return assertInstanceOf(SipParseError.class, r);
        } finally {
            in.release();
        }
    }

    @Test
    void fuzzSeedsNeverThrowAndNeverLeak() {
        for (String seed : Corpus.fuzzSeeds()) {
            SipParseResult r = Messages.parse(Corpus.bytes(seed));
            if (r instanceof SipMessage) {
                SipMessage m = (SipMessage) r;
                assertFalse(m.callId().isEmpty(), seed);
                m.vias();
                m.routes();
                m.recordRoutes();
                m.contacts();
                m.diversions();
                m.release();
            }
        }
    }
}
