package ai.oneinbox.edge.sip.outbound;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server on 127.0.0.1 for tests (Netty's DNS codec): answers the SRV and A records
 * it was given, NXDOMAIN for anything else, and counts the queries per name and type.
 */
final class FakeDns implements AutoCloseable {
  private record Rr(DnsRecordType type, long ttl, byte[] rdata) {}

  private final Map<String, List<Rr>> records = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
  private final EventLoopGroup group;
  private final Channel channel;

  FakeDns() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
                    answer(ctx, query);
                  }
                });
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  FakeDns srv(String service, int priority, int weight, int port, String target, long ttl) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(priority).writeShort(weight).writeShort(port);
    for (String label : target.split("\\.")) {
      byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
      b.writeByte(bytes.length).writeBytes(bytes);
    }
    b.writeByte(0);
    byte[] rdata = new byte[b.readableBytes()];
    b.readBytes(rdata);
    add(service, new Rr(DnsRecordType.SRV, ttl, rdata));
    return this;
  }

  FakeDns a(String name, InetAddress address, long ttl) {
    add(name, new Rr(DnsRecordType.A, ttl, address.getAddress()));
    return this;
  }

  /** Queries received for {@code name} of {@code type}. */
  int queries(String name, DnsRecordType type) {
    AtomicInteger n = queries.get(key(name, type));
    return n == null ? 0 : n.get();
  }

  private void add(String name, Rr rr) {
    records.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(rr);
  }

  private static String key(String name, DnsRecordType type) {
    String n = name.toLowerCase(Locale.ROOT);
    return (n.endsWith(".") ? n.substring(0, n.length() - 1) : n) + ' ' + type.name();
  }

  private void answer(ChannelHandlerContext ctx, DatagramDnsQuery query) {
    DnsQuestion question = query.recordAt(DnsSection.QUESTION);
    String name = question.name().toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    queries.computeIfAbsent(key(name, question.type()), k -> new AtomicInteger()).incrementAndGet();
    DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
    response.setAuthoritativeAnswer(true).setRecursionAvailable(true);
    response.addRecord(DnsSection.QUESTION, question);
    List<Rr> all = records.get(name);
    boolean any = false;
    if (all != null) {
      for (Rr rr : all) {
        if (rr.type().equals(question.type())) {
          response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), rr.type(), rr.ttl(),
              Unpooled.wrappedBuffer(rr.rdata())));
          any = true;
        }
      }
    }
    if (all == null) {
      response.setCode(DnsResponseCode.NXDOMAIN);
    } else if (!any) {
      response.setCode(DnsResponseCode.NOERROR);
    }
    ctx.writeAndFlush(response);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
