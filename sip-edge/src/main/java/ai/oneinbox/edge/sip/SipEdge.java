package ai.oneinbox.edge.sip;

import ai.oneinbox.edge.routing.Availability;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.sip.proxy.LocalIdentity;
import ai.oneinbox.edge.sip.outbound.OutboundConfig;
import ai.oneinbox.edge.sip.proxy.CallLog;
import ai.oneinbox.edge.sip.proxy.LoadShedder;
import ai.oneinbox.edge.sip.proxy.ProxyCore;
import ai.oneinbox.edge.sip.transaction.LockingScheduler;
import ai.oneinbox.edge.sip.transaction.TimerScheduler;
import ai.oneinbox.edge.sip.transport.InboundSource;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.message.SipParseError;
import ai.oneinbox.edge.sip.transport.SipMessageHandler;
import ai.oneinbox.edge.sip.transport.SipTransports;
import ai.oneinbox.edge.sip.transport.TransportKind;
import ai.oneinbox.edge.sip.transport.UdpSocketDrops;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP edge: the transports (UDP, TCP, TLS) and the proxy core behind them, started together.
 *
 * <pre>{@code
 * SipEdge edge = SipEdge.start(config, table, registry);   // bound and ready when it returns
 * ...
 * edge.drain();   // on SIGTERM: OPTIONS and new INVITEs get 503 + Retry-After, calls in flight finish
 * edge.close();   // unbind, stop the threads
 * }</pre>
 *
 * <p>Threads: the transports' event loops read and write sockets and run the proxy for each message they
 * read, under the lock of the message's shard (chosen by Call-ID, so a call's messages never run at the same
 * time); one timer-wheel thread ({@code sip-timers}) fires the transactions' timers under the same locks;
 * a small group ({@code sip-proxy-N}) runs the periodic work (health probes, session bound).
 */
