package ai.oneinbox.edge.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.message.Corpus;
import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.message.SipRequest;
import ai.oneinbox.edge.sip.testing.NettyLeaks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeaks.class)
class SipStreamDecoderTest {

    static final String OPTIONS = "OPTIONS sip:edge.example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK%d\r\n"
            + "From: <sip:probe@example.com>;tag=1\r\n"
            + "To: <sip:edge.example.com>\r\n"
            + "Call-ID: c%d@192.0.2.1\r\n"
            + "CSeq: %d OPTIONS\r\n"
            + "Max-Forwards: 70\r\n"
            + "Content-Length: 5\r\n\r\nhello";

    static byte[] options(int n) {
        return String.format(OPTIONS, n, n, n).getBytes(StandardCharsets.US_ASCII);
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new SipStreamDecoder(SipLimits.DEFAULTS));
    }

    private static void assertOptions(Object o, int n) {
        SipRequest r = assertInstanceOf(SipRequest.class, o);
        try {
            assertEquals("c" + n + "@192.0.2.1", r.callId());
            assertEquals("hello", r.body().toString(StandardCharsets.US_ASCII));
        } finally {
            r.release();
        }
    }

    @Test
    void oneMessageInOneRead() {
        EmbeddedChannel ch = channel();
        ByteBuf in = Unpooled.wrappedBuffer(options(1));
        assertTrue(ch.writeInbound(in));
        assertOptions(ch.readInbound(), 1);
        assertNull(ch.readInbound());
        assertEquals(0, in.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void fragmentedOctetByOctet() {
        EmbeddedChannel ch = channel();
        byte[] bytes = options(2);
        for (int i = 0; i < bytes.length - 1; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
            assertNull(ch.readInbound(), "nothing before the last octet");
        }
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, bytes.length - 1, 1));
        assertOptions(ch.readInbound(), 2);
        assertFalse(ch.finish());
    }

    @Test
    void severalMessagesAndKeepAlivesInOneRead() {
        EmbeddedChannel ch = channel();
        ByteBuf in = Unpooled.buffer();
        in.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        in.writeBytes(options(1));
        in.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        in.writeBytes(options(2));
        in.writeBytes(options(3));
        in.writeBytes(options(4), 0, 40); // and a partial fourth
        ch.writeInbound(in);
        assertEquals(KeepAlivePing.INSTANCE, ch.readInbound(), "the leading double CRLF is a ping");
        assertOptions(ch.readInbound(), 1);
        assertOptions(ch.readInbound(), 2);
        assertOptions(ch.readInbound(), 3);
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.wrappedBuffer(options(4), 40, options(4).length - 40));
        assertOptions(ch.readInbound(), 4);
        assertFalse(ch.finish());
    }

    @Test
    void missingContentLengthLosesFramingAndClosesAfterA400() {
        EmbeddedChannel ch = channel();
        String noLength = new String(options(5), StandardCharsets.US_ASCII).replace("Content-Length: 5\r\n", "");
        ch.writeInbound(Unpooled.copiedBuffer(noLength + new String(options(6), StandardCharsets.US_ASCII),
                StandardCharsets.US_ASCII));
        InboundError e = assertInstanceOf(InboundError.class, ch.readInbound());
        assertTrue(e.closeConnection());
        assertEquals(400, e.error().status());
        String answer = new String(e.error().response().orElseThrow(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK5\r\n"));
        assertNull(ch.readInbound(), "the rest of the stream is discarded");
        ch.writeInbound(Unpooled.wrappedBuffer(options(7)));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void negativeContentLengthClosesTheConnection() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(Corpus.bytes("rfc4475/ncl.dat")));
        InboundError e = assertInstanceOf(InboundError.class, ch.readInbound());
        assertTrue(e.closeConnection());
        assertEquals(400, e.error().status());
        assertFalse(ch.finish());
    }

    @Test
    void contentLengthLargerThanSentWaitsForMore() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(Corpus.bytes("rfc4475/clerr.dat")));
        assertNull(ch.readInbound(), "RFC 4475 §3.1.2.2: on TCP wait for the rest (the idle timeout closes)");
        assertFalse(ch.finish());
    }

    @Test
    void aMalformedButFramedMessageIsAnsweredAndTheStreamGoesOn() {
        EmbeddedChannel ch = channel();
        String bad = new String(options(8), StandardCharsets.US_ASCII).replace("CSeq: 8 OPTIONS", "CSeq: 8 INVITE");
        ch.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.US_ASCII));
        ch.writeInbound(Unpooled.wrappedBuffer(options(9)));
        InboundError e = assertInstanceOf(InboundError.class, ch.readInbound());
        assertFalse(e.closeConnection());
        assertEquals(400, e.error().status());
        assertOptions(ch.readInbound(), 9);
        assertFalse(ch.finish());
    }

    @Test
    void tooLargeIsA513AndCloses() {
        SipLimits small = new SipLimits(300, 32, 200, Duration.ofSeconds(5));
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamDecoder(small));
        String big = new String(options(10), StandardCharsets.US_ASCII)
                .replace("Content-Length: 5\r\n\r\nhello", "Content-Length: 400\r\n\r\n") + "x".repeat(400);
        ch.writeInbound(Unpooled.copiedBuffer(big, StandardCharsets.US_ASCII));
        InboundError e = assertInstanceOf(InboundError.class, ch.readInbound());
        assertTrue(e.closeConnection());
        assertEquals(513, e.error().status());
        assertFalse(ch.finish());
    }

    @Test
    void endlessHeadIsCutAtTheMessageLimit() {
        SipLimits small = new SipLimits(300, 32, 200, Duration.ofSeconds(5));
        EmbeddedChannel ch = new EmbeddedChannel(new SipStreamDecoder(small));
        ch.writeInbound(Unpooled.copiedBuffer("INVITE sip:a@b SIP/2.0\r\n" + "X: y\r\n".repeat(60),
                StandardCharsets.US_ASCII));
        InboundError e = assertInstanceOf(InboundError.class, ch.readInbound());
        assertTrue(e.closeConnection());
        assertFalse(ch.finish());
    }

    @Test
    void garbageNeverThrows() {
        EmbeddedChannel ch = channel();
        java.util.Random random = new java.util.Random(42);
        for (int k = 0; k < 200; k++) {
            byte[] junk = new byte[random.nextInt(300)];
            random.nextBytes(junk);
            ch.writeInbound(Unpooled.wrappedBuffer(junk));
            Object o;
            while ((o = ch.readInbound()) != null) {
                if (o instanceof SipMessage) {
                    ((SipMessage) o).release();
                }
            }
        }
        ch.finishAndReleaseAll();
    }
}
