package ai.oneinbox.edge.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API key: the configured one ({@code api.api_key} / {@code EDGE_API_KEY}), or one generated on
 * first start and kept in {@code <data_dir>/admin-api-key} (mode 0600). The key itself is never logged; the
 * file's location is.
 *
 * @param key         the bearer token
 * @param storedIn    the file holding it, when it came from the data directory
 */
public record AdminKey(String key, Optional<Path> storedIn) {

    private static final Logger log = LoggerFactory.getLogger(AdminKey.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MIN_LENGTH = 16;

    public AdminKey {
        if (key.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("api.api_key: must be at least " + MIN_LENGTH + " characters");
        }
    }

    /** The configured key when non-blank, else the data directory's key, created on first call. */
    public static AdminKey resolve(String configured, Path dataDir) {
        if (!configured.isBlank()) {
            return new AdminKey(configured.strip(), Optional.empty());
        }
        Path file = dataDir.resolve("admin-api-key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                byte[] raw = new byte[32];
                RANDOM.nextBytes(raw);
                String fresh = "oik_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, fresh + "\n", StandardCharsets.US_ASCII);
                    log.info("Generated the admin API key; it is in {}", file.toAbsolutePath());
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                }
            }
            String key = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return new AdminKey(key, Optional.of(file.toAbsolutePath()));
        } catch (IOException e) {
            throw new UncheckedIOException("admin API key file " + file, e);
        }
    }

    @Override
    public String toString() {
        return "AdminKey[storedIn=" + storedIn.map(Path::toString).orElse("config") + "]";
    }
}
