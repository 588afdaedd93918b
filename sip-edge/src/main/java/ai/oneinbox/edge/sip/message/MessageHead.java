package ai.oneinbox.edge.sip.message;

import io.netty.buffer.ByteBuf;

/** The parser's working state for one message; becomes a {@link SipRequest} or {@link SipResponse}. */
final class MessageHead {
    ByteBuf buf;
    HeaderIndex index;
    int startLineEnd;
    int bodyStart;
    int bodyLength;
    Via topVia;
    NameAddr from;
    NameAddr to;
    String callId;
    CSeq cseq;
    int maxForwards = -1;
}
