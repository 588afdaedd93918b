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
 */
public record Agent(String id, List<String> sipUris, int maxConcurrentCalls,
                    Optional<String> voicemailMessage, boolean enabled) {
  public Agent {
    Ids.require(id, "id");
    sipUris = List.copyOf(sipUris);
    if (maxConcurrentCalls < 0) {
      throw new IllegalArgumentException("maxConcurrentCalls must be >= 0 (0 = unlimited): "
          + maxConcurrentCalls);
    }
    Objects.requireNonNull(voicemailMessage, "voicemailMessage");
  }
}
