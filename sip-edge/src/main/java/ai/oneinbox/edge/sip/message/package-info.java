/**
 * SIP messages on their octets: frame first, parse lazily (ARCHITECTURE decision 7).
 *
 * <p>{@link ai.oneinbox.edge.sip.message.SipParser} takes one framed message, checks the start line and the
 * headers a proxy needs strictly (RFC 3261 §25, the RFC 4475/5118 torture tests), indexes every other header
 * line, and answers a {@link ai.oneinbox.edge.sip.message.SipMessage} or a
 * {@link ai.oneinbox.edge.sip.message.SipParseError} value carrying the answer octets when the request can be
 * addressed. Edits for forwarding ({@link ai.oneinbox.edge.sip.message.SipMessageEditor}) and answers of the
 * edge itself ({@link ai.oneinbox.edge.sip.message.SipResponseBuilder}) copy untouched lines as octets.
 * Grammar rules live in {@link ai.oneinbox.edge.sip.message.SipGrammar}, named as in the RFC; every size
 * limit in {@link ai.oneinbox.edge.sip.message.SipLimits}.
 */
package ai.oneinbox.edge.sip.message;
