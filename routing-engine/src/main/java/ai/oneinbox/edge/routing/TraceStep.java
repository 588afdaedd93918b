package ai.oneinbox.edge.routing;

/** One step of a routing decision, as recorded in its {@link Trace}. */
public enum TraceStep {
  NUMBER_FOUND(Subject.NUMBER, "number %s found"),
  NUMBER_NOT_FOUND(Subject.NUMBER, "number %s is not provisioned"),
  OUTBOUND_ONLY(Subject.NUMBER, "number %s has no inbound_routing: it is outbound-only"),
  INBOUND_AGENT_FROM_ROUTING(Subject.INBOUND, "inbound agent %s from inbound_routing.agent_id"),
  INBOUND_AGENT_FROM_NUMBER(Subject.INBOUND,
      "inbound agent %s is the number's agent_id (inbound_routing.agent_id not set)"),
  INBOUND_AGENT_AVAILABLE(Subject.INBOUND, "inbound agent %s is available"),
  INBOUND_AGENT_UNKNOWN(Subject.INBOUND, "inbound agent %s does not exist: unavailable"),
  INBOUND_AGENT_DISABLED(Subject.INBOUND, "inbound agent %s is disabled"),
  INBOUND_AGENT_UNHEALTHY(Subject.INBOUND, "inbound agent %s is unhealthy"),
  INBOUND_AGENT_AT_CAPACITY(Subject.INBOUND, "inbound agent %s is at its concurrent-call limit"),
  INBOUND_AGENT_FAILED_THIS_CALL(Subject.INBOUND, "inbound agent %s already failed in this call"),
  NO_FALLBACK(Subject.NONE, "no inbound_routing.fallback.agent_id"),
  FALLBACK_AGENT_AVAILABLE(Subject.FALLBACK, "fallback agent %s is available"),
  FALLBACK_AGENT_UNKNOWN(Subject.FALLBACK, "fallback agent %s does not exist: unavailable"),
  FALLBACK_AGENT_DISABLED(Subject.FALLBACK, "fallback agent %s is disabled"),
  FALLBACK_AGENT_UNHEALTHY(Subject.FALLBACK, "fallback agent %s is unhealthy"),
  FALLBACK_AGENT_AT_CAPACITY(Subject.FALLBACK, "fallback agent %s is at its concurrent-call limit"),
  FALLBACK_AGENT_FAILED_THIS_CALL(Subject.FALLBACK, "fallback agent %s already failed in this call"),
  VOICEMAIL_NUMBER_MESSAGE(Subject.NONE, "voicemail with inbound_routing.voicemail_message"),
  VOICEMAIL_AGENT_MESSAGE(Subject.INBOUND, "voicemail with inbound agent %s's default message"),
  VOICEMAIL_PLATFORM_MESSAGE(Subject.NONE, "voicemail with the platform's message");

  /** What the {@code %s} of a step's text names. */
  enum Subject { NONE, NUMBER, INBOUND, FALLBACK }

  static final TraceStep[] VALUES = values();

  final Subject subject;
  final String text;
  /** The text around its one {@code %s} (the whole text and "" for {@link Subject#NONE}). */
  final String head;
  final String tail;

  TraceStep(Subject subject, String text) {
    this.subject = subject;
    this.text = text;
    int at = text.indexOf("%s");
    if ((subject == Subject.NONE) != (at < 0) || text.indexOf("%s", at + 2) >= 0 && at >= 0) {
      throw new IllegalStateException(name() + ": a step names its subject exactly once: " + text);
    }
    this.head = at < 0 ? text : text.substring(0, at);
    this.tail = at < 0 ? "" : text.substring(at + 2);
  }

  static TraceStep inbound(AgentState state) {
    switch (state) {
      case AVAILABLE: return INBOUND_AGENT_AVAILABLE;
      case DISABLED: return INBOUND_AGENT_DISABLED;
      case AT_CAPACITY: return INBOUND_AGENT_AT_CAPACITY;
      case FAILED_THIS_CALL: return INBOUND_AGENT_FAILED_THIS_CALL;
      case UNHEALTHY:
      default: return INBOUND_AGENT_UNHEALTHY;
    }
  }

  static TraceStep fallback(AgentState state) {
    switch (state) {
      case AVAILABLE: return FALLBACK_AGENT_AVAILABLE;
      case DISABLED: return FALLBACK_AGENT_DISABLED;
      case AT_CAPACITY: return FALLBACK_AGENT_AT_CAPACITY;
      case FAILED_THIS_CALL: return FALLBACK_AGENT_FAILED_THIS_CALL;
      case UNHEALTHY:
      default: return FALLBACK_AGENT_UNHEALTHY;
    }
  }
}
