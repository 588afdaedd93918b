/**
 * SIP over UDP, TCP and TLS on Netty.
 *
 * <p>{@link ai.oneinbox.edge.sip.transport.SipTransports} binds the listeners (native epoll when available,
 * several UDP channels on one port with SO_REUSEPORT) and implements
 * {@link ai.oneinbox.edge.sip.transport.Transport}, the proxy's way out; inbound messages go to the one
 * {@link ai.oneinbox.edge.sip.transport.SipMessageHandler} the proxy implements. Framing:
 * {@link ai.oneinbox.edge.sip.transport.SipStreamDecoder} (Content-Length, RFC 3261 §18.3) and
 * {@link ai.oneinbox.edge.sip.transport.SipDatagramDecoder} (one datagram, one message). Malformed input is
 * answered or dropped here and never reaches the handler.
 */
package ai.oneinbox.edge.sip.transport;
