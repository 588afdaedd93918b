package ai.oneinbox.edge.routing;

import java.util.Objects;

/**
 * The SIP digest credentials an agent proves itself with when it calls out from an address that is not
 * one of its registered endpoints. Decrypted by the API's feed follower on the node itself; never in the
 * feed payload, and {@link #toString} never shows the password.
 */
public record AgentCredentials(String username, String password) {
  public AgentCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("username must not be empty");
    }
  }

  @Override
  public String toString() {
    return "AgentCredentials[username=" + username + ", password=***]";
  }
}
