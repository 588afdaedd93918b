package ai.oneinbox.edge.sip.outbound;

import ai.oneinbox.edge.sip.message.NameAddr;
import ai.oneinbox.edge.sip.message.SipMessageEditor;
import ai.oneinbox.edge.sip.message.SipRequest;
import ai.oneinbox.edge.sip.message.SipResponse;
import ai.oneinbox.edge.sip.message.SipUri;
import ai.oneinbox.edge.sip.message.Via;
import ai.oneinbox.edge.sip.proxy.Branches;
import ai.oneinbox.edge.sip.proxy.CallLog;
import ai.oneinbox.edge.sip.proxy.OutboundRequests;
import ai.oneinbox.edge.sip.proxy.CancelClient;
import ai.oneinbox.edge.sip.proxy.ProxyCore;
import ai.oneinbox.edge.sip.proxy.WireTransport;
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
import ai.oneinbox.edge.routing.Provider;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One outbound INVITE: the server transaction towards the agent and, one after the other, client
 * transactions towards the trunk's hosts in RFC 3263 order.
 *
 * <ul>
 *   <li>503, 408, a timeout, a transport error, or — when another host is left — no provisional answer
 *       within {@code sip.failover.provisional_timeout} → the next host; when none is left the agent gets
 *       the last answer (a 503 as 500, RFC 3261 §16.7 step 6).</li>
 *   <li>401/407 → the same host again with the trunk's credentials (a new branch, the same CSeq: the edge is
 *       a proxy and the agent's dialog must keep its CSeq); a second challenge in the call is final: 403.</li>
 *   <li>403 from a Twilio trunk for a destination in another country than the caller number → 403 whose
 *       reason names Voice Geo Permissions.</li>
 *   <li>Anything else final goes to the agent as it came.</li>
 * </ul>
 *
 * <p>One INFO line per call on {@code ai.oneinbox.edge.sip.calls} when the agent gets its final answer.
 */
final class OutboundCall implements ProxyCore.ServerSide, ServerTransactionUser {
  static final String GEO_PERMISSIONS =
      "Forbidden (International Call Blocked: Enable the Destination Country in Twilio Voice Geo Permissions)";

  private final Outbound outbound;
  private final ProxyCore core;
  private final ProxyCore.Shard shard;
  private final SipRequest invite;
  private final InboundSource source;
  private final TransactionKey key;
  private final InviteServerTransaction<ByteBuf> server;
  private final long receivedNanos;
  private final List<Leg> legs = new ArrayList<>(2);
  private final List<String> attempts = new ArrayList<>(2);
  private final Deque<TrunkResolver.Hop> hops = new ArrayDeque<>(2);

  private OutboundDecision.Proceed call;
  private String requestUri;
  private String trunkName = "-";
  private String outcome = "refused";
  private String why = "";
  private boolean leased;
  private boolean challengeAnswered;
  private Leg current;
  private boolean finalSent;
  private boolean callerCancelled;
  private boolean forwardingTimed;
  private boolean released;
  /** The agent has its final answer ({@link #record}); then, once nothing has work left, lingered. */
  private boolean settled;
  private boolean lingered;
  private int attemptCounter;

  private OutboundCall(Outbound outbound, ProxyCore.Shard shard, SipRequest invite, InboundSource source,
      TransactionKey key) {
    this.outbound = outbound;
    this.core = outbound.core;
    this.shard = shard;
    this.invite = invite.retain();
    this.source = source;
    this.key = key;
    this.receivedNanos = core.nanoTime();
    WireTransport wire = new WireTransport(core.transport(), source.transport(), source.remote(),
        shard.scheduler());
    this.server = new InviteServerTransaction<>(core.config().timers(), shard.scheduler(), wire,
        source.transport().isStream(), this);
    wire.onError(server::transportError);
  }

