package ai.oneinbox.edge.sip.transport;

import ai.oneinbox.edge.sip.message.SipMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every SIP pipeline: hands well-formed messages to the {@link SipMessageHandler}, answers
 * malformed requests that can be addressed, closes streams whose framing is lost or that went idle, and
 * releases everything it is given. Nothing thrown by the handler escapes into the pipeline.
 */
@ChannelHandler.Sharable
final class SipInboundHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SipInboundHandler.class);

    private static final byte[] PONG = {'\r', '\n'};

    private final TransportKind kind;
    private final SipMessageHandler handler;

    SipInboundHandler(TransportKind kind, SipMessageHandler handler) {
        this.kind = kind;
        this.handler = handler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof AddressedEnvelope) {
                AddressedEnvelope<?, ?> envelope = (AddressedEnvelope<?, ?>) msg;
                InetSocketAddress sender = (InetSocketAddress) envelope.sender();
                InetSocketAddress recipient = (InetSocketAddress) envelope.recipient();
                Object content = envelope.content();
                if (content instanceof SipMessage) {
                    deliver((SipMessage) content, new InboundSource(kind, sender, local(ctx, recipient)));
                } else if (content instanceof InboundError) {
                    InboundError error = (InboundError) content;
                    logRejected(error, sender);
                    malformed(error, new InboundSource(kind, sender, local(ctx, recipient)));
                    error.error().response().ifPresent(bytes ->
                            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), sender)));
                }
            } else if (msg instanceof SipMessage) {
                deliver((SipMessage) msg, new InboundSource(kind, inet(ctx.channel().remoteAddress()), local(ctx, null)));
            } else if (msg == KeepAlivePing.INSTANCE) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(PONG)); // RFC 5626 §3.5.1: a CRLF pong
            } else if (msg instanceof InboundError) {
                InboundError error = (InboundError) msg;
                logRejected(error, ctx.channel().remoteAddress());
                malformed(error, new InboundSource(kind, inet(ctx.channel().remoteAddress()), local(ctx, null)));
                if (error.error().response().isPresent()) {
                    var write = ctx.writeAndFlush(Unpooled.wrappedBuffer(error.error().response().get()));
                    if (error.closeConnection()) {
                        write.addListener(ChannelFutureListener.CLOSE);
                    }
                } else if (error.closeConnection()) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void deliver(SipMessage message, InboundSource source) {
        try {
            handler.onMessage(message, source);
        } catch (RuntimeException e) {
            LOG.error("SIP message handler failed on {} from {}", message, source.remote(), e);
        }
    }

    private void malformed(InboundError error, InboundSource source) {
        try {
            handler.onMalformed(error.error(), source);
        } catch (RuntimeException e) {
            LOG.error("SIP message handler failed on a malformed message from {}", source.remote(), e);
        }
    }

    private static InetSocketAddress local(ChannelHandlerContext ctx, InetSocketAddress recipient) {
        return recipient != null ? recipient : inet(ctx.channel().localAddress());
    }

    /** Socket channels always have IP addresses; anything else (an in-memory channel) maps to port 0. */
    private static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress ? (InetSocketAddress) address
                : InetSocketAddress.createUnresolved(String.valueOf(address), 0);
    }

    private void logRejected(InboundError error, SocketAddress from) {
        LOG.debug("rejected {} message from {}: {} (answer {})", kind, from, error.error().reason(),
                error.error().response().isPresent() ? error.error().status() : "none");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.debug("closing idle {} connection {}", kind, ctx.channel().remoteAddress());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{} channel {} failed: {}", kind, ctx.channel(), cause.toString());
        if (kind.isStream()) {
            ctx.close();
        }
    }
}
