package ai.oneinbox.edge.sip.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.oneinbox.edge.sip.message.SipUri;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 3263 resolution against a fake DNS server on loopback, with the cache on an injected clock. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrunkResolverTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private FakeDns dns;
  private TrunkResolver resolver;

  @BeforeEach
  void start() throws Exception {
    dns = new FakeDns()
        .srv("_sip._udp.trunk.test", 10, 0, 5071, "b.trunk.test", 60)
        .srv("_sip._udp.trunk.test", 5, 0, 5070, "a.trunk.test", 300)
        .a("a.trunk.test", LOOPBACK, 120)
        .a("b.trunk.test", LOOPBACK, 120)
        .srv("_sip._tcp.tcponly.test", 1, 0, 5080, "a.trunk.test", 60)
        .a("plain.test", LOOPBACK, 30);
    OutboundConfig d = OutboundConfig.defaults();
    resolver = new TrunkResolver(new OutboundConfig("", 0, 0, d.retryAfter(), Optional.of(dns.address()),
        Duration.ofSeconds(1), Duration.ofHours(1)), now::get, new Random(7));
  }

  @AfterEach
  void stop() {
    resolver.close();
    dns.close();
  }

  private List<TrunkResolver.Hop> resolve(String uri) {
    return resolver.resolve(SipUri.parse(uri).orElseThrow()).toCompletableFuture().join();
  }

  @Test
  void srvTargetsInPriorityOrderWithTheirAddresses() {
    List<TrunkResolver.Hop> hops = resolve("sip:trunk.test");
    assertEquals(List.of(
        new TrunkResolver.Hop(TransportKind.UDP, new InetSocketAddress(LOOPBACK, 5070), "a.trunk.test"),
        new TrunkResolver.Hop(TransportKind.UDP, new InetSocketAddress(LOOPBACK, 5071), "b.trunk.test")), hops);
  }

  @Test
  void noUdpSrvFallsBackToTcpSrvThenToTheAddressOnTheDefaultPort() {
    assertEquals(List.of(new TrunkResolver.Hop(TransportKind.TCP, new InetSocketAddress(LOOPBACK, 5080),
        "a.trunk.test")), resolve("sip:tcponly.test"));
    assertEquals(List.of(new TrunkResolver.Hop(TransportKind.UDP, new InetSocketAddress(LOOPBACK, 5060),
        "plain.test")), resolve("sip:plain.test"));
    assertEquals(List.of(), resolve("sip:nowhere.test"));
  }

  @Test
  void anExplicitPortSkipsSrvAndALiteralSkipsDns() {
    assertEquals(List.of(new TrunkResolver.Hop(TransportKind.TCP, new InetSocketAddress(LOOPBACK, 6000),
        "plain.test")), resolve("sip:plain.test:6000;transport=tcp"));
    assertEquals(0, dns.queries("_sip._tcp.plain.test", DnsRecordType.SRV));
    assertEquals(List.of(new TrunkResolver.Hop(TransportKind.UDP, new InetSocketAddress(LOOPBACK, 5090),
        "127.0.0.1")), resolve("sip:127.0.0.1:5090"));
  }

  @Test
  void answersAreCachedForTheirTtl() {
    resolve("sip:trunk.test");
    resolve("sip:trunk.test");
    assertEquals(1, dns.queries("_sip._udp.trunk.test", DnsRecordType.SRV), "second call from the cache");
    assertEquals(1, dns.queries("a.trunk.test", DnsRecordType.A));
    now.addAndGet(Duration.ofSeconds(59).toNanos());
    resolve("sip:trunk.test");
    assertEquals(1, dns.queries("_sip._udp.trunk.test", DnsRecordType.SRV), "SRV TTL is the lowest: 60 s");
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    resolve("sip:trunk.test");
    assertEquals(2, dns.queries("_sip._udp.trunk.test", DnsRecordType.SRV), "expired after 60 s");
    assertEquals(1, dns.queries("a.trunk.test", DnsRecordType.A), "A records live 120 s");
    now.addAndGet(Duration.ofSeconds(60).toNanos());
    resolve("sip:trunk.test");
    assertEquals(2, dns.queries("a.trunk.test", DnsRecordType.A));
  }

  @Test
  void weightsSpreadOnePriorityAndZeroWeightStillGetsPicked() {
    List<TrunkResolver.Srv> records = List.of(new TrunkResolver.Srv(1, 90, 1, "heavy"),
        new TrunkResolver.Srv(1, 10, 2, "light"), new TrunkResolver.Srv(2, 0, 3, "backup"));
    Random random = new Random(42);
    int heavyFirst = 0;
    for (int i = 0; i < 1000; i++) {
      List<TrunkResolver.Srv> ordered = TrunkResolver.order(records, random);
      assertEquals("backup", ordered.get(2).target(), "a higher priority value always comes last");
      if (ordered.get(0).target().equals("heavy")) {
        heavyFirst++;
      }
    }
    // 90:10 weights: heavy first about 90 % of the time
    assertEquals(900, heavyFirst, 40);
  }
}
