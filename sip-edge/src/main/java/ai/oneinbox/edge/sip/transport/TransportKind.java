package ai.oneinbox.edge.sip.transport;

/** The SIP transports the edge speaks, with the names Via and the {@code transport} URI parameter use. */
public enum TransportKind {
    UDP("UDP", false),
    TCP("TCP", true),
    TLS("TLS", true);

    private final String viaName;
    private final boolean stream;

    TransportKind(String viaName, boolean stream) {
        this.viaName = viaName;
        this.stream = stream;
    }

    /** The name in a Via's sent-protocol ("SIP/2.0/UDP"). */
    public String viaName() {
        return viaName;
    }

    /** True for connection-oriented transports (framing by Content-Length, RFC 3261 §18.3). */
    public boolean isStream() {
        return stream;
    }

    /** The transport a Via's transport names, when the edge speaks it. */
    public static java.util.Optional<TransportKind> fromViaName(String name) {
        for (TransportKind k : values()) {
            if (k.viaName.equalsIgnoreCase(name)) {
                return java.util.Optional.of(k);
            }
        }
        return java.util.Optional.empty();
    }
}
