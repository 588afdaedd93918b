package ai.oneinbox.edge.sip.transport;

import ai.oneinbox.edge.sip.message.SipMessage;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link SipMessage} forwarded unchanged as the octets it arrived in (a retained slice, no copy).
 * Edited messages are already octets ({@code SipMessageEditor.encode}) and pass through as ByteBufs.
 */
@ChannelHandler.Sharable
public final class SipMessageEncoder extends MessageToMessageEncoder<SipMessage> {

    public static final SipMessageEncoder INSTANCE = new SipMessageEncoder();

    private SipMessageEncoder() {
        super(SipMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SipMessage message, List<Object> out) {
        out.add(message.content().retain());
    }
}
