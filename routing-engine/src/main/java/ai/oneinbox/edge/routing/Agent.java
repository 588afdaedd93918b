package ai.oneinbox.edge.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A voice agent that takes calls.
 *
 * @param id the agent's id
 * @param sipUris the SIP endpoints of the agent, tried in order
 * @param maxConcurrentCalls most calls at once; 0 = unlimited
 * @param voicemailMessage the agent's default voicemail message
 * @param enabled false: the agent takes no calls (the engine reads this itself)
 * @param credentials the digest credentials of its outbound calls from unregistered addresses
 */
public record Agent(String id, List<String> sipUris, int maxConcurrentCalls,
                    Optional<String> voicemailMessage, boolean enabled,
                    Optional<AgentCredentials> credentials) {
  /** An agent without SIP credentials: it calls out only from its registered endpoints. */
  public Agent(String id, List<String> sipUris, int maxConcurrentCalls, Optional<String> voicemailMessage,
      boolean enabled) {
    this(id, sipUris, maxConcurrentCalls, voicemailMessage, enabled, Optional.empty());
  }

  public Agent {
    Ids.require(id, "id");
    sipUris = List.copyOf(sipUris);
    if (maxConcurrentCalls < 0) {
      throw new IllegalArgumentException("maxConcurrentCalls must be >= 0 (0 = unlimited): "
          + maxConcurrentCalls);
    }
    Objects.requireNonNull(voicemailMessage, "voicemailMessage");
    Objects.requireNonNull(credentials, "credentials");
  }

  /** This agent with {@code value} as its credentials (the feed follower fills them in after decrypting). */
  public Agent withCredentials(Optional<AgentCredentials> value) {
    return new Agent(id, sipUris, maxConcurrentCalls, voicemailMessage, enabled, value);
  }
}
