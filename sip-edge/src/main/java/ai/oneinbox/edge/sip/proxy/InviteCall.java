package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.RejectCode;
import ai.oneinbox.edge.routing.RouteDecision;
import ai.oneinbox.edge.sip.message.NameAddr;
import ai.oneinbox.edge.sip.message.SipMessageEditor;
import ai.oneinbox.edge.sip.message.SipRequest;
import ai.oneinbox.edge.sip.message.SipResponse;
import ai.oneinbox.edge.sip.message.Via;
import ai.oneinbox.edge.sip.transaction.ClientTransactionUser;
import ai.oneinbox.edge.sip.transaction.InviteClientTransaction;
import ai.oneinbox.edge.sip.transaction.InviteServerTransaction;
import ai.oneinbox.edge.sip.transaction.ServerTransactionUser;
import ai.oneinbox.edge.sip.transaction.SipTimers;
import ai.oneinbox.edge.sip.transaction.TimerScheduler;
import ai.oneinbox.edge.sip.transaction.TransactionKey;
import ai.oneinbox.edge.sip.transaction.TransactionTable;
import ai.oneinbox.edge.sip.transport.InboundSource;
import ai.oneinbox.edge.sip.transport.TransportKind;
import ai.oneinbox.edge.sip.trunk.AuthResult;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One INVITE through the edge: the server transaction towards the caller and, one after the other, the
 * client transactions (legs) towards the targets — the agent's endpoints in order, the fallback agent's,
 * then the voicemail service — until one answers or every one has failed (serial failover).
 *
 * <p>The caller sees one coherent exchange: our {@code 100 Trying} at once (the agents' 100s are absorbed),
 * then the provisional and final responses of the legs, and exactly one final response. A leg fails over
 * on no provisional answer within {@code sip.failover.provisional_timeout}, 408, 480, 5xx (unless listed
 * in {@code final_statuses}), a timeout, or a transport error; any other final answer (486, 600, 603, 404,
 * ...) goes to the caller. A leg abandoned before it answered is cancelled once it sends a provisional.
 *
 * <p>A re-INVITE (in a dialog) is relayed by the same class to the next hop with no routing or failover.
 *
 * <p>One INFO line is logged per call when the caller gets its final answer: Call-ID, called number,
 * decision and its trace, each attempt with its outcome, final status.
 */
final class InviteCall implements ProxyCore.ServerSide, ServerTransactionUser {

  /** Retry-After of a call shed under overload: a trunk with another edge node tries that one meanwhile. */
  static final long SHED_RETRY_AFTER_SECONDS = 2;

  private final ProxyCore core;
  private final ProxyCore.Shard shard;
  /**
   * The caller's INVITE, until the caller has its final answer ({@link #settle}): the transactions that
   * linger after it (Accepted and Completed, up to 64*T1) need none of it, and a call holding its parsed
   * INVITE for 32 s would make every lingering call a survivor the collector copies again and again.
   */
  private SipRequest invite;
  private final String callId;
  private final InboundSource source;
  private final TransactionKey key;
  private final InviteServerTransaction<ByteBuf> server;
  private final long receivedNanos;
  private final List<Leg> legs = new ArrayList<>(2);
  private List<String> attempts = new ArrayList<>(2);
  private List<String> traces = new ArrayList<>(2);
  private Set<String> triedAgents = new HashSet<>(2);
  private Deque<String> endpoints = new ArrayDeque<>(2);

  private E164 number;
  private NumberRoute route;
  private Agent agent;
  private String role = "rejected";
  private String voicemailMessage;
  private boolean voicemailTried;
  private boolean relayOnly;
  private ProxyCore.NextHop relayHop;
  private Leg current;
  private boolean finalSent;
  private boolean callerCancelled;
  private boolean forwardingTimed;
  private boolean registered;
  private boolean released;
  /** The caller has its final answer ({@link #settle}); then, once every transaction only lingers, lingered. */
  private boolean settled;
  private boolean lingered;
  private int attemptCounter;

  private InviteCall(ProxyCore core, ProxyCore.Shard shard, SipRequest invite, InboundSource source,
      TransactionKey key) {
    this.core = core;
    this.shard = shard;
    this.invite = invite.retain();
    this.callId = invite.callId();
    this.source = source;
    this.key = key;
    this.receivedNanos = core.nanoTime.getAsLong();
    WireTransport wire = new WireTransport(core.transport, source.transport(), source.remote(),
        shard.scheduler);
    this.server = new InviteServerTransaction<>(core.config.timers(), shard.scheduler, wire,
        source.transport().isStream(), this);
    wire.onError(server::transportError);
  }

  /** A new INVITE out of any dialog: trunk check, 100, routing, first target. */
  static void initial(ProxyCore core, ProxyCore.Shard shard, SipRequest request, InboundSource source,
      TransactionKey key) {
    long start = core.nanoTime.getAsLong();
    AuthResult auth = core.checkSource(request, source);
    if (auth instanceof AuthResult.Drop) {
      return;
    }
    if (auth instanceof AuthResult.Reject reject) {
      // Stateless: a stranger gets no transaction (and so no memory) of ours.
      core.metrics.rejected(ProxyMetrics.Rejected.UNTRUSTED);
      core.metrics.invite("untrusted", reject.status());
      logRejected(request, "untrusted", reject.reason(), reject.status());
      core.answerStateless(request, source, reject.status(), reject.reasonPhrase());
      return;
    }
    if (!core.shedder.admit()) {
      // Overload (LoadShedder): stateless, before a transaction or a route costs anything. A retransmission
      // of this INVITE is a new INVITE to us and is admitted or shed again; its ACK matches nothing.
      core.metrics.rejected(ProxyMetrics.Rejected.OVERLOAD);
      core.metrics.invite("overload", 503);
      logRejected(request, "overload", "node overloaded: datagrams dropped at its sockets", 503);
      core.answer(request, source, request.response(503, "Service Unavailable")
          .header("Retry-After", Long.toString(SHED_RETRY_AFTER_SECONDS)).encode(core.alloc));
      return;
    }
    InviteCall call = new InviteCall(core, shard, request, source, key);
    if (!call.register()) {
      return;
    }
    call.trying();
    if (core.isDraining()) {
      call.role = "draining";
      call.answer(503, "Service Unavailable", "Retry-After",
          Long.toString(core.config.drainRetryAfter().toSeconds()));
      return;
    }
    call.route(start);
  }

  /** An INVITE inside a dialog: relayed to the next hop (loose routing), no failover. */
  static void reInvite(ProxyCore core, ProxyCore.Shard shard, SipRequest request, InboundSource source,
      TransactionKey key) {
    Optional<ProxyCore.NextHop> next = core.nextHop(request);
    if (next.isEmpty()) {
      core.answerStateless(request, source, 404, "Not Found (No Next Hop)");
      return;
    }
    InviteCall call = new InviteCall(core, shard, request, source, key);
    call.relayOnly = true;
    call.relayHop = next.get();
    call.role = "in_dialog";
    if (!call.register()) {
      return;
    }
    call.trying();
    call.startLeg(new Target(request.requestUri().raw(), Optional.empty(), "in_dialog"));
  }

  private boolean register() {
    TransactionTable.AddResult added = shard.addServer(key, this);
    if (added == TransactionTable.AddResult.ADDED) {
      registered = true;
      return true;
    }
    if (added == TransactionTable.AddResult.FULL) {
      core.metrics.rejected(ProxyMetrics.Rejected.OVERLOAD);
      core.metrics.invite("overload", 503);
      core.answer(invite, source, invite.response(503, "Service Unavailable")
          .header("Retry-After", "5").encode(core.alloc));
    }
    invite.release();
    released = true;
    return false;
  }

  private void trying() {
    server.sendResponse(100, invite.response(100, "Trying").encode(core.alloc));
  }

  // ------------------------------------------------------------------------------------ routing

  private void route(long start) {
    String region = core.config.defaultRegion();
    Optional<E164> called = calledNumber(invite, region);
    if (called.isEmpty()) {
      core.metrics.rejected(ProxyMetrics.Rejected.NOT_FOUND);
      traces.add("no E.164 number in the Request-URI, To or Diversion");
      answer(404, "Not Found (No Called Number)");
      return;
    }
    number = called.get();
    RouteDecision decision = core.table.resolve(number, core.availability);
    traces.add(decision.trace().toString());
    if (decision instanceof RouteDecision.Reject reject) {
      core.metrics.rejected(reject.code() == RejectCode.OUTBOUND_ONLY
          ? ProxyMetrics.Rejected.OUTBOUND_ONLY : ProxyMetrics.Rejected.NOT_FOUND);
      core.metrics.routingNanos(core.nanoTime.getAsLong() - start);
      role = reject.code() == RejectCode.OUTBOUND_ONLY ? "outbound_only" : "not_found";
      answer(reject.sipStatus(), reject.reasonPhrase());
      return;
    }
    NumberRoute owned = decision instanceof RouteDecision.ToAgent a ? a.number()
        : ((RouteDecision.ToVoicemail) decision).number();
    AuthResult binding = core.trunks.checkBinding(owned.ownership(),
        invite.firstHeader("X-Twilio-AccountSid"), invite.firstHeader("X-Telnyx-Connection-Id"));
    core.metrics.routingNanos(core.nanoTime.getAsLong() - start);
    if (binding instanceof AuthResult.Reject reject) {
      core.metrics.rejected(ProxyMetrics.Rejected.UNTRUSTED);
      traces.add(reject.reason());
      role = "untrusted";
      answer(reject.status(), reject.reasonPhrase());
      return;
    }
    apply(decision);
    next();
  }

  /**
   * The called number: Request-URI user, then To user, then the first Diversion user (trunks that deliver
   * to a fixed URI put the dialed number in To or Diversion), normalised to E.164.
   */
  static Optional<E164> calledNumber(SipRequest request, String region) {
    Optional<E164> n = userNumber(request.requestUri().userUnescaped(), region);
    if (n.isEmpty()) {
      n = userNumber(request.to().uri().userUnescaped(), region);
    }
    if (n.isEmpty()) {
      List<NameAddr> diversions = request.diversions();
      if (!diversions.isEmpty()) {
        n = userNumber(diversions.get(0).uri().userUnescaped(), region);
      }
    }
    return n;
  }

  private static Optional<E164> userNumber(Optional<String> user, String region) {
    return user.isEmpty() || user.get().isEmpty() ? Optional.empty() : E164.fromSipUser(user.get(), region);
  }

  private void apply(RouteDecision decision) {
    endpoints.clear();
    if (decision instanceof RouteDecision.ToAgent a) {
      route = a.number();
      agent = a.agent();
      role = a.leg() == ai.oneinbox.edge.routing.Leg.PRIMARY ? "primary" : "fallback";
      for (String uri : a.agent().sipUris()) {
        endpoints.add(uri);
      }
    } else if (decision instanceof RouteDecision.ToVoicemail v) {
      route = v.number();
      agent = v.inboundAgent().orElse(null);
      role = "voicemail";
      voicemailMessage = v.message();
      voicemailTried = true;
      endpoints.add(core.config.voicemailUri());
    }
  }

  /** Starts the next target, resolving again (with the agents tried so far failed) when one runs out. */
  private void next() {
    while (true) {
      if (callerCancelled || finalSent) {
        return;
      }
      String uri = endpoints.poll();
      if (uri != null) {
        if (!"voicemail".equals(role) && !core.availability.isUp(uri) && !endpoints.isEmpty()) {
          attempts.add(uri + " skipped (unhealthy)");
          continue;
        }
        if (startLeg(new Target(uri, Optional.ofNullable(agent), role))) {
          return;
        }
        continue;
      }
      if (relayOnly || number == null) {
        answer(408, "Request Timeout");
        return;
      }
      if (agent != null && !"voicemail".equals(role)) {
        triedAgents.add(agent.id());
      }
      if ("voicemail".equals(role)) {
        answer(480, "Temporarily Unavailable");
        return;
      }
      RouteDecision decision = core.table.resolve(number, core.availability.excluding(triedAgents));
      traces.add(decision.trace().toString());
      if (decision instanceof RouteDecision.Reject reject) {
        answer(reject.sipStatus(), reject.reasonPhrase());
        return;
      }
      if (decision instanceof RouteDecision.ToVoicemail && voicemailTried) {
        answer(480, "Temporarily Unavailable");
        return;
      }
      apply(decision);
    }
  }

  // ------------------------------------------------------------------------------------ legs

  /** Where one leg goes. */
  record Target(String uri, Optional<Agent> agent, String role) {}

  /** Starts a leg; false when it could not even be sent (no such host, table full). */
  private boolean startLeg(Target target) {
    Destinations.Hop hop;
    if (relayOnly) {
      hop = relayHop.hop();
    } else {
      Optional<ai.oneinbox.edge.sip.message.SipUri> uri = ai.oneinbox.edge.sip.message.SipUri.parse(target.uri());
      Optional<Destinations.Hop> h = uri.flatMap(Destinations::forUri);
      if (h.isEmpty()) {
        attempts.add(target.uri() + " unresolvable");
        return false;
      }
      hop = h.get();
    }
    int attempt = attemptCounter++;
    Via top = invite.topVia();
    String branch = Branches.of(ProxyCore.loopHash(invite),
        Branches.hash(top.branch().orElse(""), top.sentBy()), attempt);
    if (!relayOnly && !"voicemail".equals(target.role())) {
      core.prober.touch(target.uri());
    }
    Leg leg = new Leg(target, hop, branch);
    if (shard.addClient(leg.key, leg) != TransactionTable.AddResult.ADDED) {
      core.metrics.rejected(ProxyMetrics.Rejected.OVERLOAD);
      answer(503, "Service Unavailable", "Retry-After", "5");
      return true;
    }
    if (current != null && !relayOnly) {
      core.metrics.failover();
    }
    current = leg;
    legs.add(leg);
    leg.start();
    if (!forwardingTimed && !relayOnly) {
      forwardingTimed = true;
      core.metrics.forwardingNanos(core.nanoTime.getAsLong() - receivedNanos);
    }
    return true;
  }

  private ByteBuf forwardedInvite(Target target, Destinations.Hop hop, String branch) {
    SipMessageEditor edit = invite.edit()
        .pushVia(core.identity.via(hop.transport(), branch))
        .receivedFrom(source.remote().getAddress().getHostAddress(), source.remote().getPort())
        .decrementMaxForwards();
    if (relayOnly) {
      relayHop.applyRoutes(edit);
      return edit.encode(core.alloc);
    }
    edit.requestUri(target.uri());
    List<NameAddr> routes = invite.routes();
    int ours = 0;
    while (ours < routes.size() && core.identity.isUs(routes.get(ours).uri())) {
      ours++;
    }
    if (ours == 1) {
      edit.popRoute();
    } else if (ours > 1) {
      edit.removeHeader("Route");
      List<String> rest = routes.subList(ours, routes.size()).stream().map(NameAddr::raw).toList();
      if (!rest.isEmpty()) {
        edit.addHeader("Route", String.join(", ", rest));
      }
    }
    // RFC 5658: one Record-Route per side when the transport changes, so each peer reaches us over its own.
    if (hop.transport() != source.transport()) {
      edit.prependRecordRoute(core.identity.recordRoute(source.transport(), ""));
    }
    edit.prependRecordRoute(core.identity.recordRoute(hop.transport(), ""));
    for (String h : List.of("X-OneInbox-Agent-Id", "X-OneInbox-Number", "X-OneInbox-Route",
        "X-OneInbox-Voicemail-Message")) {
      edit.removeHeader(h);
    }
    target.agent().ifPresent(a -> edit.addHeader("X-OneInbox-Agent-Id", a.id()));
    edit.addHeader("X-OneInbox-Number", number.toString());
    edit.addHeader("X-OneInbox-Route", target.role());
    if ("voicemail".equals(target.role()) && voicemailMessage != null) {
      edit.addHeader("X-OneInbox-Voicemail-Message", PercentEncoding.encode(voicemailMessage));
    }
    return edit.encode(core.alloc);
  }

  /** One client transaction towards one target. */
  private final class Leg implements ProxyCore.ClientSide, ProxyCore.CallLeg, ClientTransactionUser<SipResponse> {
    final Target target;
    final Destinations.Hop hop;
    final String branch;
    final TransactionKey key;
    final InviteClientTransaction<ByteBuf, SipResponse> tx;
    /** What CANCEL and the ACK of a non-2xx are built from; dropped at a 2xx, after which neither is sent. */
    OutboundRequests.SentInvite sent;
    final boolean counted;
    TimerScheduler.Timer provisionalTimer;
    TimerScheduler.Timer timerC;
    boolean provisional;
    boolean abandoned;
    boolean cancelWanted;
    boolean cancelSent;
    boolean ended;
    boolean released;

    Leg(Target target, Destinations.Hop hop, String branch) {
      this.target = target;
      this.hop = hop;
      this.branch = branch;
      this.key = new TransactionKey(branch, "", "INVITE");
      String via = core.identity.via(hop.transport(), branch);
      List<String> routes = relayOnly ? relayHop.remainingRoutes() : List.of();
      String requestUri = relayOnly ? invite.requestUri().raw() : target.uri();
      this.sent = new OutboundRequests.SentInvite(requestUri, via, routes, invite.from().raw(),
          invite.to().raw(), invite.callId(), invite.cseq().number());
      WireTransport wire = new WireTransport(core.transport, hop.transport(), hop.address(), shard.scheduler);
      this.tx = new InviteClientTransaction<>(core.config.timers(), shard.scheduler, wire,
          hop.transport().isStream(), forwardedInvite(target, hop, branch),
          response -> OutboundRequests.ack(core.alloc, sent, response.to().raw()), this);
      wire.onError(tx::transportError);
      this.counted = target.agent().isPresent() && !relayOnly && !"voicemail".equals(target.role());
    }

    @Override
    public TransactionKey key() {
      return key;
    }

    @Override
    public InviteClientTransaction<ByteBuf, SipResponse> tx() {
      return tx;
    }

    @Override
    public TransportKind transport() {
      return hop.transport();
    }

    @Override
    public InetSocketAddress address() {
      return hop.address();
    }

    void start() {
      if (counted) {
        core.agentCalls.started(target.agent().get().id());
      }
      if (!relayOnly) {
        provisionalTimer = shard.scheduler.schedule(core.config.failover().provisionalTimeout(),
            this::noProvisional);
      }
      tx.start();
    }

    @Override
    public void response(SipResponse response) {
      tx.receiveResponse(response.statusCode(), response);
      lingerIfDone();
    }

    @Override
    public void abort() {
      stopTimers();
      tx.abort();
    }

    @Override
    public void response(int status, SipResponse response) {
      if (status < 200) {
        onProvisional(status, response);
      } else if (status < 300) {
        onSuccess(status, response);
      } else {
        onFailure(status, response);
      }
    }

    private void onProvisional(int status, SipResponse response) {
      if (!provisional) {
        provisional = true;
        cancel(provisionalTimer);
        if (!relayOnly) {
          timerC = shard.scheduler.schedule(SipTimers.TIMER_C, this::timerC);
        }
      }
      if (cancelWanted) {
        sendCancel();
        return;
      }
      if (abandoned || status == 100) {
        return; // our own 100 went upstream already; an abandoned leg speaks no more to the caller
      }
      if (!finalSent) {
        server.sendResponse(status, response.edit().popVia().encode(core.alloc));
      }
    }

    private void onSuccess(int status, SipResponse response) {
      stopTimers();
      sent = null; // the transaction lingers (Accepted, 64*T1) only to forward 2xx retransmissions
      // Every 2xx goes upstream (RFC 3261 §16.7 step 5), even from a leg we gave up on.
      server.sendResponse(status, response.edit().popVia().encode(core.alloc));
      if (!ended) {
        ended = true;
        if (!finalSent) { // a second leg's 2xx after the call settled is forwarded, not logged
          attempts.add(target.uri() + " " + status);
        }
        if (counted && !released) {
          core.agentCalls.established(callId, target.agent().get().id());
          released = true;
        }
      }
      if (!finalSent) {
        finalSent = true;
        role = target.role();
        logAndCount(status);
        for (Leg other : legs) {
          if (other != this) {
            other.abandon();
          }
        }
        settle();
      }
    }

    private void onFailure(int status, SipResponse response) {
      stopTimers();
      end(target.uri() + " " + status);
      if (finalSent || this != current) {
        return; // a leg we moved on from: its answer is no longer the caller's business
      }
      if (callerCancelled || relayOnly || !failsOver(status)) {
        forwardFinal(status, response);
        return;
      }
      next();
    }

    private boolean failsOver(int status) {
      if (core.config.failover().finalStatuses().contains(status)) {
        return false;
      }
      return status == 408 || status == 480 || (status >= 500 && status < 600);
    }

    private void forwardFinal(int status, SipResponse response) {
      int upstream = status == 503 ? 500 : status; // RFC 3261 §16.7 step 6: a 503 is not passed on
      if (upstream != status) {
        finish(upstream, invite.response(500, "Server Internal Error (Agent Unavailable)").encode(core.alloc));
      } else {
        finish(status, response.edit().popVia().encode(core.alloc));
      }
    }

    private void noProvisional() {
      if (provisional || ended) {
        return;
      }
      abandon();
      end(target.uri() + " no provisional in " + core.config.failover().provisionalTimeout().toMillis() + " ms");
      if (!callerCancelled && !finalSent) {
        next();
      }
    }

    private void timerC() {
      // RFC 3261 §16.8: give up on the leg (CANCEL) and treat it as a timeout.
      if (ended) {
        return;
      }
      abandon();
      end(target.uri() + " timer C");
      if (!callerCancelled && !finalSent) {
        next();
      }
    }

    /** Stop caring about this leg: CANCEL it now, or once it sends a provisional (RFC 3261 §9.1). */
    void abandon() {
      abandoned = true;
      stopTimers();
      if (tx.isTerminated()) {
        return;
      }
      tx.cancelled();
      if (provisional) {
        sendCancel();
      } else {
        cancelWanted = true;
      }
    }

    private void sendCancel() {
      if (cancelSent || tx.isTerminated() || sent == null) {
        return; // nothing to cancel once answered 2xx (RFC 3261 §9.1)
      }
      cancelSent = true;
      cancelWanted = false;
      CancelClient.send(core, shard, branch, hop.transport(), hop.address(), sent);
    }

    @Override
    public void timedOut() {
      stopTimers();
      end(target.uri() + " timeout");
      if (finalSent || this != current) {
        return;
      }
      if (callerCancelled) {
        finish(487, invite.response(487, "Request Terminated").encode(core.alloc));
        return;
      }
      next();
    }

    @Override
    public void transportFailed() {
      stopTimers();
      end(target.uri() + " transport error");
      if (finalSent || this != current) {
        return;
      }
      if (callerCancelled) {
        finish(487, invite.response(487, "Request Terminated").encode(core.alloc));
        return;
      }
      next();
    }

    @Override
    public void terminated() {
      stopTimers();
      shard.clients.remove(key, this);
      if (!ended) {
        end(target.uri() + " ended");
      }
      maybeDone();
    }

    private void end(String outcome) {
      if (ended) {
        return;
      }
      ended = true;
      if (!finalSent) { // after the final answer the call's line is logged: later outcomes go nowhere
        attempts.add(outcome);
      }
      if (counted && !released) {
        released = true;
        core.agentCalls.released(target.agent().get().id());
      }
    }

    private void stopTimers() {
      cancel(provisionalTimer);
      cancel(timerC);
      provisionalTimer = null;
      timerC = null;
    }

    boolean isLive() {
      return !tx.isTerminated();
    }
  }

  private static void cancel(TimerScheduler.Timer timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  // ------------------------------------------------------------------------------ server side events

  @Override
  public void retransmission() {
    server.receiveRequestRetransmission();
  }

  @Override
  public void ack() {
    server.receiveAck();
    lingerIfDone();
  }

  /** Once the caller has its answer and nothing of the call has work left, it lingers as records (ADR 0006). */
  private void lingerIfDone() {
    if (settled && !lingered && shard.handOverCall(core.config.timers(), key, server, source, legs)) {
      lingered = true;
      abort();
    }
  }

  @Override
  public void abort() {
    finalSent = true; // no more answers, no more targets
    for (Leg leg : List.copyOf(legs)) {
      leg.abort();
    }
    server.abort();
  }

  @Override
  public void cancel() {
    if (finalSent || callerCancelled) {
      return;
    }
    callerCancelled = true;
    Leg leg = current;
    if (leg == null || !leg.provisional || leg.tx.isTerminated()) {
      // Nothing downstream has answered yet: no 487 will come from there, so it comes from us.
      if (leg != null) {
        leg.abandon();
      }
      finish(487, invite.response(487, "Request Terminated").encode(core.alloc));
      return;
    }
    leg.abandon();
  }

  @Override
  public void timedOut() {}

  @Override
  public void transportFailed() {}

  @Override
  public void terminated() {
    shard.servers.remove(key, this);
    for (Leg leg : legs) {
      if (leg.isLive()) {
        leg.abandon();
      }
    }
    maybeDone();
  }

  private void maybeDone() {
    if (released || !server.isTerminated()) {
      return;
    }
    for (Leg leg : legs) {
      if (leg.isLive()) {
        return;
      }
    }
    released = true;
    invite.release();
  }

  // ------------------------------------------------------------------------------------ answers

  private void answer(int status, String reason, String... headers) {
    var builder = invite.response(status, reason);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    finish(status, builder.encode(core.alloc));
  }

  /** The caller's one final response (a provisional passes through {@code server} directly). */
  private void finish(int status, ByteBuf octets) {
    if (finalSent) {
      octets.release();
      return;
    }
    finalSent = true;
    for (Leg leg : legs) {
      if (leg.isLive() && leg != current) {
        leg.abandon();
      }
    }
    server.sendResponse(status, octets);
    logAndCount(status);
    settle();
  }

  /**
   * The caller has its final answer: nothing more is built from the INVITE or said about routing, so let go
   * of all of it. What lingers (the server transaction absorbing retransmissions, legs forwarding a 2xx
   * retransmission or ACKing a late non-2xx, a CANCEL in flight) works from its own small state.
   */
  private void settle() {
    settled = true;
    if (!released) {
      released = true;
      invite.release();
    }
    invite = null;
    route = null;
    agent = null;
    voicemailMessage = null;
    // what routing and the call's log line needed: every use is before the final answer (or checks it)
    attempts = null;
    traces = null;
    triedAgents = null;
    endpoints = null;
    shard.settled(this);
  }

  @Override
  public boolean isTerminated() {
    if (!server.isTerminated()) {
      return false;
    }
    for (Leg leg : legs) {
      if (leg.isLive()) {
        return false;
      }
    }
    return true;
  }

  private void logAndCount(int status) {
    core.metrics.invite(role, status);
    if (!relayOnly && !core.quiet && CallLog.enabled()) {
      StringBuilder line = new StringBuilder(256).append("call ").append(callId)
          .append(" number=").append(number == null ? "-" : number.toString())
          .append(" decision=").append(role).append(" trace=[");
      join(line, traces, " | ").append("] attempts=[");
      join(line, attempts, ", ").append("] status=").append(status);
      CallLog.shared().add(line.toString());
    }
  }

  private static StringBuilder join(StringBuilder out, List<String> items, String separator) {
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(separator);
      }
      out.append(items.get(i));
    }
    return out;
  }

  private static void logRejected(SipRequest request, String decision, String reason, int status) {
    if (CallLog.enabled()) {
      CallLog.shared().add("call " + request.callId() + " number=- decision=" + decision + " trace=[" + reason
          + "] attempts=[] status=" + status);
    }
  }
}
