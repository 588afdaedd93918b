package ai.oneinbox.edge.sip.transport;

import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.message.SipParseError;
import ai.oneinbox.edge.sip.message.SipParseResult;
import ai.oneinbox.edge.sip.message.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One datagram, one message (RFC 3261 §18.3): without Content-Length the body is the rest of the datagram;
 * octets beyond Content-Length are ignored (RFC 4475 §3.1.1.8). Frames as fast as possible and leaves the
 * rest to the lazy parse. Emits an {@link AddressedEnvelope} of a {@link SipMessage} or an
 * {@link InboundError}, with the datagram's sender and recipient. Keep-alive datagrams (only CR/LF/SP,
 * RFC 5626 §4.4.1 and common practice) are dropped.
 */
public final class SipDatagramDecoder extends MessageToMessageDecoder<DatagramPacket> {

    private final SipLimits limits;
    /**
     * The addresses of recent datagrams, so that messages from one peer share one address object: the
     * transport makes a new one per datagram, and transactions keep theirs for up to 64*T1 (a trunk and an
     * agent each send several messages a call). Per channel, so only its event loop touches it.
     */
    private final InetSocketAddress[] recent = new InetSocketAddress[RECENT];
    private static final int RECENT = 16;

    public SipDatagramDecoder(SipLimits limits) {
        super(DatagramPacket.class);
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        ByteBuf content = packet.content();
        if (isKeepAlive(content)) {
            return;
        }
        // the parser copies the octets into the message's own array: the pooled receive buffer (sized for the
        // largest datagram) goes back to its pool when this returns, however long the message lives
        SipParseResult result = SipParser.parse(content, limits);
        Object message = result instanceof SipMessage ? result : new InboundError((SipParseError) result, false);
        out.add(new DefaultAddressedEnvelope<Object, InetSocketAddress>(message, canonical(packet.recipient()),
                canonical(packet.sender())));
    }

    private InetSocketAddress canonical(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        int slot = address.hashCode() & (RECENT - 1);
        InetSocketAddress seen = recent[slot];
        if (address.equals(seen)) {
            return seen;
        }
        recent[slot] = address;
        return address;
    }

    private static boolean isKeepAlive(ByteBuf content) {
        for (int i = content.readerIndex(); i < content.writerIndex(); i++) {
            byte b = content.getByte(i);
            if (b != '\r' && b != '\n' && b != ' ' && b != 0) {
                return false;
            }
        }
        return true;
    }
}
