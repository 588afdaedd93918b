package ai.oneinbox.edge.sip.transport;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * The seam the proxy sends through. {@code send} takes ownership of {@code message} (it is released once
 * written or on failure). For TCP and TLS an open connection to the destination is reused (an inbound one
 * included, RFC 3261 §18.2.2), else one is opened.
 */
public interface Transport {

    /**
     * Sends the octets of one SIP message to {@code destination} over {@code transport}. The stage
     * completes when the octets are written to the socket, or exceptionally (unknown/unsupported transport,
     * connection refused, ...): the proxy treats that as a transport error (RFC 3261 §8.1.3.1, §16.9).
     */
    CompletionStage<Void> send(TransportKind transport, InetSocketAddress destination, ByteBuf message);

    /** The local address and port this edge listens on for {@code transport}, for Via sent-by and Record-Route. */
    java.util.Optional<InetSocketAddress> localAddress(TransportKind transport);
}
