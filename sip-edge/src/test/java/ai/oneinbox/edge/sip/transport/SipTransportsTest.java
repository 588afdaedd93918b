package ai.oneinbox.edge.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipRequest;
import ai.oneinbox.edge.sip.testing.NettyLeaks;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The listeners on real loopback sockets (ephemeral ports): a handler that answers 200 to every request. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(NettyLeaks.class)
class SipTransportsTest {

    private final BlockingQueue<InboundSource> sources = new LinkedBlockingQueue<>();
    private SipTransports transports;

    @TempDir
    Path dataDir;

    private SipMessageHandler answering() {
        return (message, source) -> {
            sources.add(source);
            if (message instanceof SipRequest) {
                SipRequest request = (SipRequest) message;
                transports.send(source.transport(), source.remote(),
                        request.response(200, "OK").toTag("t1").encode(ByteBufAllocator.DEFAULT));
            }
        };
    }

    private void start(Optional<SipTransportConfig.Tls> tls) throws InterruptedException {
        SipTransportConfig config = new SipTransportConfig("127.0.0.1", 0, 2, tls, SipLimits.DEFAULTS);
        transports = SipTransports.start(config, answering());
    }

    @AfterEach
    void stop() {
        if (transports != null) {
            transports.close();
        }
    }

    private int port(TransportKind kind) {
        return transports.localAddress(kind).orElseThrow().getPort();
    }

