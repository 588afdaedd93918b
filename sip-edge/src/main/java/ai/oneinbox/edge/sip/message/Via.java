package ai.oneinbox.edge.sip.message;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code via-parm}: {@code SIP/2.0/UDP host:port;branch=...;rport;received=...}.
 *
 * @param transport  transport as received, upper-cased ("UDP", "TCP", "TLS", "SCTP", or an unknown one)
 * @param host       sent-by host as received (IPv6 reference with brackets)
 * @param port       sent-by port when present
 * @param parameters via-params as received including the leading ";", or ""
 * @param raw        the whole via-parm as received
 */
public record Via(String transport, String host, OptionalInt port, String parameters, String raw) {

    /** The RFC 3261 magic cookie that starts every branch of a compliant element. */
    public static final String MAGIC_COOKIE = "z9hG4bK";

    public Optional<String> branch() {
        return parameter("branch");
    }

    /** {@code received} (RFC 3261 §18.2.1); an IPv6 value may come with or without brackets (RFC 5118 §4.5). */
    public Optional<String> received() {
        return parameter("received");
    }

    /** True when {@code rport} is present, with or without a value (RFC 3581). */
    public boolean hasRport() {
        return parameter("rport").isPresent();
    }

    /** The {@code rport} value, when one was filled in. */
    public OptionalInt rport() {
        Optional<String> v = parameter("rport");
        if (v.isEmpty() || v.get().isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(v.get()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    public Optional<String> maddr() {
        return parameter("maddr");
    }

    /** Value of via parameter {@code name} (case-insensitive); "" for a parameter without value. */
    public Optional<String> parameter(String name) {
        return Params.find(parameters, name);
    }

    /** {@code host[:port]} as received. */
    public String sentBy() {
        return port.isPresent() ? host + ':' + port.getAsInt() : host;
    }

    /** True when the branch starts with the RFC 3261 magic cookie. */
    public boolean hasRfc3261Branch() {
        return branch().map(b -> b.startsWith(MAGIC_COOKIE)).orElse(false);
    }

    @Override
    public String toString() {
        return raw;
    }
}
