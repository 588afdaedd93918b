package ai.oneinbox.edge.sip.transport;

import ai.oneinbox.edge.sip.message.SipLimits;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP listeners and the outbound side of {@link Transport}, on Netty: UDP on several channels bound
 * with SO_REUSEPORT (native epoll) so every core reads datagrams, TCP, and TLS when configured. Native
 * epoll where available, NIO otherwise (then one UDP channel). Why event loops with {@code recvmmsg(2)} and
 * {@code sendmmsg(2)} batches rather than Kamailio-style readers blocked in {@code recvfrom(2)}: measured in
 * docs/decisions/0007 (cheaper at low rates, first to overload the box at high ones); rather than Netty's
 * io_uring transport: docs/decisions/0008 (no cheaper at 1,000 calls/s, 1.5x the CPU at 6,000).
 *
 * <p>Pipelines: UDP {@code SipDatagramDecoder → SipInboundHandler}; TCP/TLS {@code [SslHandler →]
 * IdleStateHandler → SipStreamDecoder → SipMessageEncoder → SipInboundHandler}. Outbound TCP/TLS
 * connections use the same pipeline, so answers coming back on them are delivered like any inbound message.
 */
public final class SipTransports implements Transport, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipTransports.class);
    private static final int UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;
    /** Within a read batch, flush at the latest after this many writes (bounds what one batch holds back). */
    private static final int FLUSH_AFTER_WRITES = 64;
    /** Datagrams read by one recvmmsg(2) at most (epoll). */
    private static final int RECV_BATCH = 8;
    /** Tries at an ephemeral port free for both UDP and TCP (tests bind port 0). */
    static final int EPHEMERAL_BIND_ATTEMPTS = 16;

    private final SipTransportConfig config;
    private final SipMessageHandler handler;
    private final boolean epoll;
    private final EventLoopGroup group;
    private final List<Channel> udpChannels = new ArrayList<>();
    private final Map<TransportKind, Channel> servers = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, Channel> connections = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, ChannelFuture> connecting = new ConcurrentHashMap<>();
    private final Map<TransportKind, Bootstrap> clients = new ConcurrentHashMap<>();
    private final Optional<SslContext> tlsServer;
    private final Optional<SslContext> tlsClient;

    private record ConnectionKey(TransportKind kind, InetSocketAddress remote) {
    }

    private SipTransports(SipTransportConfig config, SipMessageHandler handler) {
        this.config = config;
        this.handler = handler;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        this.tlsServer = config.tls().map(TlsContexts::server);
        this.tlsClient = config.tls().map(t -> TlsContexts.client());
    }

    /**
     * Binds every listener; answers when they are bound. {@code handler} receives every well-formed inbound
     * message (see {@link SipMessageHandler} for ownership).
     */
    public static SipTransports start(SipTransportConfig config, SipMessageHandler handler)
            throws InterruptedException {
        SipTransports t = new SipTransports(config, handler);
        try {
            t.bind();
        } catch (InterruptedException | RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void bind() throws InterruptedException {
        SipLimits limits = config.limits();
        // UDP: with epoll, N channels share the port through SO_REUSEPORT, each on its own event loop
        int channels = epoll ? (config.udpChannels() == 0 ? Runtime.getRuntime().availableProcessors()
                : config.udpChannels()) : 1;
        int datagram = Math.min(65536, limits.maxMessageBytes() + 1);
        // TCP on the same port as UDP. When ephemeral, the one UDP got: the kernel chose it free for UDP only,
        // and any TCP socket on the machine (an outgoing connection's local port too) may already hold it
        int attempts = config.port() == 0 ? EPHEMERAL_BIND_ATTEMPTS : 1;
        servers.put(TransportKind.TCP, onSharedPort(attempts, "SIP UDP and TCP on " + config.host() + ":"
                + config.port(), () -> {
            int udpPort = bindUdp(channels, datagram, config.port());
            return bindStream(TransportKind.TCP, udpPort);
        }, this::closeUdp));
        config.tls().ifPresent(tls -> {
            try {
                servers.put(TransportKind.TLS, bindStream(TransportKind.TLS, tls.port()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted binding TLS", e);
            }
        });
        StringBuilder bound = new StringBuilder();
        for (TransportKind k : TransportKind.values()) {
            localAddress(k).ifPresent(a -> bound.append(bound.length() == 0 ? "" : ", ").append(k).append(' ')
                    .append(a.getHostString()).append(':').append(a.getPort()));
        }
        LOG.info("SIP listening on {} ({}, {} UDP channel(s))", bound, epoll ? "native epoll" : "NIO",
                udpChannels.size());
    }

    /** Binds {@code channels} UDP channels on {@code port} (0: one the kernel picks); answers the port bound. */
    private int bindUdp(int channels, int datagram, int port) throws InterruptedException {
        SipLimits limits = config.limits();
        int udpPort = port;
        for (int i = 0; i < channels; i++) {
            Bootstrap b = new Bootstrap().group(group)
                    .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(epoll ? datagram * RECV_BATCH : datagram))
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            // Sends made while a read batch is handled (100 Trying + the forwarded INVITE,
                            // the relayed responses of every datagram in the batch) are flushed together at
                            // the batch's end: one sendmmsg(2) instead of a sendto(2) each. Sends from
                            // outside a read (timers) flush at once.
                            ch.pipeline().addLast("flush", new FlushConsolidationHandler(
                                            FLUSH_AFTER_WRITES, false))
                                    .addLast("decoder", new SipDatagramDecoder(limits))
                                    .addLast("handler", new SipInboundHandler(TransportKind.UDP, handler));
                        }
                    });
            if (epoll) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
                // recvmmsg(2): up to RECV_BATCH datagrams (each up to the largest message) per system call,
                // whatever is queued when the loop wakes, instead of one recvmsg(2) and one epoll_wait(2) each
                b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, datagram);
            }
            Channel ch = b.bind(config.host(), udpPort).sync().channel();
            udpPort = ((InetSocketAddress) ch.localAddress()).getPort();
            udpChannels.add(ch);
        }
        return udpPort;
    }

    private void closeUdp() {
        for (Channel ch : udpChannels) {
            ch.close().syncUninterruptibly();
        }
        udpChannels.clear();
    }

    /** A bind of two sockets on one port, undone by {@code undo} when the second finds the port taken. */
    @FunctionalInterface
    interface PairedBind<T> {
        T bind() throws Exception;
    }

    /**
     * Runs {@code bind} up to {@code attempts} times: a failure to bind (an I/O error such as EADDRINUSE;
     * Netty's {@code sync()} rethrows it undeclared) is undone with {@code undo} and tried again, on the next
     * port the kernel picks. The last such failure propagates as an {@link IllegalStateException} naming
     * {@code what}; a runtime failure or an interrupt propagates at once, also undone.
     */
    static <T> T onSharedPort(int attempts, String what, PairedBind<T> bind, Runnable undo)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return bind.bind();
            } catch (RuntimeException | InterruptedException e) {
                undo.run();
                throw e;
            } catch (Exception e) {
                undo.run();
                if (attempt >= attempts) {
                    throw new IllegalStateException("cannot bind " + what + " (" + attempt + " attempt(s)): "
                            + e.getMessage(), e);
                }
                LOG.debug("SIP port taken for TCP ({}), trying another", e.toString());
            }
        }
    }

    private Channel bindStream(TransportKind kind, int port) throws InterruptedException {
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(streamInitializer(kind, false));
        return b.bind(config.host(), port).sync().channel();
    }

    private ChannelInitializer<SocketChannel> streamInitializer(TransportKind kind, boolean client) {
        SipLimits limits = config.limits();
        SipInboundHandler inbound = new SipInboundHandler(kind, handler);
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ChannelPipeline p = ch.pipeline();
                if (kind == TransportKind.TLS) {
                    SslContext ctx = (client ? tlsClient : tlsServer).orElseThrow();
                    InetSocketAddress remote = ch.remoteAddress();
                    p.addLast("tls", client && remote != null
                            ? ctx.newHandler(ch.alloc(), remote.getHostString(), remote.getPort())
                            : ctx.newHandler(ch.alloc()));
                }
                p.addLast("idle", new IdleStateHandler(0, 0, limits.streamIdleTimeout().toMillis(),
                        TimeUnit.MILLISECONDS));
                p.addLast("decoder", new SipStreamDecoder(limits));
                p.addLast("encoder", SipMessageEncoder.INSTANCE);
                p.addLast("handler", inbound);
                if (!client) {
                    register(kind, ch);
                }
            }
        };
    }

    private void register(TransportKind kind, Channel ch) {
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        if (remote == null) {
            return;
        }
        ConnectionKey key = new ConnectionKey(kind, remote);
        connections.put(key, ch);
        ch.closeFuture().addListener(f -> connections.remove(key, ch));
    }

    @Override
    public CompletionStage<Void> send(TransportKind transport, InetSocketAddress destination, ByteBuf message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            if (transport == TransportKind.UDP) {
                write(udpChannelFor(destination), new DatagramPacket(message, destination), done);
                return done;
            }
            if (transport == TransportKind.TLS && tlsClient.isEmpty()) {
                message.release();
                done.completeExceptionally(new IllegalStateException("TLS is not configured"));
                return done;
            }
            ConnectionKey key = new ConnectionKey(transport, destination);
            Channel open = connections.get(key);
            if (open != null && open.isActive()) {
                write(open, message, done);
                return done;
            }
            ChannelFuture connect = connecting.computeIfAbsent(key, k -> client(transport).connect(destination));
            connect.addListener(f -> {
                connecting.remove(key, connect);
                if (f.isSuccess()) {
                    Channel ch = connect.channel();
                    connections.put(key, ch);
                    ch.closeFuture().addListener(c -> connections.remove(key, ch));
                    write(ch, message, done);
                } else {
                    message.release();
                    done.completeExceptionally(f.cause());
                }
            });
        } catch (RuntimeException e) {
            if (message.refCnt() > 0) {
                message.release();
            }
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * The UDP socket to send from. All of them are bound to the same address and port (SO_REUSEPORT), so
     * any one sends the same datagram; the one owned by the calling I/O thread (the thread that received the
     * message being answered or forwarded) writes it at once, with no hand-off to another event loop and no
     * wake-up of its thread. Other threads (timers, the API) pick one by destination.
     */
    private Channel udpChannelFor(InetSocketAddress destination) {
        int n = udpChannels.size();
        if (n > 1) {
            for (int i = 0; i < n; i++) {
                Channel ch = udpChannels.get(i);
                if (ch.eventLoop().inEventLoop()) {
                    return ch;
                }
            }
        }
        return udpChannels.get(Math.floorMod(destination.hashCode(), n));
    }

    private Bootstrap client(TransportKind kind) {
        return clients.computeIfAbsent(kind, k -> new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(streamInitializer(k, true)));
    }

    private static void write(Channel ch, Object message, CompletableFuture<Void> done) {
        ch.writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(f.cause());
            }
        });
    }

    @Override
    public Optional<InetSocketAddress> localAddress(TransportKind transport) {
        Channel ch = transport == TransportKind.UDP ? (udpChannels.isEmpty() ? null : udpChannels.get(0))
                : servers.get(transport);
        return ch == null ? Optional.empty() : Optional.of((InetSocketAddress) ch.localAddress());
    }

    /** Every bound listener address: UDP (once), TCP, and TLS when configured. */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> result = new ArrayList<>();
        for (TransportKind k : TransportKind.values()) {
            localAddress(k).ifPresent(result::add);
        }
        return Collections.unmodifiableList(result);
    }

    /** Number of UDP channels sharing the port (SO_REUSEPORT with epoll; 1 with NIO). */
    public int udpChannelCount() {
        return udpChannels.size();
    }

    /** True when the native epoll transport is in use. */
    public boolean isNative() {
        return epoll;
    }

    @Override
    public void close() {
        for (Channel ch : udpChannels) {
            ch.close().syncUninterruptibly();
        }
        for (Channel ch : servers.values()) {
            ch.close().syncUninterruptibly();
        }
        for (Channel ch : connections.values()) {
            ch.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
