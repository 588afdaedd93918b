package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.agent.AgentAvailability;
import ai.oneinbox.edge.sip.agent.AgentCalls;
import ai.oneinbox.edge.sip.agent.EndpointHealth;
import ai.oneinbox.edge.sip.message.NameAddr;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.message.SipParseError;
import ai.oneinbox.edge.sip.message.SipMessageEditor;
import ai.oneinbox.edge.sip.message.SipRequest;
import ai.oneinbox.edge.sip.message.SipResponse;
import ai.oneinbox.edge.sip.message.Via;
import ai.oneinbox.edge.sip.outbound.Outbound;
import ai.oneinbox.edge.sip.outbound.OutboundConfig;
import ai.oneinbox.edge.sip.transaction.InviteClientTransaction;
import ai.oneinbox.edge.sip.transaction.InviteServerTransaction;
import ai.oneinbox.edge.sip.transaction.NonInviteClientTransaction;
import ai.oneinbox.edge.sip.transaction.NonInviteServerTransaction;
import ai.oneinbox.edge.sip.transaction.ServerTransactionUser;
import ai.oneinbox.edge.sip.transaction.SipTimers;
import ai.oneinbox.edge.sip.transaction.ClientTransactionUser;
import ai.oneinbox.edge.sip.transaction.TimerScheduler;
import ai.oneinbox.edge.sip.transaction.TransactionKey;
import ai.oneinbox.edge.sip.transaction.TransactionState;
import ai.oneinbox.edge.sip.transaction.TransactionTable;
import ai.oneinbox.edge.sip.transport.InboundSource;
import ai.oneinbox.edge.sip.transport.SipMessageHandler;
import ai.oneinbox.edge.sip.transport.Transport;
import ai.oneinbox.edge.sip.transport.TransportKind;
import ai.oneinbox.edge.sip.trunk.AuthResult;
import ai.oneinbox.edge.sip.trunk.TrunkAuthenticator;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 3261 §16 transaction-stateful proxy: the handler the transports deliver every message to.
 *
 * <p><b>Threading.</b> Every message is handled through one of the {@code shards}' schedulers, chosen by its
 * Call-ID, so all messages of a call — the INVITE, its retransmissions, the CANCEL, the agents' responses,
 * the BYE — and all of its timers run one at a time (on one thread, or under one lock: see
 * {@link ai.oneinbox.edge.sip.transaction.LockingScheduler}); transactions and calls need no locks of their
 * own. The transaction tables are per shard.
 *
 * <p><b>What it does with a request</b> (in this order): RFC 3581 {@code received}/{@code rport} on the
 * top Via; a branch without the magic cookie → 400; ACK → the INVITE server transaction (non-2xx: absorbed)
 * or forwarded end to end (2xx); CANCEL → 200 and the call is cancelled, or 481; a retransmission → its
 * transaction re-sends the last response; Max-Forwards 0 → 483 (OPTIONS to us answered); loop → 482;
 * Proxy-Require → 420; in-dialog (To tag, our Route on top) → relayed by loose routing; out of dialog:
 * INVITE → trunk check, routing, failover ({@link InviteCall}); OPTIONS → 200 (503 while draining);
 * REGISTER and other known methods → 405; BYE → 481; unknown → 501.
 */
