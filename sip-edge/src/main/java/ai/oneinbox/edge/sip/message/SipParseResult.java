package ai.oneinbox.edge.sip.message;

/**
 * What {@link SipParser#parse} makes of some octets: a {@link SipMessage} (which the caller then owns and
 * must release) or a {@link SipParseError} value. Parsing never throws.
 */
public sealed interface SipParseResult permits SipMessage, SipParseError {
}
