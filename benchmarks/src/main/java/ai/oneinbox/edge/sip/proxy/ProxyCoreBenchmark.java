package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.message.SipParser;
import ai.oneinbox.edge.sip.transaction.VirtualScheduler;
import ai.oneinbox.edge.sip.transport.InboundSource;
import ai.oneinbox.edge.sip.transport.Transport;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The proxy core's CPU per call, sockets excluded: one whole call as the edge sees it — the trunk's
 * INVITE (parsed by the codec, trunk check, routing, 100 Trying, the forwarded INVITE), the agent's 100,
 * 180 and 200 (each matched and relayed upstream), the trunk's ACK (routed end to end), the trunk's BYE
 * and the agent's 200 for it — on virtual time that moves 1 ms per call: the finished calls linger for
 * their RFC 3261/6026 timers (32 s) as on a node taking 1,000 calls/s, so the lingering set and its
 * passes are at their steady size. The "network" is a sink that counts octets and releases them.
 *
 * <pre>
 * mvn -o -q -B -pl routing-engine,sip-edge,benchmarks package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar ProxyCoreBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s
 * </pre>
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = "-Dio.netty.leakDetection.samplingInterval=1024") // the product's (config/jvm.options)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProxyCoreBenchmark {
  private static final InetSocketAddress TRUNK = new InetSocketAddress("10.9.0.1", 5060);
  private static final InetSocketAddress AGENT = new InetSocketAddress("10.0.0.1", 5080);
  private static final InboundSource FROM_TRUNK =
      new InboundSource(TransportKind.UDP, TRUNK, new InetSocketAddress("10.0.0.254", 5060));
  private static final InboundSource FROM_AGENT =
      new InboundSource(TransportKind.UDP, AGENT, new InetSocketAddress("10.0.0.254", 5060));

  private ProxyCore core;
  private Sink sink;
  private VirtualScheduler timers;
  private long call;

  /** Counts what the proxy sends; keeps the last request it forwarded to the agent (the agent answers it). */
  static final class Sink implements Transport {
    long octets;
    String lastToAgent;

    @Override
    public CompletionStage<Void> send(TransportKind transport, InetSocketAddress destination, ByteBuf message) {
      octets += message.readableBytes();
      if (destination.equals(AGENT) && message.getByte(0) != 'S') {
        lastToAgent = message.toString(StandardCharsets.UTF_8);
      }
      message.release();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Optional<InetSocketAddress> localAddress(TransportKind transport) {
      return Optional.of(new InetSocketAddress("10.0.0.254", 5060));
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    Snapshot.Builder b = Snapshot.builder(1);
    b.agent(new Agent("agent-1", List.of("sip:agent-1@10.0.0.1:5080"), 0, Optional.empty(), true));
    Ownership twilio = new Ownership(Provider.TWILIO, Optional.of("integration-1"), Optional.empty(),
        Optional.of("AC0123456789abcdef0123456789abcdef"), Optional.empty());
    for (int i = 0; i < 10_000; i++) {
      b.number(new NumberRoute(E164.of(14_155_000_000L + i), "agent-1", Optional.of(InboundRouting.DEFAULT),
          twilio));
    }
    RoutingTable table = RoutingTable.empty();
    table.replace(b.build());
    SipEdgeConfig config = SipEdgeConfig.defaults().withExtraTrunkCidrs(List.of("10.9.0.0/16"));
    sink = new Sink();
    timers = new VirtualScheduler();
    LocalIdentity identity = new LocalIdentity("10.0.0.254", Map.of(TransportKind.UDP, 5060), Set.of());
    core = new ProxyCore(config, table, new SimpleMeterRegistry(), sink, identity, List.of(timers),
        PooledByteBufAllocator.DEFAULT, () -> timers.now().toNanos());
    org.slf4j.LoggerFactory.getLogger(ProxyCoreBenchmark.class); // logging initialised outside the loop
  }

  private static void deliver(ProxyCore core, String text, InboundSource source) {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(text.length());
    buf.writeCharSequence(text, StandardCharsets.US_ASCII);
    SipMessage message = (SipMessage) SipParser.parse(buf, SipLimits.DEFAULTS);
    buf.release(); // the message holds its own retained slice
    try {
      core.onMessage(message, source);
    } finally {
      message.release();
    }
  }

  /** One call through the proxy: 7 messages in, 7 out; then 1 ms of virtual time (timers due fire). */
  @Benchmark
  public void call(Blackhole bh) {
    long n = call++;
    String callId = "bench-" + n;
    String number = "+" + (14_155_000_000L + (n % 10_000));
    String from = "From: \"+12125550199\" <sip:+12125550199@10.9.0.1:5060>;tag=tw" + n + "\r\n";
    String to = "To: <sip:" + number + "@10.0.0.254:5060>";
    deliver(core, "INVITE sip:" + number + "@10.0.0.254:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-" + n + ";rport\r\n"
        + from + to + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 101 INVITE\r\n"
        + "Contact: <sip:+12125550199@10.9.0.1:5060>\r\n"
        + "Max-Forwards: 70\r\n"
        + "User-Agent: Twilio Gateway\r\n"
        + "X-Twilio-AccountSid: AC0123456789abcdef0123456789abcdef\r\n"
        + "Content-Type: application/sdp\r\n"
        + "Content-Length: 0\r\n\r\n", FROM_TRUNK);
    String common = vias(sink.lastToAgent) + from + to + ";tag=ag" + n + "\r\n"
        + "Call-ID: " + callId + "\r\nCSeq: 101 INVITE\r\n";
    deliver(core, "SIP/2.0 100 Trying\r\n" + common + "Content-Length: 0\r\n\r\n", FROM_AGENT);
    deliver(core, "SIP/2.0 180 Ringing\r\n" + common + "Record-Route: <sip:10.0.0.254:5060;lr>\r\n"
        + "Contact: <sip:agent-1@10.0.0.1:5080>\r\nContent-Length: 0\r\n\r\n", FROM_AGENT);
    deliver(core, "SIP/2.0 200 OK\r\n" + common + "Record-Route: <sip:10.0.0.254:5060;lr>\r\n"
        + "Contact: <sip:agent-1@10.0.0.1:5080>\r\nContent-Length: 0\r\n\r\n", FROM_AGENT);
    String dialog = from + to + ";tag=ag" + n + "\r\nCall-ID: " + callId + "\r\n";
    deliver(core, inDialog("ACK", "ack" + n, dialog, "101 ACK"), FROM_TRUNK);
    deliver(core, inDialog("BYE", "bye" + n, dialog, "102 BYE"), FROM_TRUNK);
    deliver(core, "SIP/2.0 200 OK\r\n" + vias(sink.lastToAgent) + dialog + "CSeq: 102 BYE\r\nContent-Length: 0\r\n\r\n",
        FROM_AGENT);
    timers.advance(Duration.ofMillis(1));
    bh.consume(sink.octets);
  }

  /** The trunk's in-dialog request, routed through us to the agent's Contact. */
  private static String inDialog(String method, String branch, String dialog, String cseq) {
    return method + " sip:agent-1@10.0.0.1:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-" + branch + ";rport\r\n"
        + "Route: <sip:10.0.0.254:5060;lr>\r\n"
        + dialog + "CSeq: " + cseq + "\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  }

  private static String vias(String request) {
    return request.substring(request.indexOf("Via: "), request.indexOf("From: "));
  }
}
