package ai.oneinbox.edge.sip.outbound;

import ai.oneinbox.edge.sip.message.SipUri;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Where a trunk's termination URI leads (RFC 3263 §4 without NAPTR, which SIP trunks do not publish):
 *
 * <ol>
 *   <li>an address literal: that address, the URI's port or 5060/5061;</li>
 *   <li>a name with a port: its A (then AAAA) records;</li>
 *   <li>a name without: {@code _sip._udp} SRV (or {@code _sips._tcp} for sips, {@code _sip._tcp} for
 *       transport=tcp), then {@code _sip._tcp} when UDP has none; the targets in RFC 2782 order — lowest
 *       priority first, within one priority a weighted random order — each target's A/AAAA addresses;</li>
 *   <li>no SRV at all: the name's A/AAAA records on the default port.</li>
 * </ol>
 *
 * <p>Answers are cached per name and type for their TTL (clamped to {@code [dns_min_ttl, dns_max_ttl]})
 * against the injected clock; the weighted order is drawn afresh for each call so load spreads as the
 * weights say.
 */
final class TrunkResolver implements AutoCloseable {

  /** One place to send a trunk's INVITE. */
  record Hop(TransportKind transport, InetSocketAddress address, String target) {}

  /** A cached DNS answer: SRV targets or addresses, and when it expires. */
  private record Answer(List<Srv> srv, List<InetAddress> addresses, long expiresNanos) {}

  record Srv(int priority, int weight, int port, String target) {}

  private final EventLoopGroup group;
  private final DnsNameResolver dns;
  private final LongSupplier nanoTime;
  private final RandomGenerator random;
  private final long minTtlNanos;
  private final long maxTtlNanos;
  private final Map<String, Answer> cache = new ConcurrentHashMap<>();

