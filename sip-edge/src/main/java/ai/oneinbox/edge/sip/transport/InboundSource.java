package ai.oneinbox.edge.sip.transport;

import java.net.InetSocketAddress;

/**
 * Where an inbound message came from: the transport, the peer's address and port as the socket saw them
 * (what RFC 3261 §18.2.1 {@code received} and RFC 3581 {@code rport} record), and the local address that
 * received it.
 */
public record InboundSource(TransportKind transport, InetSocketAddress remote, InetSocketAddress local) {
}