  static void start(Outbound outbound, ProxyCore.Shard shard, SipRequest request, InboundSource source,
      TransactionKey key) {
    OutboundCall c = new OutboundCall(outbound, shard, request, source, key);
    TransactionTable.AddResult added = shard.addServer(key, c);
    if (added != TransactionTable.AddResult.ADDED) {
      if (added == TransactionTable.AddResult.FULL) {
        outbound.metrics.call("-", "overload", 503);
        outbound.core.answer(request, source, request.response(503, "Service Unavailable")
            .header("Retry-After", "5").encode(outbound.core.alloc()));
      }
      c.released = true;
      c.invite.release();
      return;
    }
    c.server.sendResponse(100, request.response(100, "Trying").encode(outbound.core.alloc()));
    if (outbound.core.isDraining()) {
      c.outcome = "draining";
      c.answer(503, "Service Unavailable", "Retry-After",
          Long.toString(outbound.core.config().drainRetryAfter().toSeconds()));
      return;
    }
    c.decide();
  }

  private void decide() {
    OutboundDecision decision = outbound.router.decide(invite, source);
    if (decision instanceof OutboundDecision.Refuse refuse) {
      why = refuse.why();
      answer(refuse.status(), refuse.reasonPhrase());
      return;
    }
    if (decision instanceof OutboundDecision.Challenge challenge) {
      why = challenge.why();
      outcome = "challenged";
      List<String> c = challenge.challenges();
      String[] headers = new String[c.size() * 2];
      for (int i = 0; i < c.size(); i++) {
        headers[2 * i] = "Proxy-Authenticate";
        headers[2 * i + 1] = c.get(i);
      }
      answer(407, "Proxy Authentication Required", headers);
      return;
    }
    call = (OutboundDecision.Proceed) decision;
    OutboundDecision.TrunkChoice trunk = call.trunk();
    trunkName = trunk.name();
    int trunkLimit = trunk.maxCalls() > 0 ? trunk.maxCalls() : outbound.config.maxCallsPerTrunk();
    Optional<OutboundLimits.Refusal> refused = outbound.limits.acquire(call.caller().toString(),
        outbound.config.maxCallsPerNumber(), trunkName, trunkLimit);
    if (refused.isPresent()) {
      outcome = "limited";
      boolean number = refused.get() == OutboundLimits.Refusal.NUMBER;
      why = number ? "number " + call.caller() + " at its limit of " + outbound.config.maxCallsPerNumber()
          : "trunk " + trunkName + " at its limit of " + trunkLimit;
      answer(503, number ? "Service Unavailable (Outbound Call Limit of the Number Reached)"
              : "Service Unavailable (Outbound Call Limit of the Trunk Reached)",
          "Retry-After", Long.toString(outbound.config.retryAfter().toSeconds()));
      return;
    }
    leased = true;
    SipUri uri = trunk.uri();
    requestUri = uri.scheme() + ":" + call.destination() + '@' + uri.hostPort()
        + (uri.parameters().isEmpty() ? "" : uri.parameters());
    outbound.resolver().resolve(uri).whenComplete((list, error) -> shard.scheduler().execute(() -> {
      if (error != null || list == null || list.isEmpty()) {
        why = "trunk host " + uri.host() + " does not resolve";
        answer(503, "Service Unavailable (Trunk Host Does Not Resolve)", "Retry-After",
            Long.toString(outbound.config.retryAfter().toSeconds()));
        return;
      }
      hops.addAll(list);
      next();
    }));
  }

  /** Starts the next host; when none is left the agent gets {@code lastStatus}. */
  private void next() {
    if (callerCancelled || finalSent) {
      return;
    }
    TrunkResolver.Hop hop = hops.poll();
    if (hop == null) {
      outcome = "failed";
      answer(503 == lastFailure ? 500 : lastFailure, lastFailure == 408 ? "Request Timeout (Trunk)"
          : "Server Internal Error (Trunk Unavailable)");
      return;
    }
    if (current != null) {
      outbound.metrics.failover(trunkName);
    }
    startLeg(hop, Optional.empty());
  }

  private int lastFailure = 503;

