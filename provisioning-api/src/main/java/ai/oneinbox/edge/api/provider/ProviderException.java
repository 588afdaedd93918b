package ai.oneinbox.edge.api.provider;

/**
 * A provider call that failed: {@code status} is the HTTP status the API should answer (502 provider
 * error, 503 provider down, 504 provider timeout, 422 credentials rejected); the message is what the
 * provider said, never a secret.
 */
public final class ProviderException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;

    public ProviderException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public ProviderException(int status, String message) {
        this(status, message, null);
    }

    public int status() {
        return status;
    }
}
