package ai.oneinbox.edge.server;

/**
 * A configuration value that cannot be used. The message always names the key (and the environment
 * variable when the value came from one) and the reason, so a start-up failure says what to fix.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String reason;

    public ConfigException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    public String reason() {
        return reason;
    }
}
