package ai.oneinbox.edge.api;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/** A fresh database on the local PostgreSQL (127.0.0.1:5432, trust) per test class, dropped after. */
final class TestDatabases {

    static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private TestDatabases() {}

    /** Creates {@code edge_test_<random>} and returns its name. */
    static String create() {
        byte[] raw = new byte[6];
        new SecureRandom().nextBytes(raw);
        String name = "edge_test_" + HexFormat.of().formatHex(raw);
        admin("create database " + name);
        return name;
    }

    static void drop(String name) {
        admin("drop database if exists " + name + " with (force)");
    }

    static String url(String name) {
        return "postgresql://postgres@127.0.0.1:5432/" + name;
    }

    static Database start(String name, Path dataDir) {
        return Database.start(DatabaseConfig.external(url(name)), dataDir);
    }

    static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
