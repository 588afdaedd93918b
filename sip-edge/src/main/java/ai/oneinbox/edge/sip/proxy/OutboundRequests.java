package ai.oneinbox.edge.sip.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * Requests the edge writes itself, not by editing a received one: the ACK for a non-2xx final response
 * (RFC 3261 §17.1.1.3), the CANCEL of a branch (§9.1), and the OPTIONS of a health probe. Each follows its
 * RFC recipe exactly: the same Request-URI, Call-ID, From, CSeq number and Route set as the INVITE, the
 * INVITE's single top Via, and for ACK the To of the response (with its tag).
 */
final class OutboundRequests {
  private OutboundRequests() {}

  /** What ACK and CANCEL copy from the INVITE we sent on a branch. */
  record SentInvite(String requestUri, String via, List<String> routes, String from, String to,
      String callId, long cseq) {}

  static ByteBuf ack(ByteBufAllocator alloc, SentInvite invite, String responseTo) {
    return write(alloc, "ACK", invite, responseTo);
  }

  static ByteBuf cancel(ByteBufAllocator alloc, SentInvite invite) {
    return write(alloc, "CANCEL", invite, invite.to());
  }

  private static ByteBuf write(ByteBufAllocator alloc, String method, SentInvite invite, String to) {
    StringBuilder b = new StringBuilder(384);
    b.append(method).append(' ').append(invite.requestUri()).append(" SIP/2.0\r\n");
    b.append("Via: ").append(invite.via()).append("\r\n");
    for (String route : invite.routes()) {
      b.append("Route: ").append(route).append("\r\n");
    }
    b.append("Max-Forwards: 70\r\n");
    b.append("From: ").append(invite.from()).append("\r\n");
    b.append("To: ").append(to).append("\r\n");
    b.append("Call-ID: ").append(invite.callId()).append("\r\n");
    b.append("CSeq: ").append(invite.cseq()).append(' ').append(method).append("\r\n");
    b.append("Content-Length: 0\r\n\r\n");
    return encode(alloc, b);
  }

  /** An OPTIONS probe of {@code uri} from the edge (its own From tag, Call-ID and branch). */
  static ByteBuf options(ByteBufAllocator alloc, String uri, String via, String fromUri, String tag,
      String callId) {
    StringBuilder b = new StringBuilder(320);
    b.append("OPTIONS ").append(uri).append(" SIP/2.0\r\n");
    b.append("Via: ").append(via).append("\r\n");
    b.append("Max-Forwards: 70\r\n");
    b.append("From: <").append(fromUri).append(">;tag=").append(tag).append("\r\n");
    b.append("To: <").append(uri).append(">\r\n");
    b.append("Call-ID: ").append(callId).append("\r\n");
    b.append("CSeq: 1 OPTIONS\r\n");
    b.append("Accept: application/sdp\r\n");
    b.append("Content-Length: 0\r\n\r\n");
    return encode(alloc, b);
  }

  private static ByteBuf encode(ByteBufAllocator alloc, CharSequence text) {
    ByteBuf out = alloc.buffer(ByteBufUtil.utf8MaxBytes(text));
    ByteBufUtil.writeUtf8(out, text);
    return out;
  }
}
