package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.message.SipParseResult;
import ai.oneinbox.edge.sip.message.SipParser;
import ai.oneinbox.edge.sip.transaction.VirtualScheduler;
import ai.oneinbox.edge.sip.transport.InboundSource;
import ai.oneinbox.edge.sip.transport.Transport;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Runs synthetic calls through a private proxy core before the edge takes traffic, so that the JIT has
 * compiled the call path (codec, routing, transactions, proxy) when the first real INVITE arrives. Measured
 * on this project's machine: the first ~10,000 calls of a cold JVM cost 5–10× the CPU of later ones, enough
 * to make a freshly restarted node time out calls under load (docs/PERFORMANCE.md, "SIP edge (proxy)").
 *
 * <p>Nothing leaves the process: the private core has its own routing table ({@link #NUMBERS} numbers, a
 * primary and a fallback agent, a voicemail service), an in-memory transport that drops what it is given,
 * its own meter registry, no call log, and timers on a virtual clock that the warm-up moves itself. Bounded
 * by a call count and a time budget.
 *
 * <p>A branch the warm-up never takes is compiled by C2 as a trap, and the first real call that takes it
 * deoptimises the compiled call path around it, which C2 then compiles again while the node takes calls
 * (docs/PERFORMANCE.md, Fourth look). Under overload that is exactly when there is no CPU to spare, so the
 * calls are a mix ({@link Kind}) of the plain call and the paths a loaded or failing network takes:
 * retransmissions on both sides, a 503 then the fallback, a silent agent's provisional timeout and the late
 * leg's CANCEL, the caller's CANCEL, a busy agent, voicemail after both agents failed, an unknown number.
 * Every call checks the final status the trunk got; {@link Result#unexpected} counts those that differed.
 */
final class ProxyWarmUp {
  private static final InetSocketAddress TRUNK = new InetSocketAddress("192.0.2.10", 5060);
  private static final InetSocketAddress AGENT = new InetSocketAddress("192.0.2.20", 5080);
  private static final InetSocketAddress FALLBACK = new InetSocketAddress("192.0.2.21", 5080);
  private static final InetSocketAddress VOICEMAIL = new InetSocketAddress("192.0.2.22", 5090);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("192.0.2.1", 5060);

  /** Numbers of the private table: enough for lookups that probe, wrap and find every kind of slot. */
  static final int NUMBERS = 2048;
  private static final long FIRST_NUMBER = 15550000001L;

  /** What a call does, and the final status the trunk must get for it. */
  enum Kind {
    PLAIN(200),
    /** The trunk re-sends its INVITE and BYE, the agent its 200s, our timer A re-sends to the agent. */
    RETRANSMITTED(200),
    /** The primary answers 503: ACKed hop by hop, the fallback takes the call. */
    PRIMARY_503(200),
    /** The primary is silent past the provisional timeout, then rings late and is CANCELled. */
    PRIMARY_SILENT(200),
    /** The caller CANCELs while the agent rings. */
    CALLER_CANCEL(487),
    /** The agent is busy: a final answer that is not failed over. */
    BUSY(486),
    /** Both agents fail; the voicemail service answers. */
    VOICEMAIL(200),
    /** A number the table does not have. */
    UNKNOWN(404);

    final int expectedStatus;

    Kind(int expectedStatus) {
      this.expectedStatus = expectedStatus;
    }

    /** One call in eight is plain and failure-free; the others take each path in turn (1 in 16 each). */
    static Kind of(int n) {
      int k = n % 16;
      return k < 9 ? PLAIN : values()[k - 8];
    }
  }

  /** How many calls ran, of each kind, and how many ended with another final status than expected. */
  record Result(int calls, Map<Kind, Integer> byKind, int unexpected) {}

  private ProxyWarmUp() {}

  /** The warm-up meters' clock: starts at the real time and moves one second at each {@link #tick}. */
  private static final class SecondPerCall implements Clock {
    private final long wallStart = System.currentTimeMillis();
    private final long monotonicStart = System.nanoTime();
    private long seconds;

    void tick() {
      seconds++;
    }

    @Override
    public long wallTime() {
      return wallStart + TimeUnit.SECONDS.toMillis(seconds);
    }

    @Override
    public long monotonicTime() {
      return monotonicStart + TimeUnit.SECONDS.toNanos(seconds);
    }
  }

  /**
   * Drops every message; remembers the last request sent to each peer (a response echoes its Vias) and the
   * last final status of an INVITE sent to the trunk.
   */
  private static final class Sink implements Transport {
    final Map<InetSocketAddress, String> lastRequest = new HashMap<>();
    int finalToTrunk;

    @Override
    public CompletionStage<Void> send(TransportKind transport, InetSocketAddress destination, ByteBuf message) {
      try {
        if (destination.equals(TRUNK)) {
          if (message.readableBytes() > 12 && message.getByte(message.readerIndex()) == 'S'
              && message.toString(StandardCharsets.US_ASCII).contains("\r\nCSeq: 1 INVITE\r\n")) {
            int status = Integer.parseInt(message.toString(message.readerIndex() + 8, 3,
                StandardCharsets.US_ASCII));
            if (status >= 200) {
              finalToTrunk = status;
            }
          }
        } else if (message.getByte(message.readerIndex()) != 'S') {
          lastRequest.put(destination, message.toString(StandardCharsets.UTF_8));
        }
      } finally {
        message.release();
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<InetSocketAddress> localAddress(TransportKind transport) {
      return Optional.of(LOCAL);
    }

    /** The last request to {@code peer} if it starts with {@code method}, else null. */
    String last(InetSocketAddress peer, String method) {
      String request = lastRequest.get(peer);
      return request != null && request.startsWith(method + " ") ? request : null;
    }
  }

  /** Runs up to {@code maxCalls} synthetic calls within {@code budget}. */
  static Result run(SipEdgeConfig config, ByteBufAllocator alloc, int maxCalls, Duration budget) {
    RoutingTable table = RoutingTable.empty();
    Snapshot.Builder numbers = Snapshot.builder(1)
        .agent(new Agent("warm-up-agent", List.of("sip:agent@192.0.2.20:5080"), 0, Optional.empty(), true))
        .agent(new Agent("warm-up-fallback", List.of("sip:fallback@192.0.2.21:5080"), 0, Optional.empty(),
            true));
    InboundRouting withFallback = new InboundRouting(Optional.empty(), Optional.of("warm-up-fallback"),
        Optional.of("Please leave a message, warm-up."));
    for (int i = 0; i < NUMBERS; i++) {
      // even numbers have a fallback and a voicemail message, odd ones the defaults
      numbers.number(new NumberRoute(E164.of(FIRST_NUMBER + i), "warm-up-agent",
          Optional.of(i % 2 == 0 ? withFallback : InboundRouting.DEFAULT), Ownership.SANDBOX));
    }
    table.replace(numbers.build());
    SipEdgeConfig warm = config.withExtraTrunkCidrs(List.of("192.0.2.0/24"))
        .withVoicemailUri("sip:vm@192.0.2.22:5090");
    Sink sink = new Sink();
    VirtualScheduler timers = new VirtualScheduler();
    LocalIdentity identity = new LocalIdentity("192.0.2.1", Map.of(TransportKind.UDP, 5060), Set.of());
    // the meters' clock moves a second per call, so their time windows (a timer's max) rotate during the
    // warm-up as they do on a node that has run for minutes: the rotation is another branch to see first
    SecondPerCall clock = new SecondPerCall();
    ProxyCore core = new ProxyCore(warm, table, new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock), sink,
        identity, List.of(timers), alloc, () -> timers.now().toNanos());
    core.quiet = true;
    Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);
    long deadline = System.nanoTime() + budget.toNanos();
    int calls = 0;
    int unexpected = 0;
    try {
      while (calls < maxCalls && System.nanoTime() < deadline) {
        Kind kind = Kind.of(calls);
        sink.finalToTrunk = 0;
        sink.lastRequest.clear();
        new Call(core, sink, timers, alloc, kind, calls).run();
        timers.advance(Duration.ofMinutes(5)); // every transaction of the call ends (timer C is 3 minutes)
        clock.tick();
        byKind.merge(kind, 1, Integer::sum);
        if (sink.finalToTrunk != kind.expectedStatus) {
          unexpected++;
        }
        calls++;
      }
    } finally {
      core.abortAll();
    }
    return new Result(calls, byKind, unexpected);
  }

  /** One synthetic call: the trunk's side and the agents' side, as SIP text. */
  private static final class Call {
    private final ProxyCore core;
    private final Sink sink;
    private final VirtualScheduler timers;
    private final ByteBufAllocator alloc;
    private final Kind kind;
    private final int n;
    private final String number;
    private final String from;
    private final String callId;
    private final InboundSource fromTrunk = new InboundSource(TransportKind.UDP, TRUNK, LOCAL);

    Call(ProxyCore core, Sink sink, VirtualScheduler timers, ByteBufAllocator alloc, Kind kind, int n) {
      this.core = core;
      this.sink = sink;
      this.timers = timers;
      this.alloc = alloc;
      this.kind = kind;
      this.n = n;
      int index = switch (kind) {
        case UNKNOWN -> NUMBERS; // the one after the table's last
        case PRIMARY_503, PRIMARY_SILENT, VOICEMAIL -> (n % NUMBERS) & ~1; // a number with a fallback
        default -> n % NUMBERS;
      };
      this.number = "+" + (FIRST_NUMBER + index);
      this.from = "From: <sip:+12025550100@192.0.2.10>;tag=w" + n + "\r\n";
      this.callId = "warm-up-" + n;
    }

    void run() {
      String invite = "INVITE sip:" + number + "@192.0.2.1:5060 SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-w" + n + ";rport\r\n"
          + "Max-Forwards: 70\r\n" + from
          + "To: <sip:" + number + "@192.0.2.1>\r\n"
          + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
          + "Contact: <sip:+12025550100@192.0.2.10:5060>\r\n"
          + "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n";
      fromTrunk(invite);
      switch (kind) {
        case PLAIN -> answerAndHangUp(AGENT, "a", false);
        case RETRANSMITTED -> {
          fromTrunk(invite);
          timers.advance(Duration.ofMillis(600)); // our timer A re-sends the INVITE to the agent
          answerAndHangUp(AGENT, "a", true);
        }
        case PRIMARY_503 -> {
          respond(AGENT, "INVITE", 503, "Service Unavailable", "a", "");
          answerAndHangUp(FALLBACK, "f", false);
        }
        case PRIMARY_SILENT -> {
          String first = sink.last(AGENT, "INVITE");
          timers.advance(core.config.failover().provisionalTimeout()); // on to the fallback
          if (first != null) {
            agent(AGENT, response(first, 180, "Ringing", "late", contact(AGENT))); // late: CANCELled
            respond(AGENT, "CANCEL", 200, "OK", "late", "");
            agent(AGENT, response(first, 487, "Request Terminated", "late", ""));
          }
          answerAndHangUp(FALLBACK, "f", false);
        }
        case CALLER_CANCEL -> {
          respond(AGENT, "INVITE", 180, "Ringing", "a", contact(AGENT));
          fromTrunk("CANCEL sip:" + number + "@192.0.2.1:5060 SIP/2.0\r\n"
              + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-w" + n + ";rport\r\n"
              + "Max-Forwards: 70\r\n" + from + "To: <sip:" + number + "@192.0.2.1>\r\n"
              + "Call-ID: " + callId + "\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
          respond(AGENT, "CANCEL", 200, "OK", "a", "");
          agentFinal(AGENT, 487, "Request Terminated", "a");
          ackFailure("a");
        }
        case BUSY -> {
          respond(AGENT, "INVITE", 100, "Trying", "", "");
          agentFinal(AGENT, 486, "Busy Here", "a");
          ackFailure("a");
        }
        case VOICEMAIL -> {
          respond(AGENT, "INVITE", 503, "Service Unavailable", "a", "");
          respond(FALLBACK, "INVITE", 500, "Server Internal Error", "f", "");
          answerAndHangUp(VOICEMAIL, "v", false);
        }
        case UNKNOWN -> ackFailure("");
      }
    }

    /** The INVITE {@code peer} got is answered 180 and 200; the trunk ACKs and hangs up. */
    private void answerAndHangUp(InetSocketAddress peer, String tag, boolean retransmit) {
      String invite = sink.last(peer, "INVITE");
      if (invite == null) {
        return;
      }
      String ok = response(invite, 200, "OK", tag, contact(peer));
      agent(peer, response(invite, 100, "Trying", "", ""));
      agent(peer, response(invite, 180, "Ringing", tag, contact(peer)));
      agent(peer, ok);
      if (retransmit) {
        agent(peer, ok); // forwarded upstream again: the caller's ACK may have been lost
      }
      String user = peer == AGENT ? "agent" : peer == FALLBACK ? "fallback" : "vm";
      String target = "sip:" + user + "@" + peer.getHostString() + ":" + peer.getPort();
      String dialog = from + "To: <sip:" + number + "@192.0.2.1>;tag=" + tag + "\r\nCall-ID: " + callId + "\r\n";
      fromTrunk("ACK " + target + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-wa" + n + ";rport\r\n"
          + "Route: <sip:192.0.2.1:5060;lr>\r\nMax-Forwards: 70\r\n" + dialog
          + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
      String bye = "BYE " + target + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-wb" + n + ";rport\r\n"
          + "Route: <sip:192.0.2.1:5060;lr>\r\nMax-Forwards: 70\r\n" + dialog
          + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
      fromTrunk(bye);
      if (retransmit) {
        fromTrunk(bye);
      }
      String relayed = sink.last(peer, "BYE");
      if (relayed != null) {
        String byeOk = response(relayed, 200, "OK", "", "");
        agent(peer, byeOk);
        if (retransmit) {
          agent(peer, byeOk); // absorbed: the BYE's client transaction has its answer
        }
      }
    }

    /** The INVITE {@code peer} got fails with {@code status}, and the agent re-sends it once (re-ACKed). */
    private void agentFinal(InetSocketAddress peer, int status, String reason, String tag) {
      String invite = sink.last(peer, "INVITE");
      if (invite != null) {
        String failure = response(invite, status, reason, tag, "");
        agent(peer, failure);
        agent(peer, failure);
      }
    }

    /** The trunk's hop-by-hop ACK of a failure: absorbed by our server transaction. */
    private void ackFailure(String tag) {
      fromTrunk("ACK sip:" + number + "@192.0.2.1:5060 SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-w" + n + ";rport\r\n"
          + "Max-Forwards: 70\r\n" + from + "To: <sip:" + number + "@192.0.2.1>"
          + (tag.isEmpty() ? "" : ";tag=" + tag) + "\r\n"
          + "Call-ID: " + callId + "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    }

    /** {@code peer} answers the last {@code method} request it got, if it got one. */
    private void respond(InetSocketAddress peer, String method, int status, String reason, String tag,
        String extra) {
      String request = sink.last(peer, method);
      if (request != null) {
        agent(peer, response(request, status, reason, tag, extra));
      }
    }

    private static String contact(InetSocketAddress peer) {
      String user = peer == AGENT ? "agent" : peer == FALLBACK ? "fallback" : "vm";
      return "Contact: <sip:" + user + "@" + peer.getHostString() + ":" + peer.getPort() + ">\r\n";
    }

    /** A response to {@code request}: its Vias, Record-Routes, From, To (tagged), Call-ID and CSeq. */
    private static String response(String request, int status, String reason, String toTag, String extra) {
      StringBuilder b = new StringBuilder(request.length()).append("SIP/2.0 ").append(status).append(' ')
          .append(reason).append("\r\n");
      int end = request.indexOf("\r\n\r\n");
      for (String line : request.substring(0, end < 0 ? request.length() : end).split("\r\n")) {
        if (line.startsWith("To: ")) {
          b.append(line);
          if (!toTag.isEmpty() && !line.contains(";tag=")) {
            b.append(";tag=").append(toTag);
          }
          b.append("\r\n");
        } else if (line.startsWith("Via: ") || line.startsWith("Record-Route: ") || line.startsWith("From: ")
            || line.startsWith("Call-ID: ") || line.startsWith("CSeq: ")) {
          b.append(line).append("\r\n");
        }
      }
      return b.append(extra).append("Content-Length: 0\r\n\r\n").toString();
    }

    private void fromTrunk(String text) {
      deliver(core, alloc, fromTrunk, text);
    }

    private void agent(InetSocketAddress peer, String text) {
      deliver(core, alloc, new InboundSource(TransportKind.UDP, peer, LOCAL), text);
    }
  }

  private static void deliver(ProxyCore core, ByteBufAllocator alloc, InboundSource source, String text) {
    ByteBuf buf = alloc.buffer(text.length());
    buf.writeCharSequence(text, StandardCharsets.US_ASCII);
    SipParseResult result;
    try {
      result = SipParser.parse(buf, SipLimits.DEFAULTS);
    } finally {
      buf.release(); // a parsed message holds its own retained slice
    }
    if (result instanceof SipMessage message) {
      try {
        core.onMessage(message, source);
      } finally {
        message.release();
      }
    }
  }
}
