package ai.oneinbox.edge.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Why a decision went where it went: its steps in order. Built on every call, so it is one small
 * object (the steps packed in a {@code long}, plus references the decision already had); the text is
 * made only when asked for.
 */
public final class Trace {
  static final int MAX_STEPS = 8;

  private final long number;
  private final long packed; // step ordinal + 1, 8 bits each, first step in the lowest byte
  private final String inboundAgentId;
  private final String fallbackAgentId;

  Trace(long number, long packed, String inboundAgentId, String fallbackAgentId) {
    this.number = number;
    this.packed = packed;
    this.inboundAgentId = inboundAgentId;
    this.fallbackAgentId = fallbackAgentId;
  }

  /** Appends {@code step} to the packed steps {@code packed} (which hold {@code count} steps). */
  static long append(long packed, int count, TraceStep step) {
    return packed | ((long) (step.ordinal() + 1) << (8 * count));
  }

  /** The steps, first to last. */
  public List<TraceStep> codes() {
    List<TraceStep> codes = new ArrayList<>(MAX_STEPS);
    for (long p = packed; p != 0; p >>>= 8) {
      codes.add(TraceStep.VALUES[(int) (p & 0xFF) - 1]);
    }
    return Collections.unmodifiableList(codes);
  }

  /** Whether the decision went through {@code step}. */
  public boolean has(TraceStep step) {
    for (long p = packed; p != 0; p >>>= 8) {
      if ((int) (p & 0xFF) - 1 == step.ordinal()) {
        return true;
      }
    }
    return false;
  }

  /** The steps as sentences, first to last. */
  public List<String> steps() {
    List<String> steps = new ArrayList<>(MAX_STEPS);
    for (TraceStep step : codes()) {
      steps.add(render(step));
    }
    return Collections.unmodifiableList(steps);
  }

  /** The called number, as E.164 digits. */
  public long number() {
    return number;
  }

  /** The inbound agent's id, when the number was found and takes inbound calls. */
  public Optional<String> inboundAgentId() {
    return Optional.ofNullable(inboundAgentId);
  }

  /** The fallback agent's id, when the decision got as far as the fallback and there is one. */
  public Optional<String> fallbackAgentId() {
    return Optional.ofNullable(fallbackAgentId);
  }

  /** The steps joined with "; ", e.g. for a log line or a SIP Reason header. */
  @Override
  public String toString() {
    // built directly: the edge logs this once per call, so no list, no String.format
    StringBuilder out = new StringBuilder(160);
    for (TraceStep step : codes()) {
      if (out.length() > 0) {
        out.append("; ");
      }
      render(step, out);
    }
    return out.toString();
  }

  private String render(TraceStep step) {
    return step.subject == TraceStep.Subject.NONE ? step.text : render(step, new StringBuilder(80)).toString();
  }

  private StringBuilder render(TraceStep step, StringBuilder out) {
    out.append(step.head);
    switch (step.subject) {
      case NUMBER -> out.append('+').append(number);
      case INBOUND -> out.append(inboundAgentId);
      case FALLBACK -> out.append(fallbackAgentId);
      case NONE -> { }
    }
    return out.append(step.tail);
  }
}