    @Test
    void udpRequestIsDeliveredAndAnswered() throws Exception {
        start(Optional.empty());
        try (DatagramSocket socket = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            byte[] bytes = SipStreamDecoderTest.options(1);
            socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port(TransportKind.UDP))));
            String answer = receive(socket);
            assertTrue(answer.startsWith("SIP/2.0 200 OK\r\n"), answer);
            assertTrue(answer.contains("Call-ID: c1@192.0.2.1\r\n"), answer);
            InboundSource source = sources.poll(5, TimeUnit.SECONDS);
            assertEquals(TransportKind.UDP, source.transport());
            assertEquals(transports.isNative() ? 2 : 1, transports.udpChannelCount(),
                    "with epoll, two UDP channels share the port (SO_REUSEPORT)");
            assertEquals(socket.getLocalPort(), source.remote().getPort());
        }
    }

    @Test
    void aBurstOfDatagramsOfEverySizeIsReadWholeOneMessageEach() throws Exception {
        // several datagrams queued at once are read by one recvmmsg(2) into slots as large as the largest
        // message: a 60,000-octet one among small ones must arrive whole, and each must be answered once
        start(Optional.empty());
        int[] bodies = {0, 60_000, 10, 1_400, 0, 30_000, 5, 0, 9_000, 0, 0, 64_000};
        try (DatagramSocket socket = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            socket.setReceiveBufferSize(1 << 20);
            InetSocketAddress edge = new InetSocketAddress("127.0.0.1", port(TransportKind.UDP));
            for (int i = 0; i < bodies.length; i++) {
                byte[] bytes = optionsWithBody(100 + i, bodies[i]);
                socket.send(new DatagramPacket(bytes, bytes.length, edge));
            }
            java.util.Set<String> answered = new java.util.HashSet<>();
            for (int i = 0; i < bodies.length; i++) {
                String answer = receive(socket);
                assertTrue(answer.startsWith("SIP/2.0 200 OK\r\n"), answer);
                int at = answer.indexOf("Call-ID: ");
                answered.add(answer.substring(at, answer.indexOf("\r\n", at)));
            }
            assertEquals(bodies.length, answered.size(), "one answer per datagram: " + answered);
            for (int i = 0; i < bodies.length; i++) {
                assertTrue(answered.contains("Call-ID: c" + (100 + i) + "@192.0.2.1"), answered.toString());
            }
        }
    }

    /** An OPTIONS with a body of {@code n} octets (Content-Length matching), Call-ID c{seq}@192.0.2.1. */
    private static byte[] optionsWithBody(int seq, int n) {
        String head = new String(SipStreamDecoderTest.options(seq), StandardCharsets.US_ASCII);
        String body = "x".repeat(n);
        String text = head.replace("Content-Length: 5\r\n\r\nhello",
                "Content-Type: text/plain\r\nContent-Length: " + n + "\r\n\r\n") + body;
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void udpMalformedRequestGetsA400WithoutReachingTheHandler() throws Exception {
        start(Optional.empty());
        try (DatagramSocket socket = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            byte[] bytes = new String(SipStreamDecoderTest.options(2), StandardCharsets.US_ASCII)
                    .replace("CSeq: 2 OPTIONS", "CSeq: 2 INVITE").getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port(TransportKind.UDP))));
            String answer = receive(socket);
            assertTrue(answer.startsWith("SIP/2.0 400 Bad Request\r\n"), answer);
            assertTrue(sources.isEmpty());
        }
    }

    @Test
    void tcpPipelinedRequestsAreAnsweredOnTheSameConnection() throws Exception {
        start(Optional.empty());
        try (Socket socket = new Socket("127.0.0.1", port(TransportKind.TCP))) {
            socket.setSoTimeout(5000);
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(SipStreamDecoderTest.options(3));
            both.write(SipStreamDecoderTest.options(4));
            socket.getOutputStream().write(both.toByteArray());
            String answers = readUntil(socket.getInputStream(), "c4@192.0.2.1");
            assertTrue(answers.indexOf("Call-ID: c3@") < answers.indexOf("Call-ID: c4@"), answers);
            assertEquals(TransportKind.TCP, sources.poll(5, TimeUnit.SECONDS).transport());
        }
    }

    @Test
    void tcpWithoutContentLengthIsAnsweredAndClosed() throws Exception {
        start(Optional.empty());
        try (Socket socket = new Socket("127.0.0.1", port(TransportKind.TCP))) {
            socket.setSoTimeout(5000);
            String noLength = new String(SipStreamDecoderTest.options(5), StandardCharsets.US_ASCII)
                    .replace("Content-Length: 5\r\n", "");
            socket.getOutputStream().write(noLength.getBytes(StandardCharsets.US_ASCII));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.startsWith("SIP/2.0 400 Bad Request\r\n"), all);
        }
    }

    @Test
    void outboundTcpOpensAConnectionAndReusesIt() throws Exception {
        start(Optional.empty());
        try (ServerSocket peer = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", peer.getLocalPort());
            transports.send(TransportKind.TCP, to, Unpooled.wrappedBuffer(SipStreamDecoderTest.options(6)))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            try (Socket accepted = peer.accept()) {
                accepted.setSoTimeout(5000);
                transports.send(TransportKind.TCP, to, Unpooled.wrappedBuffer(SipStreamDecoderTest.options(7)))
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
                String got = readUntil(accepted.getInputStream(), "c7@192.0.2.1");
                assertTrue(got.contains("c6@192.0.2.1"), got);
            }
        }
    }

    @Test
    void tlsWithAGeneratedSelfSignedPair() throws Exception {
        start(Optional.of(new SipTransportConfig.Tls(0, Optional.empty(), Optional.empty(), true, dataDir)));
        assertTrue(Files.exists(dataDir.resolve("tls").resolve(TlsContexts.SELF_SIGNED_CERT)));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new TrustEverything()}, null); // test only: the pair is self-signed
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port(TransportKind.TLS))) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(SipStreamDecoderTest.options(8));
            String answer = readUntil(socket.getInputStream(), "Content-Length: 0\r\n\r\n");
            assertTrue(answer.startsWith("SIP/2.0 200 OK\r\n"), answer);
            assertEquals(TransportKind.TLS, sources.poll(5, TimeUnit.SECONDS).transport());
        }
        assertEquals(3, transports.boundAddresses().size());
    }

    @Test
    void aFixedPortWhoseTcpSideIsTakenFailsNamingItAndLeavesItsUdpSideFree() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            SipTransportConfig config = new SipTransportConfig("127.0.0.1", port, 2, Optional.empty(),
                    SipLimits.DEFAULTS);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SipTransports.start(config, answering()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port + " (1 attempt(s))"), e.getMessage());
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                assertEquals(port, udp.getLocalPort(), "the UDP channels bound before the failure are closed");
            }
        }
    }

    @Test
    void anEphemeralPortTakenForTcpIsUndoneAndAnotherTried() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        AtomicInteger undone = new AtomicInteger();
        String bound = SipTransports.onSharedPort(SipTransports.EPHEMERAL_BIND_ATTEMPTS, "test", () -> {
            if (tries.incrementAndGet() < 3) {
                throw new BindException("Address already in use");
            }
            return "bound on try " + tries.get();
        }, undone::incrementAndGet);
        assertEquals("bound on try 3", bound);
        assertEquals(2, undone.get(), "each failed pair is unbound before the next try");

        tries.set(0);
        undone.set(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SipTransports.onSharedPort(4,
                "test", () -> {
                    tries.incrementAndGet();
                    throw new BindException("Address already in use");
                }, undone::incrementAndGet));
        assertEquals("cannot bind test (4 attempt(s)): Address already in use", e.getMessage());
        assertEquals(4, tries.get());
        assertEquals(4, undone.get());
        assertThrows(IllegalArgumentException.class, () -> SipTransports.onSharedPort(4, "test", () -> {
            throw new IllegalArgumentException("not a bind failure: not retried");
        }, undone::incrementAndGet));
        assertEquals(5, undone.get());
    }

    private static String receive(DatagramSocket socket) throws IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!got.toString(StandardCharsets.US_ASCII).contains(marker)) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            got.write(buf, 0, n);
        }
        String text = got.toString(StandardCharsets.US_ASCII);
        // the marker may be followed by the rest of that message's head
        return text;
    }

    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

}
