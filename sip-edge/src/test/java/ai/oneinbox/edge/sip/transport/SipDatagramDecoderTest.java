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
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeaks.class)
class SipDatagramDecoderTest {

    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new SipDatagramDecoder(SipLimits.DEFAULTS));
    }

    private static DatagramPacket packet(byte[] bytes) {
        return new DatagramPacket(Unpooled.wrappedBuffer(bytes), LOCAL, SENDER);
    }

    @SuppressWarnings("unchecked")
    private static AddressedEnvelope<Object, InetSocketAddress> read(EmbeddedChannel ch) {
        return (AddressedEnvelope<Object, InetSocketAddress>) assertInstanceOf(AddressedEnvelope.class, ch.readInbound());
    }

    @Test
    void extraTrailingOctetsAreIgnored() {
        EmbeddedChannel ch = channel();
        DatagramPacket p = packet(Corpus.bytes("rfc4475/dblreq.dat"));
        ch.writeInbound(p);
        AddressedEnvelope<Object, InetSocketAddress> env = read(ch);
        try {
            assertEquals(SENDER, env.sender());
            SipRequest r = assertInstanceOf(SipRequest.class, env.content());
            assertEquals("REGISTER", r.method());
            assertEquals(0, r.contentLength());
            assertFalse(r.content().toString(StandardCharsets.US_ASCII).contains("INVITE sip:"),
                    "the trailing INVITE is not part of the message");
        } finally {
            env.release();
        }
        assertEquals(0, p.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void withoutContentLengthTheBodyIsTheRestOfTheDatagram() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(packet(Corpus.bytes("rfc4475/inv2543.dat")));
        AddressedEnvelope<Object, InetSocketAddress> env = read(ch);
        try {
            SipMessage m = assertInstanceOf(SipMessage.class, env.content());
            assertTrue(m.contentLength() > 0);
            assertTrue(m.body().toString(StandardCharsets.US_ASCII).startsWith("v=0"));
        } finally {
            env.release();
        }
        assertFalse(ch.finish());
    }

    @Test
    void contentLengthLargerThanTheDatagramIsA400() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(packet(Corpus.bytes("rfc4475/clerr.dat")));
        AddressedEnvelope<Object, InetSocketAddress> env = read(ch);
        InboundError e = assertInstanceOf(InboundError.class, env.content());
        assertEquals(400, e.error().status());
        assertTrue(e.error().response().isPresent());
        assertFalse(e.closeConnection());
        assertFalse(ch.finish());
    }

    @Test
    void keepAlivesAreDroppedAndGarbageIsAnError() {
        EmbeddedChannel ch = channel();
        ByteBuf ka = Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        ch.writeInbound(new DatagramPacket(ka, LOCAL, SENDER));
        assertNull(ch.readInbound());
        assertEquals(0, ka.refCnt());
        ch.writeInbound(packet(new byte[] {1, 2, 3, (byte) 0xff}));
        InboundError e = assertInstanceOf(InboundError.class, read(ch).content());
        assertTrue(e.error().response().isEmpty());
        assertFalse(ch.finish());
    }
}