public final class SipEdge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SipEdge.class);
  /** Synthetic calls run through a private proxy core before binding, so the first real ones are not slow. */
  private static final int WARM_UP_CALLS = 5_000;
  /** The timer wheel's tick: the resolution of every SIP timer. */
  private static final int TIMER_TICK_MILLIS = 20;
  private static final Duration WARM_UP_BUDGET = Duration.ofSeconds(3);

  private final SipTransports transports;
  private final DefaultEventLoopGroup workers;
  private final HashedWheelTimer wheel;
  private final ProxyCore core;

  private SipEdge(SipTransports transports, DefaultEventLoopGroup workers, HashedWheelTimer wheel,
      ProxyCore core) {
    this.transports = transports;
    this.workers = workers;
    this.wheel = wheel;
    this.core = core;
  }

  /** Binds the listeners and starts the proxy; returns when both are ready. */
  public static SipEdge start(SipEdgeConfig config, RoutingTable table, MeterRegistry registry) {
    return start(config, OutboundConfig.defaults(), table, registry);
  }

  /** As {@link #start(SipEdgeConfig, RoutingTable, MeterRegistry)}, with the {@code outbound} section. */
  public static SipEdge start(SipEdgeConfig config, OutboundConfig outbound, RoutingTable table,
      MeterRegistry registry) {
    long warmStart = System.nanoTime();
    int warmed = ProxyCore.warmUp(config, PooledByteBufAllocator.DEFAULT, WARM_UP_CALLS, WARM_UP_BUDGET);
    LOG.info("proxy warmed up with {} synthetic calls in {} ms", warmed,
        (System.nanoTime() - warmStart) / 1_000_000);
    int threads = Runtime.getRuntime().availableProcessors();
    DefaultEventLoopGroup workers = new DefaultEventLoopGroup(1, new DefaultThreadFactory("sip-proxy"));
    Deferred handler = new Deferred();
    SipTransports transports;
    try {
      transports = SipTransports.start(config.transportConfig(), handler);
    } catch (InterruptedException e) {
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding the SIP listeners", e);
    } catch (RuntimeException e) {
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
    // Shards serialise by lock: a message is handled on the I/O thread that read it (no hand-off), timers
    // on the timer wheel's thread. Four shards per core keep two I/O threads from meeting on one lock.
    // 2,048 ticks of 20 ms: one turn (41 s) holds the longest transaction timers (64*T1 = 32 s), so each
    // timeout is visited once when due instead of once per turn (512 ticks made a 32 s timer be looked at on
    // six turns, with ~10 timers per call pending at thousands of calls/s). The tick is the timers'
    // resolution and the wheel thread's wake-ups a second whatever the load: 20 ms is 1/25 of T1 (Kamailio's
    // timers tick every 62.5 ms), and half the wake-ups of 10 ms (docs/PERFORMANCE.md, "Seventh look").
    HashedWheelTimer wheel = new HashedWheelTimer(new DefaultThreadFactory("sip-timers"), TIMER_TICK_MILLIS,
        TimeUnit.MILLISECONDS, 2048);
    List<TimerScheduler> schedulers = new ArrayList<>(threads * 4);
    for (int i = 0; i < threads * 4; i++) {
      schedulers.add(new LockingScheduler(wheel));
    }
    LocalIdentity identity = identity(config, transports);
    ProxyCore core = new ProxyCore(config, outbound, table, registry, transports, identity, schedulers,
        PooledByteBufAllocator.DEFAULT, System::nanoTime);
    transports.localAddress(TransportKind.UDP).ifPresent(udp ->
        watchOverload(core, new UdpSocketDrops(udp.getPort()), workers.next(), registry));
    handler.core = core;
    long intervalNanos = config.health().interval().toNanos();
    workers.next().scheduleAtFixedRate(core::probeAgents, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    workers.next().scheduleAtFixedRate(() -> core.agentCalls().expire(), 1, 1, TimeUnit.MINUTES);
    LOG.info("SIP edge ready on {} as {}", transports.boundAddresses(), identity.host());
    return new SipEdge(transports, workers, wheel, core);
  }

  /**
   * Overload control: every {@link LoadShedder#PERIOD_MILLIS} ms on {@code executor}, the datagrams the
   * kernel dropped at the SIP port's sockets since the last look feed a {@link LoadShedder} that new INVITEs
   * pass (gauge {@code sip_edge_overload_shed_share}). Without readable drop counts (not Linux) nothing is
   * shed, as before, and the log says so.
   */
  static void watchOverload(ProxyCore core, UdpSocketDrops drops, EventExecutor executor,
      MeterRegistry registry) {
    long first = drops.read();
    if (first < 0) {
      LOG.info("no overload control: the kernel's UDP drop counts are not readable here");
      return;
    }
    LoadShedder shedder = LoadShedder.create();
    core.useLoadShedder(shedder);
    Gauge.builder("sip_edge_overload_shed_share", shedder, LoadShedder::share)
        .description("share of new INVITEs answered 503 because datagrams were dropped at the SIP sockets")
        .register(registry);
    long[] last = {first};
    executor.scheduleAtFixedRate(() -> {
      long now = drops.read();
      if (now < 0) {
        return;
      }
      double before = shedder.share();
      shedder.period(Math.max(0, now - last[0]));
      if (before == 0 && shedder.share() > 0) {
        LOG.warn("overloaded: {} datagrams dropped at the SIP sockets in {} ms; shedding new INVITEs with 503",
            now - last[0], LoadShedder.PERIOD_MILLIS);
      } else if (before > 0 && shedder.share() == 0) {
        LOG.info("no longer overloaded: every new INVITE admitted again");
      }
      last[0] = now;
    }, LoadShedder.PERIOD_MILLIS, LoadShedder.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** OPTIONS → 503 + Retry-After, new INVITEs → 503; transactions in flight finish. */
  public void drain() {
    core.drain();
  }

  /** Unbinds the listeners and stops the proxy's threads. */
  @Override
  public void close() {
    transports.close();
    core.abortAll();
    core.close();
    wheel.stop();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    CallLog.flushShared(); // the last calls' lines, before the process goes
  }

  public List<InetSocketAddress> boundAddresses() {
    return transports.boundAddresses();
  }

  /**
   * The edge's live view of agents (disabled, unhealthy by OPTIONS probes, at their call limit), for
   * {@code POST /v1/routing/simulate} to answer exactly what the edge would do now.
   */
  public Availability availability() {
    return core.agentAvailability();
  }

  /** Live transactions, for tests and the launcher's health endpoint. */
  public int transactionsInFlight() {
    return core.transactionsInFlight();
  }

  private static LocalIdentity identity(SipEdgeConfig config, SipTransports transports) {
    Map<TransportKind, Integer> ports = new EnumMap<>(TransportKind.class);
    for (TransportKind kind : TransportKind.values()) {
      transports.localAddress(kind).ifPresent(a -> ports.put(kind, a.getPort()));
    }
    Set<String> aliases = new HashSet<>();
    for (InetSocketAddress bound : transports.boundAddresses()) {
      aliases.add(bound.getAddress().getHostAddress());
    }
    boolean wildcard = isWildcard(config.host());
    if (wildcard) {
      aliases.addAll(localAddresses());
    }
    String host = config.advertisedHost();
    if (host.isEmpty()) {
      host = wildcard ? firstNonLoopback().orElse("127.0.0.1") : config.host();
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    aliases.add(config.host());
    return new LocalIdentity(host, ports, aliases);
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  private static Set<String> localAddresses() {
    Set<String> result = new HashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          result.add(a.getHostAddress().replaceAll("%.*$", ""));
        }
      }
    } catch (SocketException e) {
      LOG.warn("could not list the network interfaces; only the bound addresses mean this edge", e);
    }
    return result;
  }

  private static java.util.Optional<String> firstNonLoopback() {
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return java.util.Optional.of(a.getHostAddress());
          }
        }
      }
    } catch (SocketException e) {
      LOG.warn("could not list the network interfaces to pick an advertised host", e);
    }
    return java.util.Optional.empty();
  }

  /** The transports need a handler before the proxy (which needs their ports) exists. */
  private static final class Deferred implements SipMessageHandler {
    volatile ProxyCore core;

    @Override
    public void onMessage(SipMessage message, InboundSource source) {
      ProxyCore c = core;
      if (c != null) {
        c.onMessage(message, source);
      }
    }

    @Override
    public void onMalformed(SipParseError error, InboundSource source) {
      ProxyCore c = core;
      if (c != null) {
        c.onMalformed(error, source);
      }
    }
  }
}