  TrunkResolver(OutboundConfig config, LongSupplier nanoTime, RandomGenerator random) {
    this.nanoTime = nanoTime;
    this.random = random;
    this.minTtlNanos = config.dnsMinTtl().toNanos();
    this.maxTtlNanos = config.dnsMaxTtl().toNanos();
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sip-dns", true),
        NioIoHandler.newFactory());
    DnsNameResolverBuilder builder = new DnsNameResolverBuilder(group.next())
        .datagramChannelType(NioDatagramChannel.class)
        .resolveCache(NoopDnsCache.INSTANCE) // our own cache below keeps TTLs per record type
        .queryTimeoutMillis(2000)
        .recursionDesired(true);
    builder.nameServerProvider(config.dnsServer()
        .<io.netty.resolver.dns.DnsServerAddressStreamProvider>map(SingletonDnsServerAddressStreamProvider::new)
        .orElseGet(DnsServerAddressStreamProviders::platformDefault));
    this.dns = builder.build();
  }

  /** The hops of {@code uri} in the order to try them; empty when nothing resolves. Completes on a DNS thread. */
  CompletionStage<List<Hop>> resolve(SipUri uri) {
    boolean sips = "sips".equals(uri.scheme());
    Optional<TransportKind> named = uri.parameter("transport")
        .flatMap(t -> TransportKind.fromViaName(t.toUpperCase(Locale.ROOT)));
    TransportKind kind = sips ? TransportKind.TLS : named.orElse(TransportKind.UDP);
    String host = uri.parameter("maddr").filter(m -> !m.isEmpty()).orElse(uri.host());
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int defaultPort = kind == TransportKind.TLS ? 5061 : 5060;
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(bare);
    if (literal != null) {
      try {
        InetAddress a = InetAddress.getByAddress(literal);
        return CompletableFuture.completedFuture(
            List.of(new Hop(kind, new InetSocketAddress(a, uri.port().orElse(defaultPort)), bare)));
      } catch (UnknownHostException e) {
        return CompletableFuture.completedFuture(List.of());
      }
    }
    String name = bare.toLowerCase(Locale.ROOT);
    if (uri.port().isPresent()) {
      return addresses(name).thenApply(as -> hops(kind, as, uri.port().getAsInt(), name));
    }
    if (sips) {
      return viaSrv("_sips._tcp." + name, TransportKind.TLS, name, defaultPort, Optional.empty(),
          TransportKind.TLS);
    }
    if (named.isPresent()) {
      String service = named.get() == TransportKind.UDP ? "_sip._udp." : "_sip._tcp.";
      return viaSrv(service + name, kind, name, defaultPort, Optional.empty(), kind);
    }
    return viaSrv("_sip._udp." + name, TransportKind.UDP, name, defaultPort,
        Optional.of("_sip._tcp." + name), TransportKind.UDP);
  }

  private CompletionStage<List<Hop>> viaSrv(String service, TransportKind kind, String name, int defaultPort,
      Optional<String> tcpService, TransportKind withoutSrv) {
    return srv(service).thenCompose(records -> {
      if (records.isEmpty() && tcpService.isPresent()) {
        return viaSrv(tcpService.get(), TransportKind.TCP, name, defaultPort, Optional.empty(), withoutSrv);
      }
      if (records.isEmpty()) {
        // no SRV: the name itself on the default port (RFC 3263 §4.2), over UDP unless TCP was asked
        return addresses(name).thenApply(as -> hops(withoutSrv, as, defaultPort, name));
      }
      List<Srv> ordered = order(records, random);
      List<CompletableFuture<List<Hop>>> parts = new ArrayList<>(ordered.size());
      for (Srv s : ordered) {
        parts.add(addresses(s.target()).thenApply(as -> hops(kind, as, s.port(), s.target()))
            .toCompletableFuture());
      }
      return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
        List<Hop> all = new ArrayList<>();
        for (CompletableFuture<List<Hop>> p : parts) {
          all.addAll(p.join());
        }
        return all;
      });
    });
  }

  private static List<Hop> hops(TransportKind kind, List<InetAddress> addresses, int port, String target) {
    List<Hop> out = new ArrayList<>(addresses.size());
    for (InetAddress a : addresses) {
      out.add(new Hop(kind, new InetSocketAddress(a, port), target));
    }
    return out;
  }

  /**
   * RFC 2782 order: ascending priority; within a priority, repeatedly pick one record with probability
   * proportional to its weight (weight-0 records first in the list so they get a small chance too).
   */
  static List<Srv> order(List<Srv> records, RandomGenerator random) {
    List<Srv> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparingInt(Srv::priority).thenComparingInt(Srv::weight));
    List<Srv> out = new ArrayList<>(sorted.size());
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j < sorted.size() && sorted.get(j).priority() == sorted.get(i).priority()) {
        j++;
      }
      List<Srv> group = new ArrayList<>(sorted.subList(i, j));
      while (!group.isEmpty()) {
        int total = 0;
        for (Srv s : group) {
          total += s.weight();
        }
        int pick = total == 0 ? 0 : random.nextInt(total + 1);
        int running = 0;
        int chosen = group.size() - 1;
        for (int k = 0; k < group.size(); k++) {
          running += group.get(k).weight();
          if (running >= pick) {
            chosen = k;
            break;
          }
        }
        out.add(group.remove(chosen));
      }
      i = j;
    }
    return out;
  }

  /** The SRV records of {@code service} (cached); empty on NXDOMAIN, no records or a failed query. */
  CompletionStage<List<Srv>> srv(String service) {
    Answer cached = fresh("SRV " + service);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached.srv());
    }
    return query(service, DnsRecordType.SRV, records -> {
      List<Srv> out = new ArrayList<>();
      long ttl = Long.MAX_VALUE;
      for (DnsRecord r : records) {
        if (r.type() == DnsRecordType.SRV && r instanceof DnsRawRecord raw) {
          ByteBuf content = raw.content().duplicate();
          if (content.readableBytes() < 7) {
            continue;
          }
          int priority = content.readUnsignedShort();
          int weight = content.readUnsignedShort();
          int port = content.readUnsignedShort();
          String target = DefaultDnsRecordDecoder.decodeName(content);
          if (target.endsWith(".")) {
            target = target.substring(0, target.length() - 1);
          }
          if (target.isEmpty()) {
            continue; // "." : the service is decidedly not available at this domain (RFC 2782)
          }
          out.add(new Srv(priority, weight, port, target.toLowerCase(Locale.ROOT)));
          ttl = Math.min(ttl, r.timeToLive());
        }
      }
      store("SRV " + service, new Answer(List.copyOf(out), List.of(), expiry(ttl)));
      return out;
    });
  }

  /** The A records of {@code name}, else its AAAA records (cached). */
  CompletionStage<List<InetAddress>> addresses(String name) {
    Answer cached = fresh("A " + name);
    if (cached != null) {
      return CompletableFuture.completedFuture(cached.addresses());
    }
    return addressesOf(name, DnsRecordType.A).thenCompose(a -> a.isEmpty()
        ? addressesOf(name, DnsRecordType.AAAA) : CompletableFuture.completedFuture(a));
  }

  private CompletionStage<List<InetAddress>> addressesOf(String name, DnsRecordType type) {
    return query(name, type, records -> {
      List<InetAddress> out = new ArrayList<>();
      long ttl = Long.MAX_VALUE;
      for (DnsRecord r : records) {
        if (r.type() == type && r instanceof DnsRawRecord raw) {
          byte[] bytes = new byte[raw.content().readableBytes()];
          raw.content().getBytes(raw.content().readerIndex(), bytes);
          try {
            out.add(InetAddress.getByAddress(name, bytes));
            ttl = Math.min(ttl, r.timeToLive());
          } catch (UnknownHostException e) {
            // a record of the wrong length: skip it
          }
        }
      }
      if (!out.isEmpty() || type == DnsRecordType.AAAA) {
        store("A " + name, new Answer(List.of(), List.copyOf(out), expiry(ttl)));
      }
      return out;
    });
  }

  /**
   * One query; {@code decode} reads the answer records while the response is alive (it is released right
   * after), so no record outlives it. A failed query or an error code decodes as no records.
   */
  private <T> CompletionStage<T> query(String name, DnsRecordType type, Function<List<DnsRecord>, T> decode) {
    CompletableFuture<T> result = new CompletableFuture<>();
    dns.query(new DefaultDnsQuestion(name, type)).addListener(f -> {
      if (!f.isSuccess()) {
        result.complete(decode.apply(List.of()));
        return;
      }
      @SuppressWarnings("unchecked")
      AddressedEnvelope<DnsResponse, InetSocketAddress> envelope =
          (AddressedEnvelope<DnsResponse, InetSocketAddress>) f.getNow();
      try {
        DnsResponse response = envelope.content();
        List<DnsRecord> records = new ArrayList<>();
        if (response.code() == DnsResponseCode.NOERROR) {
          int n = response.count(DnsSection.ANSWER);
          for (int i = 0; i < n; i++) {
            records.add(response.recordAt(DnsSection.ANSWER, i));
          }
        }
        result.complete(decode.apply(records));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      } finally {
        envelope.release();
      }
    });
    return result;
  }

  private Answer fresh(String key) {
    Answer a = cache.get(key);
    if (a == null) {
      return null;
    }
    if (nanoTime.getAsLong() - a.expiresNanos() >= 0) {
      cache.remove(key, a);
      return null;
    }
    return a;
  }

  private void store(String key, Answer answer) {
    cache.put(key, answer);
  }

  private long expiry(long ttlSeconds) {
    long ttl = ttlSeconds == Long.MAX_VALUE ? minTtlNanos : TimeUnit.SECONDS.toNanos(ttlSeconds);
    ttl = Math.max(minTtlNanos, Math.min(maxTtlNanos, ttl));
    return nanoTime.getAsLong() + ttl;
  }

  @Override
  public void close() {
    dns.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
