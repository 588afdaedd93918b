package ai.oneinbox.edge.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The in-memory routing table of one edge node: E.164 number → route, agents and trunks, at a feed
 * version. Any number of threads read it without locks (each read sees one consistent version); one
 * writer at a time applies feed changes or swaps in a snapshot. See
 * {@code docs/decisions/0001-routing-table.md} for the layout and its measurements.
 */
public final class RoutingTable {
  /** The SIP status of both rejections (RFC 3261 §21.4.5). */
  public static final int NOT_FOUND = 404;

  private final RoutingConfig config;
  private volatile State state;
  private TableWriter writer; // guarded by this

  private RoutingTable(RoutingConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.writer = new TableWriter();
    this.state = writer.emptyState();
  }

  /** An empty table at version 0 with the default configuration. */
  public static RoutingTable empty() {
    return new RoutingTable(RoutingConfig.DEFAULTS);
  }

  /** An empty table at version 0. */
  public static RoutingTable create(RoutingConfig config) {
    return new RoutingTable(config);
  }

  public RoutingConfig config() {
    return config;
  }

  /** The feed version of the last applied change or snapshot (0: none). */
  public long version() {
    return state.version;
  }

  /** How many numbers the table holds. */
  public int size() {
    return state.size;
  }

  /**
   * Applies the next change of the feed: version {@code version() + 1} is applied and visible to
   * readers on return; a version already applied is ignored (replay is safe); a later one is a gap,
   * reported and not applied, so the caller can resync.
   */
  public synchronized ApplyResult apply(RouteChange change) {
    Objects.requireNonNull(change, "change");
    State current = state;
    long expected = current.version + 1;
    if (change.version() < expected) {
      return new ApplyResult.AlreadyApplied(change.version(), current.version);
    }
    if (change.version() > expected) {
      return new ApplyResult.Gap(expected, change.version(), current.version);
    }
    writer.begin(current);
    writer.apply(change);
    state = writer.finish(change.version());
    return new ApplyResult.Applied(change.version());
  }

  /**
   * Applies changes in order as one new version for readers (cheaper than one by one when catching
   * up). Replays are skipped; at the first gap it stops, keeps what came before, and returns the gap.
   * Otherwise it returns {@link ApplyResult.Applied} when anything was applied, else
   * {@link ApplyResult.AlreadyApplied} for the last change.
   */
  public synchronized ApplyResult applyAll(List<? extends RouteChange> changes) {
    for (RouteChange change : changes) {
      Objects.requireNonNull(change, "change"); // before anything is applied: all or nothing here
    }
    State current = state;
    long version = current.version;
    ApplyResult result = null;
    boolean began = false;
    for (RouteChange change : changes) {
      if (change.version() <= version) {
        if (result == null || result instanceof ApplyResult.AlreadyApplied) {
          result = new ApplyResult.AlreadyApplied(change.version(), version);
        }
        continue;
      }
      if (change.version() > version + 1) {
        result = new ApplyResult.Gap(version + 1, change.version(), version);
        break;
      }
      if (!began) {
        writer.begin(current);
        began = true;
      }
      writer.apply(change);
      version = change.version();
      result = new ApplyResult.Applied(version);
    }
    if (began) {
      state = writer.finish(version);
    }
    return result != null ? result : new ApplyResult.AlreadyApplied(current.version, current.version);
  }

  /** Swaps in {@code snapshot} in one step: readers see the old table or the new one, never a mix. */
  public synchronized void replace(Snapshot snapshot) {
    TableWriter adopted = snapshot.writer.copy();
    State next = adopted.adopt(snapshot.state);
    writer = adopted;
    state = next;
  }

  /** Distinct route shapes in use (for tests and the memory benchmark). */
  synchronized int shapeCount() {
    return writer.shapeCount();
  }

  /** The number's route, if the number is in the table. */
  public Optional<NumberRoute> number(E164 number) {
    State s = state;
    long shape = s.lookup(number.value());
    return shape < 0 ? Optional.empty() : Optional.of(s.shape(shape).route(number));
  }

  /** The shape id of E.164 digits {@code number}, or -1: the first step of every lookup. */
  long lookup(long number) {
    return state.lookup(number);
  }

  /** The shared route entry of E.164 digits {@code number}, or null: what a map of routes holds. */
  RouteShape routeEntry(long number) {
    State s = state;
    long id = s.lookup(number);
    return id < 0 ? null : s.shape(id);
  }

  /** Whether the number is in the table. */
  public boolean contains(E164 number) {
    return state.lookup(number.value()) >= 0;
  }

  public Optional<Agent> agent(String id) {
    return Optional.ofNullable(state.agent(id));
  }

  public List<Trunk> trunks() {
    return state.trunks;
  }

