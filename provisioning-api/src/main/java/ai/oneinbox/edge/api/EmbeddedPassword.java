package ai.oneinbox.edge.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL's own password, one per data directory: generated on first start into
 * {@code <data_dir>/pg-password} (mode 0600, like {@code secrets.key}), set on the {@code postgres} role, and
 * required (SCRAM) for every connection by the cluster's {@code pg_hba.conf}, which has no trust line and no
 * Unix-socket line. Embedded PostgreSQL's {@code initdb} trusts every local connection; without this, any
 * local user who finds the port could read the store as {@code postgres/postgres}.
 */
final class EmbeddedPassword {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPassword.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The password as written: base64url of 24 random bytes, so it is safe inside an SQL literal. */
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{32}");
    static final String HBA_MARKER = "# oneinbox-edge: password required";
    static final String HBA = HBA_MARKER + " (SCRAM) on TCP, no trust, no Unix socket\n"
            + "host all all 127.0.0.1/32 scram-sha-256\n"
            + "host all all ::1/128 scram-sha-256\n";

    private EmbeddedPassword() {}

    /** The data directory's password, created (0600) when missing; a file of another form is refused. */
    static String load(Path dataDir) {
        Path file = dataDir.resolve("pg-password");
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[24];
                RANDOM.nextBytes(fresh);
                Files.createDirectories(dataDir);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(fresh) + "\n",
                            StandardCharsets.US_ASCII);
                    log.info("Generated the embedded PostgreSQL's password in {}", file.toAbsolutePath());
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: read theirs below
                }
            }
            String password = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!FORM.matcher(password).matches()) {
                throw new IllegalStateException(file + ": not a password this edge wrote (32 characters of"
                        + " base64url); remove it only together with " + dataDir.resolve("pg"));
            }
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL password file " + file, e);
        }
    }

    /** The cluster already requires the password (its pg_hba.conf is ours). */
    static boolean isRequired(Path pgDir) {
        Path hba = pgDir.resolve("pg_hba.conf");
        try {
            return Files.isRegularFile(hba) && Files.readString(hba).startsWith(HBA_MARKER);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + hba, e);
        }
    }

    /**
     * Sets the password on the {@code postgres} role through a connection the cluster still trusts, then
     * replaces pg_hba.conf and reloads it: from here on every connection needs the password. Runs on a
     * cluster's first start (and once on a data directory from an edge that predates the password).
     */
    static void require(DataSource trusted, Path pgDir, String password) {
        try (Connection c = trusted.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
            Path hba = pgDir.resolve("pg_hba.conf");
            Path next = pgDir.resolve("pg_hba.conf.next");
            Files.writeString(next, HBA);
            Files.move(next, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("could not set the embedded PostgreSQL's password: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + pgDir.resolve("pg_hba.conf"), e);
        }
    }
}
