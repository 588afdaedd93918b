package ai.oneinbox.edge.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts secrets at rest with AES-256-GCM: {@code nonce(12) || ciphertext || tag(16)}. The key comes from
 * config (base64 of 32 bytes) or from {@code <data_dir>/secrets.key}, generated with mode 0600 when missing.
 */
final class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("secrets key: must be 32 bytes (base64), was " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    static SecretBox of(byte[] key) {
        return new SecretBox(key.clone());
    }

    /** The configured key if non-empty, else the data directory's key file (created on first use). */
    static SecretBox load(String configuredKey, Path dataDir) {
        if (!configuredKey.isBlank()) {
            try {
                return new SecretBox(Base64.getDecoder().decode(configuredKey.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("api.secrets_key: not base64 of 32 bytes");
            }
        }
        Path file = dataDir.resolve("secrets.key");
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                Files.createDirectories(dataDir);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
                    log.info("Generated the secrets encryption key in {}", file.toAbsolutePath());
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: read theirs below
                }
            }
            return new SecretBox(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException("secrets key file " + file, e);
        }
    }

    byte[] seal(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    String open(byte[] box) {
        if (box.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("sealed secret too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, box, 0, NONCE_BYTES));
            return new String(cipher.doFinal(box, NONCE_BYTES, box.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret does not open with this key (wrong secrets key?)", e);
        }
    }
}
