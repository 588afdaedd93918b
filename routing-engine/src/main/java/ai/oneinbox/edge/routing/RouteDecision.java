package ai.oneinbox.edge.routing;

import java.util.Objects;
import java.util.Optional;

/** Where an inbound call goes, and why ({@link #trace()}). */
public sealed interface RouteDecision {
  Trace trace();

  /** To an agent: the inbound agent ({@link Leg#PRIMARY}) or the fallback agent. */
  record ToAgent(NumberRoute number, Agent agent, Leg leg, Trace trace) implements RouteDecision {
    public ToAgent {
      Objects.requireNonNull(number, "number");
      Objects.requireNonNull(agent, "agent");
      Objects.requireNonNull(leg, "leg");
      Objects.requireNonNull(trace, "trace");
    }
  }

  /**
   * To voicemail with {@code message}: {@code inbound_routing.voicemail_message}, else the inbound
   * agent's default message, else the platform's.
   *
   * @param inboundAgent the inbound agent, when it exists (whose voicemail box takes the message)
   */
  record ToVoicemail(NumberRoute number, String message, Optional<Agent> inboundAgent, Trace trace)
      implements RouteDecision {
    public ToVoicemail {
      Objects.requireNonNull(number, "number");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(inboundAgent, "inboundAgent");
      Objects.requireNonNull(trace, "trace");
    }
  }

  /** Rejected with a final SIP status and reason phrase. */
  record Reject(int sipStatus, String reasonPhrase, RejectCode code, Trace trace)
      implements RouteDecision {
    public Reject {
      Objects.requireNonNull(reasonPhrase, "reasonPhrase");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(trace, "trace");
    }
  }
}
