package ai.oneinbox.edge.sip.transport;

/** A double-CRLF keep-alive ping seen on a stream between messages (RFC 5626 §3.5.1); answered with CRLF. */
public enum KeepAlivePing {
    INSTANCE
}
