package ai.oneinbox.edge.sip.message;

import io.netty.buffer.ByteBuf;

/** The parser's working state for one message; becomes a {@link SipRequest} or {@link SipResponse}. */
final class MessageHead {
    byte[] octets;
    ByteBuf buf;
    HeaderIndex index;
    int startLineEnd;
    int bodyStart;
    int bodyLength;
    int topViaStart;
    int topViaEnd;
    int fromStart;
    int fromEnd;
    int toStart;
    int toEnd;
    String callId;
    CSeq cseq;
    int maxForwards = -1;
}
