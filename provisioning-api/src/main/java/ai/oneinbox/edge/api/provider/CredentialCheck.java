package ai.oneinbox.edge.api.provider;

/** The provider's verdict on an account's credentials. */
public sealed interface CredentialCheck {

    record Accepted(String accountName) implements CredentialCheck {}

    /** {@code reason}: what the provider said, never the credentials. */
    record Rejected(String reason) implements CredentialCheck {}
}
