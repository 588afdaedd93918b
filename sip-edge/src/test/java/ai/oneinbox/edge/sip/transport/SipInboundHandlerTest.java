package ai.oneinbox.edge.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.message.Corpus;
import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.testing.NettyLeaks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The end of the pipeline, driven through EmbeddedChannel with the real decoders in front of it. */
@ExtendWith(NettyLeaks.class)
class SipInboundHandlerTest {

    private final List<SipMessage> delivered = new ArrayList<>();

    private final List<String> malformed = new ArrayList<>();

    private SipMessageHandler recording() {
        return new SipMessageHandler() {
            @Override
            public void onMessage(SipMessage message, InboundSource source) {
                delivered.add(message.retain());
            }

            @Override
            public void onMalformed(ai.oneinbox.edge.sip.message.SipParseError error, InboundSource source) {
                malformed.add(source.transport() + " " + error.status() + " " + error.reason());
            }
        };
    }

    private EmbeddedChannel stream(SipMessageHandler handler) {
        return new EmbeddedChannel(new IdleStateHandler(0, 0, 32, TimeUnit.SECONDS),
                new SipStreamDecoder(SipLimits.DEFAULTS), new SipInboundHandler(TransportKind.TCP, handler));
    }

    @Test
    void deliversAndReleases() {
        EmbeddedChannel ch = stream(recording());
        ch.writeInbound(Unpooled.wrappedBuffer(SipStreamDecoderTest.options(1)));
        assertEquals(1, delivered.size());
        SipMessage m = delivered.get(0);
        assertEquals(1, m.refCnt(), "the transport released its reference; ours is left");
        m.release();
        assertFalse(ch.finish());
    }

    @Test
    void aDoubleCrlfPingGetsACrlfPong() {
        EmbeddedChannel ch = stream(recording());
        ch.writeInbound(Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        ByteBuf pong = ch.readOutbound();
        assertEquals("\r\n", pong.toString(StandardCharsets.US_ASCII));
        pong.release();
        ch.writeInbound(Unpooled.wrappedBuffer("\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertNull(ch.readOutbound(), "a lone CRLF is not a ping");
        assertFalse(ch.finish());
    }

    @Test
    void aThrowingHandlerNeitherBreaksThePipelineNorLeaks() {
        List<SipMessage> seen = new ArrayList<>();
        EmbeddedChannel ch = stream((message, source) -> {
            seen.add(message);
            throw new IllegalStateException("proxy bug");
        });
        ch.writeInbound(Unpooled.wrappedBuffer(SipStreamDecoderTest.options(2)));
        ch.writeInbound(Unpooled.wrappedBuffer(SipStreamDecoderTest.options(3)));
        assertEquals(2, seen.size());
        assertEquals(0, seen.get(0).refCnt());
        assertTrue(ch.isOpen());
        ch.checkException();
        assertFalse(ch.finish());
    }

    @Test
    void framingLostMeansAnswerThenClose() {
        EmbeddedChannel ch = stream(recording());
        ch.writeInbound(Unpooled.wrappedBuffer(Corpus.bytes("rfc4475/ncl.dat")));
        ByteBuf answer = ch.readOutbound();
        assertTrue(answer.toString(StandardCharsets.US_ASCII).startsWith("SIP/2.0 400 Bad Request\r\n"));
        answer.release();
        assertFalse(ch.isOpen());
        assertTrue(delivered.isEmpty());
        assertEquals(List.of("TCP 400 invalid Content-Length on a stream"), malformed);
        assertFalse(ch.finish());
    }

    @Test
    void aStalledPartialMessageIsClosedByTheIdleTimeout() {
        EmbeddedChannel ch = stream(recording());
        ch.writeInbound(Unpooled.wrappedBuffer(Corpus.bytes("rfc4475/clerr.dat"))); // Content-Length 9999
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(33, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen(), "RFC 4475 §3.1.2.2: wait, then close the connection");
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }

    @Test
    void datagramErrorsAreAnsweredToTheSender() {
        EmbeddedChannel ch = new EmbeddedChannel(new SipDatagramDecoder(SipLimits.DEFAULTS),
                new SipInboundHandler(TransportKind.UDP, recording()));
        InetSocketAddress sender = new InetSocketAddress("127.0.0.1", 40000);
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(Corpus.bytes("rfc4475/badvers.dat")),
                new InetSocketAddress("127.0.0.1", 5060), sender));
        DatagramPacket answer = ch.readOutbound();
        assertEquals(sender, answer.recipient());
        assertTrue(answer.content().toString(StandardCharsets.US_ASCII).startsWith("SIP/2.0 505 Version Not Supported"));
        answer.release();
        // a malformed response is dropped without an answer
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(Corpus.bytes("rfc4475/bigcode.dat")),
                new InetSocketAddress("127.0.0.1", 5060), sender));
        assertNull(ch.readOutbound());
        assertTrue(delivered.isEmpty());
        assertEquals(2, malformed.size());
        assertTrue(malformed.get(0).startsWith("UDP 505 "), malformed.toString());
        assertFalse(ch.finish());
    }
}
