package ai.oneinbox.edge.sip.transport;

import ai.oneinbox.edge.sip.message.SipMessage;

/**
 * What the transports deliver inbound messages to (the proxy core implements it). Called on a transport
 * event-loop thread: do not block.
 *
 * <p>The transport releases {@code message} after {@link #onMessage} returns; a handler that keeps it
 * (e.g. hands it to another thread or stores it in a transaction) calls {@code message.retain()} and later
 * {@code release()}. An exception thrown here is logged and the message released; it never reaches the
 * pipeline.
 */
@FunctionalInterface
public interface SipMessageHandler {

    /** A well-formed request or response arrived. Malformed ones are answered (400, 505, 513) or dropped by the transport. */
    void onMessage(SipMessage message, InboundSource source);
}