  private void startLeg(TrunkResolver.Hop hop, Optional<String[]> authorization) {
    int attempt = attemptCounter++;
    Via top = invite.topVia();
    String branch = Branches.of(ProxyCore.loopHash(invite), Branches.hash(top.branch().orElse(""), top.sentBy()),
        attempt);
    Leg leg = new Leg(hop, branch, authorization);
    if (shard.clients().add(leg.key, leg) != TransactionTable.AddResult.ADDED) {
      leg.tx.transportError();
      outcome = "overload";
      answer(503, "Service Unavailable", "Retry-After", "5");
      return;
    }
    current = leg;
    legs.add(leg);
    leg.start();
    if (!forwardingTimed) {
      forwardingTimed = true;
      outbound.metrics.forwardingNanos(core.nanoTime() - receivedNanos);
    }
  }

  private ByteBuf forwardedInvite(TrunkResolver.Hop hop, String branch, Optional<String[]> authorization) {
    SipMessageEditor edit = invite.edit()
        .pushVia(core.identity().via(hop.transport(), branch))
        .receivedFrom(source.remote().getAddress().getHostAddress(), source.remote().getPort())
        .decrementMaxForwards()
        .requestUri(requestUri);
    List<NameAddr> routes = invite.routes();
    int ours = 0;
    while (ours < routes.size() && core.identity().isUs(routes.get(ours).uri())) {
      ours++;
    }
    if (ours > 0) {
      edit.removeHeader("Route");
      List<String> rest = routes.subList(ours, routes.size()).stream().map(NameAddr::raw).toList();
      if (!rest.isEmpty()) {
        edit.addHeader("Route", String.join(", ", rest));
      }
    }
    if (hop.transport() != source.transport()) {
      edit.prependRecordRoute(core.identity().recordRoute(source.transport(), ""));
    }
    edit.prependRecordRoute(core.identity().recordRoute(hop.transport(), ""));
    // the agent's own credentials for the edge, if any, are not the trunk's business
    edit.removeHeader("Authorization").removeHeader("Proxy-Authorization");
    authorization.ifPresent(a -> edit.addHeader(a[0], a[1]));
    return edit.encode(core.alloc());
  }

  /** A digest challenge from the trunk: answered once per call with the trunk's credentials. */
  private boolean answerChallenge(Leg leg, int status, SipResponse response) {
    Optional<ai.oneinbox.edge.routing.TrunkCredentials> credentials = call.trunk().credentials();
    if (challengeAnswered || credentials.isEmpty()) {
      why = credentials.isEmpty() ? "trunk " + trunkName + " challenged and has no sip_username/sip_password"
          : "trunk " + trunkName + " challenged the credentials again (wrong sip_username/sip_password?)";
      return false;
    }
    Optional<DigestChallenge> challenge = DigestChallenge.best(response.headerValues(
        status == 407 ? "Proxy-Authenticate" : "WWW-Authenticate"));
    if (challenge.isEmpty()) {
      why = "trunk " + trunkName + " sent a challenge the edge cannot answer";
      return false;
    }
    challengeAnswered = true;
    outbound.metrics.trunkAuth(trunkName);
    byte[] cnonce = new byte[8];
    ThreadLocalRandom.current().nextBytes(cnonce);
    String value = DigestAnswer.credentials(challenge.get(), credentials.get().username(),
        credentials.get().password(), "INVITE", requestUri, HexFormat.of().formatHex(cnonce));
    startLeg(leg.hop, Optional.of(new String[] {status == 407 ? "Proxy-Authorization" : "Authorization", value}));
    return true;
  }

  /** Whether the trunk's 403 means Twilio's Geo Permissions: a Twilio trunk and another country. */
  private boolean geoPermissions() {
    if (call.trunk().provider() != Provider.TWILIO && !call.trunk().uri().host().endsWith(".twilio.com")) {
      return false;
    }
    return countryCode(call.caller().toString()) != countryCode(call.destination().toString());
  }

