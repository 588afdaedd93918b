package ai.oneinbox.edge.api;

/**
 * The {@code database:} section of {@code config/edge.yaml}.
 *
 * @param url      {@code postgresql://user:password@host:port/db} or {@code jdbc:postgresql://host:port/db?user=..};
 *                 empty: an embedded PostgreSQL in {@code <data_dir>/pg}
 * @param poolSize connections in the API's pool
 */
public record DatabaseConfig(String url, int poolSize) {

    public static final DatabaseConfig DEFAULTS = new DatabaseConfig("", 8);

    public DatabaseConfig {
        if (url == null) {
            throw new IllegalArgumentException("database.url: must not be null (empty means embedded)");
        }
        if (poolSize < 1 || poolSize > 512) {
            throw new IllegalArgumentException("database.pool_size: must be 1..512, was " + poolSize);
        }
        url = url.strip();
    }

    public static DatabaseConfig external(String url) {
        return new DatabaseConfig(url, DEFAULTS.poolSize());
    }

    boolean embedded() {
        return url.isEmpty();
    }
}