public final class ProxyCore implements SipMessageHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyCore.class);

  static final String ALLOW = "INVITE, ACK, CANCEL, OPTIONS, BYE, UPDATE, INFO, PRACK";
  /** Methods RFC 3261 and its extensions define: out of a dialog we answer these 405, others 501. */
  private static final Set<String> KNOWN_METHODS = Set.of("INVITE", "ACK", "CANCEL", "OPTIONS", "BYE",
      "REGISTER", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "INFO", "UPDATE", "PRACK", "PUBLISH");

  final SipEdgeConfig config;
  final RoutingTable table;
  final Transport transport;
  final LocalIdentity identity;
  final ByteBufAllocator alloc;
  final LongSupplier nanoTime;
  final TrunkAuthenticator trunks;
  final EndpointHealth health;
  final AgentCalls agentCalls;
  final AgentAvailability availability;
  final ProxyMetrics metrics;
  final HealthProber prober;
  private final Outbound outbound;
  private final Shard[] shards;
  private volatile boolean draining;
  /** Which new INVITEs are answered 503 at once under overload (set once, before traffic; NEVER until). */
  LoadShedder shedder = LoadShedder.NEVER;
  /** No call log lines (the warm-up's synthetic calls). */
  boolean quiet;

  /** Per-thread state: the scheduler all of a shard's work runs on, and its transaction tables. */
  public static final class Shard {
    /** Lingering owners ended at a time when a table is full (their entries make room for new ones). */
    private static final int EVICT_BATCH = 8;

    final TimerScheduler scheduler;
    final TransactionTable<ServerSide> servers;
    final TransactionTable<ClientSide> clients;
    /**
     * Owners that have sent their final answer and only linger (RFC 3261/6026 timers, up to 64*T1) to absorb
     * retransmissions, oldest first. They all linger about as long, so they end in this order too, and the
     * head is dropped as they do. Touched only on this shard's scheduler.
     */
    private final ArrayDeque<ServerSide> settled = new ArrayDeque<>();
    private Runnable onEvicted = () -> {};
    /**
     * What finished transactions leave while they linger (ADR 0006): the 64*T1 timers (L, M, J, D) in one
     * store, the T4 ones (I, K) in the other, each ending its records in the order they came.
     */
    private final Lingering lingeringLong;
    private final Lingering lingeringShort;
    /** Lingering times up to this (T4: timers I and K) go to the short store, longer ones to the long. */
    private final Duration shortLinger;
    private final long seed;

    Shard(TimerScheduler scheduler, int maxTransactions, int maxLive, Transport transport,
        ByteBufAllocator alloc, LongSupplier nanoTime, Duration shortLinger, long seed) {
      this.scheduler = scheduler;
      this.shortLinger = shortLinger;
      this.servers = new TransactionTable<>(maxLive);
      this.clients = new TransactionTable<>(maxLive);
      this.seed = seed;
      // Three or four 64*T1 records a call (both INVITE transactions, the BYE's server side, a failed leg's
      // ACK) and one T4 record (the BYE's client side), at 36 bytes a record: room for four per table entry.
      Runnable evicted = () -> onEvicted.run();
      this.lingeringLong = new Lingering(transport, alloc, scheduler, nanoTime, 4 * maxTransactions, evicted);
      this.lingeringShort = new Lingering(transport, alloc, scheduler, nanoTime, maxTransactions, evicted);
    }

    /**
     * A finished server transaction hands over to a record (on this shard's scheduler): {@code action} is
     * one of {@link Lingering}'s, {@code buffer} (taken over) what it sends again, to {@code peer}.
     */
    private void lingerServer(TransactionKey key, Duration linger, byte action, ByteBuf buffer,
        TransportKind kind, InetSocketAddress peer) {
      linger(Lingering.hash(seed, key, true), key.hashCode(), linger, action, buffer, kind, peer);
    }

    /** As {@link #lingerServer}, for a client transaction. */
    private void lingerClient(TransactionKey key, Duration linger, byte action, ByteBuf buffer,
        TransportKind kind, InetSocketAddress peer) {
      linger(Lingering.hash(seed, key, false), key.hashCode(), linger, action, buffer, kind, peer);
    }

    private void linger(long hash, int check, Duration linger, byte action, ByteBuf buffer, TransportKind kind,
        InetSocketAddress peer) {
      if (linger.isZero()) {
        if (buffer != null) {
          buffer.release();
        }
        return;
      }
      Lingering store = linger.compareTo(shortLinger) > 0 ? lingeringLong : lingeringShort;
      store.add(hash, check, linger, action, buffer, kind, peer);
    }

    /**
     * Hands a settled INVITE call over to records (ADR 0006) when every one of its transactions only waits
     * out a timer: the caller's side Accepted or Confirmed, each leg Accepted, Completed or ended. Absorbs
     * the INVITE and its ACK; for a leg Accepted, passes a 2xx retransmission to the caller (when the
     * caller's side was Accepted too, as the transactions would); for a leg Completed, sends its ACK again.
     * False, and nothing handed over, while any transaction still has work; the caller then aborts the
     * call's objects.
     */
    public boolean handOverCall(SipTimers timers, TransactionKey key, InviteServerTransaction<ByteBuf> server,
        InboundSource source, List<? extends CallLeg> legs) {
      TransactionState s = server.state();
      if (s != TransactionState.ACCEPTED && s != TransactionState.CONFIRMED) {
        return false;
      }
      for (CallLeg leg : legs) {
        TransactionState l = leg.tx().state();
        if (l != TransactionState.ACCEPTED && l != TransactionState.COMPLETED && l != TransactionState.TERMINATED) {
          return false;
        }
      }
      boolean accepted = s == TransactionState.ACCEPTED;
      lingerServer(key, accepted ? timers.sixtyFourT1() : timers.timerI(source.transport().isStream()),
          Lingering.ABSORB, null, null, null);
      for (CallLeg leg : legs) {
        TransactionState l = leg.tx().state();
        if (l == TransactionState.ACCEPTED) {
          lingerClient(leg.key(), timers.sixtyFourT1(), accepted ? Lingering.FORWARD_2XX : Lingering.ABSORB,
              null, source.transport(), source.remote());
        } else if (l == TransactionState.COMPLETED) {
          lingerClient(leg.key(), timers.timerD(leg.transport().isStream()), Lingering.RESEND_ACK,
              leg.tx().takeAck(), leg.transport(), leg.address());
        }
      }
      return true;
    }

    /** A request for a finished server transaction: absorbed or answered again; false when none lingers. */
    boolean lingeringRequest(TransactionKey key) {
      if (lingeringLong.size() + lingeringShort.size() == 0) {
        return false;
      }
      long hash = Lingering.hash(seed, key, true);
      int check = key.hashCode();
      return lingeringLong.request(hash, check) || lingeringShort.request(hash, check);
    }

    /** A response for a finished client transaction: absorbed, ACKed again or forwarded upstream. */
    boolean lingeringResponse(TransactionKey key, SipResponse response) {
      if (lingeringLong.size() + lingeringShort.size() == 0) {
        return false;
      }
      long hash = Lingering.hash(seed, key, false);
      int check = key.hashCode();
      return lingeringLong.response(hash, check, response) || lingeringShort.response(hash, check, response);
    }

    int lingering() {
      return lingeringLong.size() + lingeringShort.size();
    }

    void clearLingering() {
      lingeringLong.clear();
      lingeringShort.clear();
    }

    /** An owner has sent its final answer and only lingers from now on (call on this shard's scheduler). */
    public void settled(ServerSide owner) {
      ServerSide head;
      while ((head = settled.peekFirst()) != null && head.isTerminated()) {
        settled.pollFirst();
      }
      settled.addLast(owner);
    }

    /**
     * Adds a server transaction's owner; when the table is full, first ends the oldest lingering owners
     * early (a retransmission of theirs now finds nothing: the answer RFC 3261 gives a stateless proxy), so
     * a steady call rate never meets a table full of finished calls. FULL only when live ones fill it.
     */
    public TransactionTable.AddResult addServer(TransactionKey key, ServerSide owner) {
      TransactionTable.AddResult added = servers.add(key, owner);
      if (added == TransactionTable.AddResult.FULL && evictSettled() > 0) {
        added = servers.add(key, owner);
      }
      return added;
    }

    /** As {@link #addServer}, for a client transaction. */
    public TransactionTable.AddResult addClient(TransactionKey key, ClientSide owner) {
      TransactionTable.AddResult added = clients.add(key, owner);
      if (added == TransactionTable.AddResult.FULL && evictSettled() > 0) {
        added = clients.add(key, owner);
      }
      return added;
    }

    private int evictSettled() {
      int ended = 0;
      ServerSide oldest;
      while (ended < EVICT_BATCH && (oldest = settled.pollFirst()) != null) {
        if (!oldest.isTerminated()) {
          oldest.abort();
          ended++;
        }
      }
      for (int i = 0; i < ended; i++) {
        onEvicted.run();
      }
      return ended;
    }

    public TimerScheduler scheduler() {
      return scheduler;
    }

    public TransactionTable<ServerSide> servers() {
      return servers;
    }

    public TransactionTable<ClientSide> clients() {
      return clients;
    }
  }

  /** A server transaction's owner, as the table finds it for retransmissions, ACK and CANCEL. */
  public interface ServerSide {
    void retransmission();

    /** The node stops (or room is needed): end every transaction of this owner now, releasing what they hold. */
    void abort();

    /** True once every transaction of this owner has ended. */
    default boolean isTerminated() {
      return false;
    }

    default void ack() {}

    /** A CANCEL for this INVITE arrived (answered 200 already). */
    default void cancel() {}
  }

  /** One leg of an INVITE call, as {@link Shard#handOverCall} reads it: its transaction and next hop. */
  public interface CallLeg {
    TransactionKey key();

    InviteClientTransaction<ByteBuf, SipResponse> tx();

    TransportKind transport();

    InetSocketAddress address();
  }

  /** A client transaction's owner, as the table finds it for responses. */
  public interface ClientSide {
    void response(SipResponse response);

    /** The node stops: end the transaction now, releasing what it holds. */
    void abort();
  }

  /**
   * Runs up to {@code maxCalls} synthetic calls through a private core within {@code budget}, so the JIT has
   * compiled the call path, and the paths of a loaded or failing network, before real traffic
   * ({@link ProxyWarmUp}). Returns how many ran.
   */
  public static int warmUp(SipEdgeConfig config, ByteBufAllocator alloc, int maxCalls, Duration budget) {
    ProxyWarmUp.Result result = ProxyWarmUp.run(config, alloc, maxCalls, budget);
    if (result.unexpected() > 0) {
      // the proxy answered a scripted call otherwise than the script expects: a bug, not a reason to stop
      LOG.warn("warm-up: {} of {} synthetic calls ended with an unexpected status ({})", result.unexpected(),
          result.calls(), result.byKind());
    }
    return result.calls();
  }

  public ProxyCore(SipEdgeConfig config, RoutingTable table, MeterRegistry registry, Transport transport,
      LocalIdentity identity, List<? extends TimerScheduler> schedulers, ByteBufAllocator alloc,
      LongSupplier nanoTime) {
    this(config, OutboundConfig.defaults(), table, registry, transport, identity, schedulers, alloc, nanoTime);
  }

  public ProxyCore(SipEdgeConfig config, OutboundConfig outboundConfig, RoutingTable table,
      MeterRegistry registry, Transport transport, LocalIdentity identity,
      List<? extends TimerScheduler> schedulers, ByteBufAllocator alloc, LongSupplier nanoTime) {
    this.config = config;
    this.table = table;
    this.transport = transport;
    this.identity = identity;
    this.alloc = alloc;
    this.nanoTime = nanoTime;
    this.trunks = new TrunkAuthenticator(config.trunks());
    this.health = new EndpointHealth(config.health().downAfter(), config.health().upAfter());
    this.agentCalls = new AgentCalls(config.maxTransactions(), AgentCalls.SESSION_BOUND, nanoTime);
    this.availability = new AgentAvailability(health, agentCalls);
    this.shards = new Shard[schedulers.size()];
    long seed = new java.security.SecureRandom().nextLong(); // lingering records' key hashes (ADR 0006)
    int perShard = Math.max(16, config.maxTransactions() / schedulers.size());
    int livePerShard = Math.max(16, Math.min(config.maxTransactions(), liveBound(Runtime.getRuntime().maxMemory()))
        / schedulers.size());
    for (int i = 0; i < shards.length; i++) {
      shards[i] = new Shard(schedulers.get(i), perShard, livePerShard, transport, alloc, nanoTime,
          config.timers().t4(), seed);
    }
    this.metrics = new ProxyMetrics(registry, this::transactionsInFlight);
    for (Shard shard : shards) {
      shard.onEvicted = metrics::evicted;
    }
    this.prober = new HealthProber(this);
    this.outbound = new Outbound(this, outboundConfig, registry);
  }

  /** Heap budgeted per entry of each transaction table by {@link #liveBound}. */
  static final long HEAP_PER_LIVE_TRANSACTION = 16 * 1024;

  /**
   * How many live transactions each table (servers, clients) may hold on a heap of {@code maxHeap} bytes:
   * one per {@link #HEAP_PER_LIVE_TRANSACTION}, at least 4,096. A call in flight costs about 3 KB of heap
   * across both tables (measured under overload: docs/decisions/0009), so both full take about a fifth of
   * the heap (65,536 each on 1 GB) and the collector never has to walk more; beyond it new INVITEs get 503.
   * Only calls still being set up or torn down are live (at 9,000 calls/s none was refused for room); finished
   * ones linger as records (ADR 0006), bounded by {@code maxTransactions} instead.
   */
  static int liveBound(long maxHeap) {
    return (int) Math.max(4096, Math.min(Integer.MAX_VALUE, maxHeap / HEAP_PER_LIVE_TRANSACTION));
  }

  // What the outbound path (ai.oneinbox.edge.sip.outbound) builds its transactions from.

  public SipEdgeConfig config() {
    return config;
  }

  public RoutingTable table() {
    return table;
  }

  public Transport transport() {
    return transport;
  }

  public LocalIdentity identity() {
    return identity;
  }

  public ByteBufAllocator alloc() {
    return alloc;
  }

  public long nanoTime() {
    return nanoTime.getAsLong();
  }

  /** One round of OPTIONS probes of the agent endpoints this node sends calls to. */
  public void probeAgents() {
    prober.probeAll();
  }

  /** The live agent view (enabled, healthy by probes, under their call limit) routing decisions use. */
  public AgentAvailability agentAvailability() {
    return availability;
  }

  public int transactionsInFlight() {
    int n = 0;
    for (Shard s : shards) {
      n += s.servers.size() + s.clients.size() + s.lingering();
    }
    return n;
  }

  /** Stops what the core runs besides the transactions (the outbound DNS resolver). */
  public void close() {
    outbound.close();
  }

  public void drain() {
    draining = true;
  }

  /** The overload control new INVITEs go through (SipEdge: fed by the SIP port's kernel drop count). */
  public void useLoadShedder(LoadShedder shedder) {
    this.shedder = java.util.Objects.requireNonNull(shedder, "shedder");
  }

  /**
   * Ends every transaction at once, releasing their buffers (for {@code SipEdge.close()}, after the
   * listeners are closed: nothing more comes in, and what would go out is dropped).
   */
  public void abortAll() {
    for (Shard shard : shards) {
      shard.scheduler.execute(() -> {
        for (ServerSide server : List.copyOf(shard.servers.values())) {
          server.abort();
        }
        for (ClientSide client : List.copyOf(shard.clients.values())) {
          client.abort();
        }
        shard.clearLingering();
      });
    }
  }

  public boolean isDraining() {
    return draining;
  }

  public EndpointHealth health() {
    return health;
  }

  public AgentCalls agentCalls() {
    return agentCalls;
  }

  Shard shardFor(String callId) {
    return shards[Math.floorMod(callId.hashCode(), shards.length)];
  }

  /** What the codec refused (answered 400/505/513/414 or dropped) counts as a malformed rejection. */
  @Override
  public void onMalformed(SipParseError error, InboundSource source) {
    metrics.rejected(ProxyMetrics.Rejected.MALFORMED);
  }

  @Override
  public void onMessage(SipMessage message, InboundSource source) {
    Shard shard = shardFor(message.callId());
    message.retain();
    shard.scheduler.execute(() -> {
      try {
        if (message instanceof SipRequest request) {
          onRequest(shard, request, source);
        } else {
          onResponse(shard, (SipResponse) message);
        }
      } catch (RuntimeException e) {
        LOG.warn("dropped a {} after an internal error (Call-ID {})",
            message.isRequest() ? ((SipRequest) message).method() : "response", message.callId(), e);
      } finally {
        message.release();
      }
    });
  }

  // ---------------------------------------------------------------------------------------- requests

  private void onRequest(Shard shard, SipRequest request, InboundSource source) {
    Via top = request.topVia();
    String method = request.method();
    if (!top.hasRfc3261Branch()) {
      if (!request.isMethod("ACK")) {
        metrics.rejected(ProxyMetrics.Rejected.MALFORMED);
        answerStateless(request, source, 400, "Bad Request (Via branch without z9hG4bK)");
      }
      return;
    }
    String branch = top.branch().orElse("");
    if (request.isMethod("ACK")) {
      TransactionKey inviteKey = new TransactionKey(branch, top.sentBy(), "INVITE");
      Optional<ServerSide> invite = shard.servers.find(inviteKey);
      if (invite.isPresent()) {
        invite.get().ack();
      } else if (!shard.lingeringRequest(inviteKey)) { // a lingering INVITE absorbs it, as Confirmed would
        forwardAck(request, source);
      }
      return;
    }
    TransactionKey key = new TransactionKey(branch, top.sentBy(), method);
    Optional<ServerSide> existing = shard.servers.find(key);
    if (existing.isPresent()) {
      existing.get().retransmission();
      return;
    }
    if (!request.isMethod("CANCEL") && shard.lingeringRequest(key)) {
      return; // a retransmission of a finished request: absorbed, or its answer sent again
    }
    if (request.isMethod("CANCEL")) {
      onCancel(shard, request, source, key);
      return;
    }
    if (request.maxForwards().orElse(70) <= 0) {
      if (request.isMethod("OPTIONS") && addressedToUs(request)) {
        answerOptions(request, source);
      } else {
        answerStateless(request, source, 483, "Too Many Hops");
      }
      return;
    }
    if (isLoop(request)) {
      answerStateless(request, source, 482, "Loop Detected");
      return;
    }
    List<String> proxyRequire = request.proxyRequire();
    if (!proxyRequire.isEmpty()) {
      answer(request, source, request.response(420, "Bad Extension")
          .header("Unsupported", String.join(", ", proxyRequire)).encode(alloc));
      return;
    }
    boolean routedByUs = !request.routes().isEmpty() && identity.isUs(request.routes().get(0).uri());
    if (request.to().tag().isPresent()) {
      if (!routedByUs) {
        answerStateless(request, source, 481, "Call/Transaction Does Not Exist");
        return;
      }
      if (request.isMethod("BYE")) {
        agentCalls.bye(request.callId());
        outbound.bye(request.callId());
      }
      if (request.isMethod("INVITE")) {
        InviteCall.reInvite(this, shard, request, source, key);
      } else {
        relayNonInvite(shard, request, source, key);
      }
      return;
    }
    switch (method) {
      case "INVITE" -> {
        // The one dispatch point of outbound calls: an agent calling out, or a non-local number.
        if (outbound.claims(request, source)) {
          outbound.initial(shard, request, source, key);
        } else {
          InviteCall.initial(this, shard, request, source, key);
        }
      }
      case "OPTIONS" -> onOutOfDialogOptions(request, source);
      case "BYE" -> answerStateless(request, source, 481, "Call/Transaction Does Not Exist");
      default -> onOtherOutOfDialog(request, source, method);
    }
  }

  private void onOutOfDialogOptions(SipRequest request, InboundSource source) {
    AuthResult auth = checkSource(request, source);
    if (auth instanceof AuthResult.Drop) {
      return;
    }
    answerOptions(request, source);
  }

  private void onOtherOutOfDialog(SipRequest request, InboundSource source, String method) {
    AuthResult auth = checkSource(request, source);
    if (auth instanceof AuthResult.Drop) {
      return;
    }
    if (auth instanceof AuthResult.Reject reject) {
      metrics.rejected(ProxyMetrics.Rejected.UNTRUSTED);
      answerStateless(request, source, reject.status(), reject.reasonPhrase());
      return;
    }
    if (KNOWN_METHODS.contains(method)) {
      // REGISTER included: the edge is no registrar (RFC 3261 §8.2.1: 405 with Allow).
      answer(request, source, request.response(405, "Method Not Allowed").header("Allow", ALLOW)
          .encode(alloc));
    } else {
      answer(request, source, request.response(501, "Not Implemented").header("Allow", ALLOW)
          .encode(alloc));
    }
  }

  public AuthResult checkSource(SipRequest request, InboundSource source) {
    return trunks.checkSource(source.remote().getAddress(), request.userAgent(), table.trunks());
  }

  private boolean addressedToUs(SipRequest request) {
    return request.routes().isEmpty() || identity.isUs(request.routes().get(0).uri());
  }

  private void answerOptions(SipRequest request, InboundSource source) {
    if (draining) {
      answer(request, source, request.response(503, "Service Unavailable")
          .header("Retry-After", Long.toString(config.drainRetryAfter().toSeconds())).encode(alloc));
      return;
    }
    answer(request, source, request.response(200, "OK")
        .header("Allow", ALLOW)
        .header("Accept", "application/sdp")
        .header("Supported", "")
        .encode(alloc));
  }

  /**
   * RFC 3261 §16.3 step 4 with the loop hash of {@link Branches}: a Via of ours whose loop hash equals this
   * request's means it came back with the same Request-URI, Call-ID, tags and CSeq — a loop, not a spiral.
   */
  private boolean isLoop(SipRequest request) {
    List<Via> vias = request.vias();
    if (vias.size() < 2) {
      return false;
    }
    long hash = loopHash(request);
    for (int i = 1; i < vias.size(); i++) {
      Via via = vias.get(i);
      if (identity.isOurs(via)) {
        Optional<String> b = via.branch();
        if (b.isPresent() && Branches.loopHashOf(b.get()).filter(h -> h == hash).isPresent()) {
          return true;
        }
      }
    }
    return false;
  }

  public static long loopHash(SipRequest request) {
    return Branches.hash(request.requestUri().raw(), request.callId(), request.fromTag().orElse(""),
        request.toTag().orElse(""), Long.toString(request.cseq().number()));
  }

  private void onCancel(Shard shard, SipRequest cancel, InboundSource source, TransactionKey key) {
    Via top = cancel.topVia();
    TransactionKey inviteKey = new TransactionKey(top.branch().orElse(""), top.sentBy(), "INVITE");
    Optional<ServerSide> invite = shard.servers.find(inviteKey);
    if (invite.isEmpty()) {
      if (shard.lingeringRequest(inviteKey)) {
        // The INVITE has its final answer and only lingers: the CANCEL changes nothing (RFC 3261 §9.2), and
        // its retransmissions meet the same lingering INVITE and get the same 200.
        answerStateless(cancel, source, 200, "OK");
      } else {
        answerStateless(cancel, source, 481, "Call/Transaction Does Not Exist");
      }
      return;
    }
    // The CANCEL's own transaction: its retransmissions get the same 200 (RFC 3261 §9.2, §16.10).
    NonInviteServerTransaction<ByteBuf>[] holder = newServerHolder();
    WireTransport wire = new WireTransport(transport, source.transport(), source.remote(), shard.scheduler);
    ServerSide side = new ServerSide() {
      @Override
      public void retransmission() {
        holder[0].receiveRequestRetransmission();
      }

      @Override
      public void abort() {
        holder[0].abort();
      }
    };
    holder[0] = new NonInviteServerTransaction<>(config.timers(), shard.scheduler, wire,
        source.transport().isStream(), () -> shard.servers.remove(key, side));
    wire.onError(holder[0]::transportError);
    if (shard.servers.add(key, side) == TransactionTable.AddResult.ADDED) {
      holder[0].sendResponse(200, cancel.response(200, "OK").encode(alloc));
    } else {
      answerStateless(cancel, source, 200, "OK");
    }
    invite.get().cancel();
  }

  @SuppressWarnings("unchecked")
  private static NonInviteServerTransaction<ByteBuf>[] newServerHolder() {
    return new NonInviteServerTransaction[1];
  }

  /** ACK for a 2xx: its own transaction end to end (RFC 3261 §16.7 step 10 / §13.2.2.4), forwarded as is. */
  private void forwardAck(SipRequest ack, InboundSource source) {
    List<NameAddr> routes = ack.routes();
    if (routes.isEmpty() || !identity.isUs(routes.get(0).uri())) {
      return; // not routed through us: nothing to do with it
    }
    if (ack.maxForwards().orElse(70) <= 0) {
      return;
    }
    Optional<NextHop> next = nextHop(ack);
    if (next.isEmpty()) {
      return;
    }
    Via top = ack.topVia();
    String branch = Branches.of(loopHash(ack),
        Branches.hash(top.branch().orElse(""), top.sentBy()), 0);
    SipMessageEditor edit = ack.edit()
        .pushVia(identity.via(next.get().hop().transport(), branch))
        .receivedFrom(source.remote().getAddress().getHostAddress(), source.remote().getPort())
        .decrementMaxForwards();
    next.get().applyRoutes(edit);
    transport.send(next.get().hop().transport(), next.get().hop().address(), edit.encode(alloc));
  }

  /**
   * Where an in-dialog request goes (RFC 3261 §16.4, §16.6 step 6-7): every Route of ours on top is removed;
   * then the next Route (loose router) or else the Request-URI is the next hop.
   */
  Optional<NextHop> nextHop(SipRequest request) {
    List<NameAddr> routes = request.routes();
    int ours = 0;
    while (ours < routes.size() && identity.isUs(routes.get(ours).uri())) {
      ours++;
    }
    List<NameAddr> remaining = routes.subList(ours, routes.size());
    Optional<Destinations.Hop> hop = remaining.isEmpty()
        ? Destinations.forUri(request.requestUri())
        : Destinations.forUri(remaining.get(0).uri());
    if (hop.isEmpty()) {
      return Optional.empty();
    }
    if (remaining.isEmpty() && identity.isUs(request.requestUri())) {
      return Optional.empty(); // addressed to us and nowhere else to go
    }
    return Optional.of(new NextHop(hop.get(), ours, remaining));
  }

  /** The next hop of a request, and how to rewrite its Route set for it. */
  record NextHop(Destinations.Hop hop, int oursOnTop, List<NameAddr> remaining) {
    /** The Routes left after ours, as they were written. */
    List<String> remainingRoutes() {
      if (remaining.isEmpty()) {
        return List.of();
      }
      String[] raw = new String[remaining.size()];
      for (int i = 0; i < raw.length; i++) {
        raw[i] = remaining.get(i).raw();
      }
      return List.of(raw);
    }

    void applyRoutes(SipMessageEditor edit) {
      if (oursOnTop == 1) {
        edit.popRoute();
      } else if (oursOnTop > 1) {
        edit.removeHeader("Route");
        if (!remaining.isEmpty()) {
          edit.addHeader("Route", String.join(", ", remainingRoutes()));
        }
      }
    }
  }

  // ------------------------------------------------------------------------- non-INVITE in-dialog relay

  private void relayNonInvite(Shard shard, SipRequest request, InboundSource source, TransactionKey key) {
    Optional<NextHop> next = nextHop(request);
    if (next.isEmpty()) {
      answerStateless(request, source, 404, "Not Found (No Next Hop)");
      return;
    }
    new NonInviteRelay(shard, request, source, key, next.get()).start();
  }

  /** A non-INVITE request relayed in a dialog: one server and one client transaction joined back to back. */
  private final class NonInviteRelay implements ServerSide, ServerTransactionUser,
      ClientTransactionUser<SipResponse>, ClientSide {
    private final Shard shard;
    /** The request, until the final answer has gone upstream ({@link #settle}); our answers are built from it. */
    private SipRequest request;
    private final TransactionKey key;
    private final NextHop next;
    private final NonInviteServerTransaction<ByteBuf> server;
    private final InboundSource source;
    private NonInviteClientTransaction<ByteBuf, SipResponse> client;
    private TransactionKey clientKey;
    private boolean answered;
    private boolean released;

    NonInviteRelay(Shard shard, SipRequest request, InboundSource source, TransactionKey key, NextHop next) {
      this.shard = shard;
      this.request = request.retain(); // our answers (408, 500, 503) are built from it; released by settle()
      this.source = source;
      this.key = key;
      this.next = next;
      WireTransport wire = new WireTransport(transport, source.transport(), source.remote(), shard.scheduler);
      this.server = new NonInviteServerTransaction<>(config.timers(), shard.scheduler, wire,
          source.transport().isStream(), this);
      wire.onError(server::transportError);
    }

    void start() {
      if (shard.addServer(key, this) != TransactionTable.AddResult.ADDED) {
        metrics.rejected(ProxyMetrics.Rejected.OVERLOAD);
        answerStateless(request, source, 503, "Service Unavailable");
        request.release();
        released = true;
        return;
      }
      Via top = request.topVia();
      String branch = Branches.of(loopHash(request), Branches.hash(top.branch().orElse(""), top.sentBy()), 0);
      clientKey = new TransactionKey(branch, "", request.method());
      if (shard.addClient(clientKey, this) != TransactionTable.AddResult.ADDED) {
        metrics.rejected(ProxyMetrics.Rejected.OVERLOAD);
        answer(503, "Service Unavailable");
        return;
      }
      SipMessageEditor edit = request.edit()
          .pushVia(identity.via(next.hop().transport(), branch))
          .receivedFrom(source.remote().getAddress().getHostAddress(), source.remote().getPort())
          .decrementMaxForwards();
      next.applyRoutes(edit);
      WireTransport clientWire = new WireTransport(transport, next.hop().transport(), next.hop().address(),
          shard.scheduler);
      client = new NonInviteClientTransaction<>(config.timers(), shard.scheduler, clientWire,
          next.hop().transport().isStream(), edit.encode(alloc), this);
      clientWire.onError(client::transportError);
      client.start();
    }

    private void answer(int status, String reason) {
      if (!answered && !released) {
        answered = status >= 200;
        server.sendResponse(status, request.response(status, reason).encode(alloc));
        if (answered) {
          settle();
        }
      }
    }

    @Override
    public void retransmission() {
      server.receiveRequestRetransmission();
    }

    @Override
    public void abort() {
      server.abort();
      if (client != null) {
        client.abort();
      }
    }

    @Override
    public void response(SipResponse response) {
      if (client != null) {
        client.receiveResponse(response.statusCode(), response);
        lingerIfDone();
      }
    }

    /**
     * Once the final answer is upstream and both transactions only wait out timers J and K, their work goes
     * to two lingering records (the answer to re-send, the responses to absorb) and the objects go.
     */
    private void lingerIfDone() {
      TransactionState s = server.state();
      TransactionState c = client.state();
      if (!answered || (s != TransactionState.COMPLETED && s != TransactionState.TERMINATED)
          || (c != TransactionState.COMPLETED && c != TransactionState.TERMINATED)) {
        return;
      }
      if (s == TransactionState.COMPLETED) {
        shard.lingerServer(key, config.timers().timerJ(source.transport().isStream()), Lingering.RESEND,
            server.takeLastResponse(), source.transport(), source.remote());
      }
      if (c == TransactionState.COMPLETED) {
        shard.lingerClient(clientKey, config.timers().timerK(next.hop().transport().isStream()),
            Lingering.ABSORB, null, null, null);
      }
      abort();
    }

    @Override
    public void response(int status, SipResponse response) {
      if (answered) {
        return;
      }
      answered = status >= 200;
      server.sendResponse(status, response.edit().popVia().encode(alloc));
      if (answered) {
        settle();
      }
    }

    /** The final answer went upstream: the server transaction re-sends it from its own copy (timer J). */
    private void settle() {
      if (!released) {
        released = true;
        request.release();
      }
      request = null;
      shard.settled(this);
    }

    @Override
    public boolean isTerminated() {
      return server.isTerminated() && (client == null || client.isTerminated());
    }

    @Override
    public void timedOut() {
      answer(408, "Request Timeout");
    }

    @Override
    public void transportFailed() {
      // RFC 3261 §16.9: as if the next hop answered 503, which a proxy passes upstream as 500 (§16.7 step 6)
      answer(500, "Next Hop Unreachable");
    }

    @Override
    public void terminated() {
      if (server.isTerminated()) {
        shard.servers.remove(key, this);
      }
      if (client != null && client.isTerminated()) {
        shard.clients.remove(clientKey, this);
      }
      if (!released && server.isTerminated() && (client == null || client.isTerminated())) {
        released = true;
        request.release();
      }
    }
  }

  // ------------------------------------------------------------------------------------- responses

  private void onResponse(Shard shard, SipResponse response) {
    Via top = response.topVia();
    if (!identity.isOurs(top)) {
      return; // not sent by us (RFC 3261 §18.1.2: discard)
    }
    Optional<String> branch = top.branch();
    if (branch.isPresent()) {
      TransactionKey key = new TransactionKey(branch.get(), "", response.cseq().method());
      Optional<ClientSide> client = shard.clients.find(key);
      if (client.isPresent()) {
        client.get().response(response);
        return;
      }
      if (shard.lingeringResponse(key, response)) {
        return;
      }
    }
    forwardResponseStatelessly(response);
  }

  /** RFC 3261 §16.7 step 3-9 without a transaction (a 2xx retransmission after ours ended): by Via. */
  void forwardResponseStatelessly(SipResponse response) {
    List<Via> vias = response.vias();
    if (vias.size() < 2) {
      return;
    }
    Optional<Destinations.Hop> hop = Destinations.forResponse(vias.get(1));
    if (hop.isEmpty()) {
      return;
    }
    transport.send(hop.get().transport(), hop.get().address(), response.edit().popVia().encode(alloc));
  }

  // ------------------------------------------------------------------------------------- answering

  /** Sends {@code octets} back to where {@code request} came from. */
  public void answer(SipRequest request, InboundSource source, ByteBuf octets) {
    transport.send(source.transport(), source.remote(), octets);
  }

  public void answerStateless(SipRequest request, InboundSource source, int status, String reason) {
    answer(request, source, request.response(status, reason).encode(alloc));
  }
}