  private static int countryCode(String e164) {
    try {
      return PhoneNumberUtil.getInstance().parse(e164, "ZZ").getCountryCode();
    } catch (com.google.i18n.phonenumbers.NumberParseException e) {
      return -1;
    }
  }

  /** One client transaction towards one trunk host. */
  private final class Leg implements ProxyCore.ClientSide, ProxyCore.CallLeg, ClientTransactionUser<SipResponse> {
    final TrunkResolver.Hop hop;
    final String branch;
    final TransactionKey key;
    final InviteClientTransaction<ByteBuf, SipResponse> tx;
    final OutboundRequests.SentInvite sent;
    TimerScheduler.Timer provisionalTimer;
    TimerScheduler.Timer timerC;
    boolean provisional;
    boolean cancelWanted;
    boolean cancelSent;
    boolean ended;

    Leg(TrunkResolver.Hop hop, String branch, Optional<String[]> authorization) {
      this.hop = hop;
      this.branch = branch;
      this.key = new TransactionKey(branch, "", "INVITE");
      String via = core.identity().via(hop.transport(), branch);
      this.sent = new OutboundRequests.SentInvite(requestUri, via, List.of(), invite.from().raw(),
          invite.to().raw(), invite.callId(), invite.cseq().number());
      WireTransport wire = new WireTransport(core.transport(), hop.transport(), hop.address(), shard.scheduler());
      this.tx = new InviteClientTransaction<>(core.config().timers(), shard.scheduler(), wire,
          hop.transport().isStream(), forwardedInvite(hop, branch, authorization),
          response -> OutboundRequests.ack(core.alloc(), sent, response.to().raw()), this);
      wire.onError(tx::transportError);
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

    String where() {
      return hop.target() + '/' + hop.address().getAddress().getHostAddress() + ':' + hop.address().getPort();
    }

    void start() {
      // Giving up on a silent host only pays when there is another to try; the last one keeps its INVITE
      // retransmissions going until it answers or Timer B ends the transaction.
      if (!hops.isEmpty()) {
        provisionalTimer = shard.scheduler().schedule(core.config().failover().provisionalTimeout(),
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
        timerC = shard.scheduler().schedule(SipTimers.TIMER_C, this::timerC);
      }
      if (cancelWanted) {
        sendCancel();
        return;
      }
      if (status == 100 || this != current || finalSent) {
        return;
      }
      server.sendResponse(status, response.edit().popVia().encode(core.alloc()));
    }

    private void onSuccess(int status, SipResponse response) {
      stopTimers();
      server.sendResponse(status, response.edit().popVia().encode(core.alloc()));
      if (!ended) {
        ended = true;
        attempts.add(where() + ' ' + status);
      }
      if (!finalSent) {
        finalSent = true;
        outcome = "answered";
        if (leased) {
          leased = false;
          outbound.limits.established(invite.callId(), call.caller().toString(), trunkName);
        }
        record(status, "OK");
        for (Leg other : legs) {
          if (other != this) {
            other.abandon();
          }
        }
      }
    }

    private void onFailure(int status, SipResponse response) {
      stopTimers();
      end(where() + ' ' + status);
      if (finalSent || this != current) {
        return;
      }
      if (callerCancelled) {
        finish(status, response.edit().popVia().encode(core.alloc()), response.reasonPhrase());
        return;
      }
      if (status == 401 || status == 407) {
        if (!answerChallenge(this, status, response)) {
          outcome = "trunk_auth_failed";
          answer(403, "Forbidden (Trunk Refused the Edge's Credentials)");
        }
        return;
      }
      if (status == 503 || status == 408) {
        lastFailure = status;
        next();
        return;
      }
      if (status == 403 && geoPermissions()) {
        outcome = "geo_permissions";
        why = "Twilio refused " + call.destination() + " from " + call.caller()
            + ": international destination not enabled in Voice Geo Permissions";
        answer(403, GEO_PERMISSIONS);
        return;
      }
      outcome = "failed";
      finish(status, response.edit().popVia().encode(core.alloc()), response.reasonPhrase());
    }

    private void noProvisional() {
      if (provisional || ended) {
        return;
      }
      abandon();
      end(where() + " no provisional in " + core.config().failover().provisionalTimeout().toMillis() + " ms");
      if (!callerCancelled && !finalSent && this == current) {
        lastFailure = 408;
        next();
      }
    }

    private void timerC() {
      if (ended) {
        return;
      }
      abandon();
      end(where() + " timer C");
      if (!callerCancelled && !finalSent && this == current) {
        lastFailure = 408;
        next();
      }
    }

    void abandon() {
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
      if (cancelSent || tx.isTerminated()) {
        return;
      }
      cancelSent = true;
      cancelWanted = false;
      CancelClient.send(core, shard, branch, hop.transport(), hop.address(), sent);
    }

    @Override
    public void timedOut() {
      stopTimers();
      end(where() + " timeout");
      failedToAnswer(408);
    }

    @Override
    public void transportFailed() {
      stopTimers();
      end(where() + " transport error");
      failedToAnswer(503);
    }

    private void failedToAnswer(int status) {
      if (finalSent || this != current) {
        return;
      }
      if (callerCancelled) {
        finish(487, invite.response(487, "Request Terminated").encode(core.alloc()), "Request Terminated");
        return;
      }
      lastFailure = status;
      next();
    }

    @Override
    public void terminated() {
      stopTimers();
      shard.clients().remove(key, this);
      if (!ended) {
        end(where() + " ended");
      }
      maybeDone();
    }

    private void end(String what) {
      if (!ended) {
        ended = true;
        attempts.add(what);
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

  /**
   * Once the agent has its answer and nothing of the call has work left, it lingers as records (ADR 0006).
   * The call's place under the limits is not touched: an answered call's place moved to the established
   * leases at its 2xx (freed by the BYE), any other call's was given back with its final answer.
   */
  private void lingerIfDone() {
    if (settled && !lingered && shard.handOverCall(core.config().timers(), key, server, source, legs)) {
      lingered = true;
      abort();
    }
  }

  @Override
  public void abort() {
    finalSent = true; // the node stops: no more answers, no more hosts
    if (leased) {
      leased = false;
      outbound.limits.release(call.caller().toString(), trunkName);
    }
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
    outcome = "cancelled";
    Leg leg = current;
    if (leg == null || !leg.provisional || leg.tx.isTerminated()) {
      if (leg != null) {
        leg.abandon();
      }
      finish(487, invite.response(487, "Request Terminated").encode(core.alloc()), "Request Terminated");
      return;
    }
    leg.abandon();
  }

  @Override
  public void terminated() {
    shard.servers().remove(key, this);
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
    finish(status, builder.encode(core.alloc()), reason);
  }

  /** The agent's one final non-2xx response; frees the call's place under the limits. */
  private void finish(int status, ByteBuf octets, String reason) {
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
    if (leased) {
      leased = false;
      outbound.limits.release(call.caller().toString(), trunkName);
    }
    server.sendResponse(status, octets);
    record(status, reason);
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

  /** The final answer went to the agent: what is left only lingers (and may be ended early for room). */
  private void record(int status, String reason) {
    settled = true;
    shard.settled(this);
    outbound.metrics.call(trunkName, outcome, status);
    if (CallLog.enabled()) {
      CallLog.shared().add("outbound call " + invite.callId()
          + " agent=" + (call == null ? "-" : call.agent().id())
          + " caller=" + (call == null ? "-" : call.caller().toString())
          + " destination=" + (call == null ? invite.requestUri().raw() : call.destination().toString())
          + " trunk=" + trunkName + " outcome=" + outcome + " attempts=[" + String.join(", ", attempts) + "]"
          + " status=" + status + " reason=\"" + reason + '"' + (why.isEmpty() ? "" : " why=\"" + why + '"'));
    }
  }
}
