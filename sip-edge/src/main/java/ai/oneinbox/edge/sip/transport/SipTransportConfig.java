package ai.oneinbox.edge.sip.transport;

import ai.oneinbox.edge.sip.message.SipLimits;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The listener part of {@code sip:} in {@code config/edge.yaml}.
 *
 * @param host        address the listeners bind ({@code sip.host}, default 0.0.0.0)
 * @param port        UDP and TCP port ({@code sip.port}, default 5060; 0 = ephemeral, for tests)
 * @param udpChannels UDP channels bound with SO_REUSEPORT ({@code sip.udp_channels}; 0 = available processors;
 *                    without native epoll always 1)
 * @param tls         the TLS listener, when configured
 * @param limits      {@code sip.limits}
 */
public record SipTransportConfig(String host, int port, int udpChannels, Optional<Tls> tls, SipLimits limits) {

    public SipTransportConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (udpChannels < 0) {
            throw new IllegalArgumentException("udpChannels must be >= 0, got " + udpChannels);
        }
    }

    /** Defaults of {@code config/edge.yaml} without TLS. */
    public static SipTransportConfig defaults() {
        return new SipTransportConfig("0.0.0.0", 5060, 0, Optional.empty(), SipLimits.DEFAULTS);
    }

    /**
     * {@code sip.tls}: a PEM certificate chain and PKCS#8 PEM key, or a self-signed pair generated in
     * {@code dataDir} for development.
     *
     * @param port        TLS port ({@code sip.tls.port}, default 5061; 0 = ephemeral)
     * @param certificate PEM certificate chain file, when not self-signed
     * @param privateKey  PEM PKCS#8 private key file, when not self-signed
     * @param selfSigned  generate (once) and use {@code <dataDir>/tls/edge-self-signed.{crt,key}}
     * @param dataDir     the node's data directory ({@code data_dir})
     */
    public record Tls(int port, Optional<Path> certificate, Optional<Path> privateKey, boolean selfSigned,
                      Path dataDir) {
        public Tls {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(dataDir, "dataDir");
            if (!selfSigned && (certificate.isEmpty() || privateKey.isEmpty())) {
                throw new IllegalArgumentException("TLS needs certificate and private_key, or self_signed");
            }
        }
    }
}