  public Optional<Trunk> trunk(String id) {
    List<Trunk> trunks = state.trunks;
    for (int i = 0; i < trunks.size(); i++) {
      if (trunks.get(i).id().equals(id)) {
        return Optional.of(trunks.get(i));
      }
    }
    return Optional.empty();
  }

  /** The trunks whose own source ranges contain {@code source}. */
  public List<Trunk> trunksFrom(java.net.InetAddress source) {
    List<Trunk> trunks = state.trunks;
    List<Trunk> found = new ArrayList<>(1);
    for (int i = 0; i < trunks.size(); i++) {
      if (trunks.get(i).accepts(source)) {
        found.add(trunks.get(i));
      }
    }
    return found;
  }

  /**
   * Decides where an inbound call to {@code called} goes. The inbound agent is
   * {@code inbound_routing.agent_id} if set, else the number's {@code agent_id}; if it is unavailable
   * (disabled, not in the table, or not {@link AgentState#AVAILABLE} per {@code availability}) the
   * fallback agent takes the call; if neither can, voicemail with {@code inbound_routing.voicemail_message},
   * else the inbound agent's default message, else the platform's. An unknown number and a number
   * without {@code inbound_routing} are rejected with 404 and a reason that says which.
   *
   * <p>After an agent fails during a call, ask again with an {@code availability} that answers
   * {@link AgentState#FAILED_THIS_CALL} for the agents already tried.
   */
  public RouteDecision resolve(E164 called, Availability availability) {
    State s = state;
    long number = called.value();
    long shapeId = s.lookup(number);
    if (shapeId < 0) {
      return new RouteDecision.Reject(NOT_FOUND, "Not Found", RejectCode.NOT_FOUND,
          new Trace(number, Trace.append(0, 0, TraceStep.NUMBER_NOT_FOUND), null, null));
    }
    RouteShape shape = s.shape(shapeId);
    long steps = Trace.append(0, 0, TraceStep.NUMBER_FOUND);
    if (!shape.inbound) {
      return new RouteDecision.Reject(NOT_FOUND, "Outbound-Only Number", RejectCode.OUTBOUND_ONLY,
          new Trace(number, Trace.append(steps, 1, TraceStep.OUTBOUND_ONLY), null, null));
    }
    steps = Trace.append(steps, 1, shape.inboundFromRouting
        ? TraceStep.INBOUND_AGENT_FROM_ROUTING : TraceStep.INBOUND_AGENT_FROM_NUMBER);
    Agent inbound = s.agent(shape.inboundSlot);
    if (inbound == null) {
      steps = Trace.append(steps, 2, TraceStep.INBOUND_AGENT_UNKNOWN);
    } else {
      AgentState st = stateOf(inbound, availability);
      steps = Trace.append(steps, 2, TraceStep.inbound(st));
      if (st == AgentState.AVAILABLE) {
        return new RouteDecision.ToAgent(shape.route(called), inbound, Leg.PRIMARY,
            new Trace(number, steps, shape.inboundAgentId, null));
      }
    }
    int count = 3;
    if (shape.fallbackAgentId == null) {
      steps = Trace.append(steps, count++, TraceStep.NO_FALLBACK);
    } else {
      Agent fallback = s.agent(shape.fallbackSlot);
      if (fallback == null) {
        steps = Trace.append(steps, count++, TraceStep.FALLBACK_AGENT_UNKNOWN);
      } else {
        AgentState st = stateOf(fallback, availability);
        steps = Trace.append(steps, count++, TraceStep.fallback(st));
        if (st == AgentState.AVAILABLE) {
          return new RouteDecision.ToAgent(shape.route(called), fallback, Leg.FALLBACK,
              new Trace(number, steps, shape.inboundAgentId, shape.fallbackAgentId));
        }
      }
    }
    String message;
    if (shape.voicemailMessage != null) {
      message = shape.voicemailMessage;
      steps = Trace.append(steps, count, TraceStep.VOICEMAIL_NUMBER_MESSAGE);
    } else if (inbound != null && inbound.voicemailMessage().isPresent()) {
      message = inbound.voicemailMessage().get();
      steps = Trace.append(steps, count, TraceStep.VOICEMAIL_AGENT_MESSAGE);
    } else {
      message = config.platformVoicemailMessage();
      steps = Trace.append(steps, count, TraceStep.VOICEMAIL_PLATFORM_MESSAGE);
    }
    return new RouteDecision.ToVoicemail(shape.route(called), message, Optional.ofNullable(inbound),
        new Trace(number, steps, shape.inboundAgentId, shape.fallbackAgentId));
  }

  private static AgentState stateOf(Agent agent, Availability availability) {
    if (!agent.enabled()) {
      return AgentState.DISABLED;
    }
    AgentState st = availability.stateOf(agent);
    return st != null ? st : AgentState.UNHEALTHY; // a missing answer is no availability
  }
}
