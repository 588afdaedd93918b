package ai.oneinbox.edge.sip.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS contexts for SIP over TLS (RFC 3261 §26.3.1). The server uses the configured PEM pair, or for
 * development a self-signed pair generated once into {@code <data_dir>/tls/}. Netty's
 * {@link SelfSignedCertificate} works here on JDK 17 without BouncyCastle (it falls back to the JDK's own
 * generator). Outbound TLS verifies peers against the JDK trust store.
 */
final class TlsContexts {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
    static final String SELF_SIGNED_CERT = "edge-self-signed.crt";
    static final String SELF_SIGNED_KEY = "edge-self-signed.key";

    private TlsContexts() {
    }

    static SslContext server(SipTransportConfig.Tls tls) {
        Path cert;
        Path key;
        if (tls.selfSigned()) {
            Path dir = tls.dataDir().resolve("tls");
            cert = dir.resolve(SELF_SIGNED_CERT);
            key = dir.resolve(SELF_SIGNED_KEY);
            if (!Files.exists(cert) || !Files.exists(key)) {
                generate(dir, cert, key);
            }
        } else {
            cert = tls.certificate().orElseThrow();
            key = tls.privateKey().orElseThrow();
        }
        try {
            return SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load TLS certificate " + cert + " and key " + key + ": "
                    + e.getMessage(), e);
        }
    }

    static SslContext client() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client context", e);
        }
    }

    private static void generate(Path dir, Path cert, Path key) {
        SelfSignedCertificate generated = null;
        try {
            Files.createDirectories(dir);
            generated = new SelfSignedCertificate("oneinbox-edge");
            Files.copy(generated.certificate().toPath(), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(generated.privateKey().toPath(), key, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                LOG.warn("cannot restrict permissions of {} on this file system", key);
            }
            LOG.info("generated a self-signed development TLS pair in {}", dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the self-signed TLS pair to " + dir, e);
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot generate a self-signed TLS pair", e);
        } finally {
            if (generated != null) {
                generated.delete();
            }
        }
    }
}
