package ai.oneinbox.edge.sip.transport;

import ai.oneinbox.edge.sip.message.SipParseError;

/**
 * What a decoder emits for octets that are no acceptable message: the parse error (with the answer octets
 * when the request can be addressed) and whether the stream's framing is lost, so the connection must close
 * once the answer is written (RFC 4475 §3.1.2.3, §3.3.9).
 */
public record InboundError(SipParseError error, boolean closeConnection) {
}
