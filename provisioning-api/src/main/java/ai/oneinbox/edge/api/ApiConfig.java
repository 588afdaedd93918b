package ai.oneinbox.edge.api;

import java.nio.file.Path;

/**
 * What the provisioning API reads from {@code config/edge.yaml}: the {@code api:} section, {@code database:},
 * {@code provider:}, {@code data_dir} and {@code routing.default_region}. Defaults equal the file's.
 *
 * @param host            {@code api.host}
 * @param port            {@code api.port} (0: any free port)
 * @param apiKey          {@code api.api_key} / {@code EDGE_API_KEY}; empty: {@code <data_dir>/admin-api-key}
 * @param maxBodyBytes    {@code api.max_body_bytes}; larger bodies → 413
 * @param publicSipUri    {@code api.public_sip_uri}
 * @param secretsKey      base64 of a 32-byte AES key for secrets at rest; empty: {@code <data_dir>/secrets.key}
 * @param database        {@code database:}
 * @param provider        {@code provider:}
 * @param dataDir         {@code data_dir}
 * @param defaultRegion   {@code routing.default_region}, for numbers written without a country code
 */
public record ApiConfig(String host, int port, String apiKey, int maxBodyBytes, String publicSipUri,
                        String secretsKey, DatabaseConfig database, ProviderConfig provider, Path dataDir,
                        String defaultRegion) {

    public ApiConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("api.host: must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("api.port: must be 0..65535, was " + port);
        }
        if (apiKey == null || secretsKey == null || publicSipUri == null) {
            throw new IllegalArgumentException("api: api_key, secrets_key and public_sip_uri must not be null");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("api.max_body_bytes: must be at least 1024, was " + maxBodyBytes);
        }
        if (database == null || provider == null || dataDir == null) {
            throw new IllegalArgumentException("database, provider and data_dir must be given");
        }
        if (defaultRegion == null || !defaultRegion.matches("[A-Z]{2}")) {
            throw new IllegalArgumentException("routing.default_region: must be ISO 3166 alpha-2, was " + defaultRegion);
        }
    }

    /** The defaults of {@code config/edge.yaml}, with the given data directory. */
    public static ApiConfig defaults(Path dataDir) {
        return new ApiConfig("0.0.0.0", 8080, "", 65536, "sip:voice.oneinbox.ai:5060", "",
                DatabaseConfig.DEFAULTS, ProviderConfig.DEFAULTS, dataDir, "US");
    }

    public ApiConfig withListen(String host, int port) {
        return new ApiConfig(host, port, apiKey, maxBodyBytes, publicSipUri, secretsKey, database, provider, dataDir, defaultRegion);
    }

    public ApiConfig withApiKey(String apiKey) {
        return new ApiConfig(host, port, apiKey, maxBodyBytes, publicSipUri, secretsKey, database, provider, dataDir, defaultRegion);
    }

    public ApiConfig withMaxBodyBytes(int maxBodyBytes) {
        return new ApiConfig(host, port, apiKey, maxBodyBytes, publicSipUri, secretsKey, database, provider, dataDir, defaultRegion);
    }

    public ApiConfig withDatabase(DatabaseConfig database) {
        return new ApiConfig(host, port, apiKey, maxBodyBytes, publicSipUri, secretsKey, database, provider, dataDir, defaultRegion);
    }

    public ApiConfig withProvider(ProviderConfig provider) {
        return new ApiConfig(host, port, apiKey, maxBodyBytes, publicSipUri, secretsKey, database, provider, dataDir, defaultRegion);
    }

    public ApiConfig withPublicSipUri(String publicSipUri) {
        return new ApiConfig(host, port, apiKey, maxBodyBytes, publicSipUri, secretsKey, database, provider, dataDir, defaultRegion);
    }
}
