package ai.oneinbox.edge.routing;

import java.util.Objects;

/**
 * The SIP credentials the edge answers a trunk's digest challenge (401/407) with on outbound calls: a
 * Twilio credential list entry or a Telnyx credential connection. Decrypted by the API's feed follower
 * on the node itself; never in the feed payload, and {@link #toString} never shows the password.
 */
public record TrunkCredentials(String username, String password) {
  public TrunkCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("username must not be empty");
    }
  }

  @Override
  public String toString() {
    return "TrunkCredentials[username=" + username + ", password=***]";
  }
}
