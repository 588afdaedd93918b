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
import ai.oneinbox.edge.sip.transaction.TimerScheduler;
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
import java.util.ArrayList;
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
 * <p>Nothing leaves the process: the private core has its own routing table ({@link #NUMBERS} numbers, one
 * agent), an in-memory transport that drops what it is given, its own meter registry, no call log, and
 * timers fired at the end of each call. Bounded by a call count and a time budget.
 *
 * <p>The calls dial every number of the table in turn, and one in {@link #UNKNOWN_EVERY} dials a number it
 * does not have (404): a branch the warm-up never takes is compiled by C2 as a trap, and the first real
 * call that takes it (a lookup probing past a segment's end, a miss) deoptimises the compiled call path
 * around it, which C2 then compiles again while the node takes calls (docs/PERFORMANCE.md, Fourth look).
 */
final class ProxyWarmUp {
  private static final InetSocketAddress TRUNK = new InetSocketAddress("192.0.2.10", 5060);
  private static final InetSocketAddress AGENT = new InetSocketAddress("192.0.2.20", 5080);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("192.0.2.1", 5060);

  /** Numbers of the private table: enough for lookups that probe, wrap and find every kind of slot. */
  static final int NUMBERS = 2048;
  /** One call in this many dials a number the table does not have. */
  static final int UNKNOWN_EVERY = 64;
  private static final long FIRST_NUMBER = 15550000001L;

  private ProxyWarmUp() {}

  /** Inline execution; timers kept until {@link #fireAll}, which ends every transaction of the call. */
  private static final class Timers implements TimerScheduler {
    final List<Runnable[]> pending = new ArrayList<>();

    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
      Runnable[] slot = {task};
      pending.add(slot);
      return () -> slot[0] = null;
    }

    void fireAll() {
      for (int round = 0; round < 8 && !pending.isEmpty(); round++) {
        List<Runnable[]> now = new ArrayList<>(pending);
        pending.clear();
        for (Runnable[] slot : now) {
          if (slot[0] != null) {
            slot[0].run();
          }
        }
      }
      pending.clear();
    }
  }

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

  /** Drops every message; remembers the last INVITE sent to the agent (its Vias are echoed back). */
  private static final class Sink implements Transport {
    String lastInviteToAgent = "";
    String lastToAgent = "";

    @Override
    public CompletionStage<Void> send(TransportKind transport, InetSocketAddress destination, ByteBuf message) {
      try {
        if (destination.equals(AGENT)) {
          lastToAgent = message.toString(StandardCharsets.UTF_8);
          if (lastToAgent.startsWith("INVITE ")) {
            lastInviteToAgent = lastToAgent;
          }
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
  }

  /** Runs up to {@code maxCalls} synthetic calls within {@code budget}; returns how many ran. */
  static int run(SipEdgeConfig config, ByteBufAllocator alloc, int maxCalls, Duration budget) {
    RoutingTable table = RoutingTable.empty();
    Snapshot.Builder numbers = Snapshot.builder(1)
        .agent(new Agent("warm-up-agent", List.of("sip:agent@192.0.2.20:5080"), 0, Optional.empty(), true));
    for (int i = 0; i < NUMBERS; i++) {
      numbers.number(new NumberRoute(E164.of(FIRST_NUMBER + i), "warm-up-agent",
          Optional.of(InboundRouting.DEFAULT), Ownership.SANDBOX));
    }
    table.replace(numbers.build());
    SipEdgeConfig warm = config.withExtraTrunkCidrs(List.of("192.0.2.0/24"));
    Sink sink = new Sink();
    Timers timers = new Timers();
    LocalIdentity identity = new LocalIdentity("192.0.2.1", Map.of(TransportKind.UDP, 5060), Set.of());
    // the meters' clock moves a second per call, so their time windows (a timer's max) rotate during the
    // warm-up as they do on a node that has run for minutes: the rotation is another branch to see first
    SecondPerCall clock = new SecondPerCall();
    ProxyCore core = new ProxyCore(warm, table, new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock), sink,
        identity, List.of(timers), alloc, System::nanoTime);
    core.quiet = true;
    InboundSource fromTrunk = new InboundSource(TransportKind.UDP, TRUNK, LOCAL);
    InboundSource fromAgent = new InboundSource(TransportKind.UDP, AGENT, LOCAL);
    long deadline = System.nanoTime() + budget.toNanos();
    int calls = 0;
    while (calls < maxCalls && System.nanoTime() < deadline) {
      call(core, sink, alloc, fromTrunk, fromAgent, calls++);
      timers.fireAll();
      clock.tick();
    }
    core.abortAll();
    return calls;
  }

  private static void call(ProxyCore core, Sink sink, ByteBufAllocator alloc, InboundSource fromTrunk,
      InboundSource fromAgent, int n) {
    String callId = "warm-up-" + n;
    String from = "From: <sip:+12025550100@192.0.2.10>;tag=w" + n + "\r\n";
    // the unknown number is the one after the table's last; its 404 transaction ends when timers fire
    String number = "+" + (FIRST_NUMBER + (n % UNKNOWN_EVERY == UNKNOWN_EVERY - 1 ? NUMBERS : n % NUMBERS));
    sink.lastInviteToAgent = "";
    deliver(core, alloc, fromTrunk, "INVITE sip:" + number + "@192.0.2.1:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-w" + n + ";rport\r\n"
        + "Max-Forwards: 70\r\n" + from
        + "To: <sip:" + number + "@192.0.2.1>\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
        + "Contact: <sip:+12025550100@192.0.2.10:5060>\r\n"
        + "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n");
    String invite = sink.lastInviteToAgent;
    int viaStart = invite.indexOf("Via: ");
    int viaEnd = invite.indexOf("Max-Forwards: ");
    if (viaStart < 0 || viaEnd < viaStart) {
      return;
    }
    String answer = invite.substring(viaStart, viaEnd) + from
        + "To: <sip:" + number + "@192.0.2.1>;tag=a" + n + "\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n";
    deliver(core, alloc, fromAgent, "SIP/2.0 100 Trying\r\n" + answer + "Content-Length: 0\r\n\r\n");
    deliver(core, alloc, fromAgent, "SIP/2.0 180 Ringing\r\n" + answer
        + "Contact: <sip:agent@192.0.2.20:5080>\r\nContent-Length: 0\r\n\r\n");
    deliver(core, alloc, fromAgent, "SIP/2.0 200 OK\r\n" + answer
        + "Contact: <sip:agent@192.0.2.20:5080>\r\nContent-Length: 0\r\n\r\n");
    String dialog = from + "To: <sip:" + number + "@192.0.2.1>;tag=a" + n + "\r\nCall-ID: " + callId + "\r\n";
    deliver(core, alloc, fromTrunk, "ACK sip:agent@192.0.2.20:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-wa" + n + ";rport\r\n"
        + "Route: <sip:192.0.2.1:5060;lr>\r\nMax-Forwards: 70\r\n" + dialog
        + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    deliver(core, alloc, fromTrunk, "BYE sip:agent@192.0.2.20:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-wb" + n + ";rport\r\n"
        + "Route: <sip:192.0.2.1:5060;lr>\r\nMax-Forwards: 70\r\n" + dialog
        + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
    String bye = sink.lastToAgent;
    int byeVias = bye.indexOf("Via: ");
    int byeEnd = bye.indexOf("Max-Forwards: ");
    if (bye.startsWith("BYE ") && byeVias >= 0 && byeEnd > byeVias) {
      deliver(core, alloc, fromAgent, "SIP/2.0 200 OK\r\n" + bye.substring(byeVias, byeEnd) + dialog
          + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
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
