package ai.oneinbox.edge.sip.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Ports free for both UDP and TCP on 127.0.0.1, never handed out twice in one JVM. */
public final class FreePorts {

  public static final InetAddress LOOPBACK = loopback();

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
  private static final int ATTEMPTS = 200;

  private FreePorts() {}

  /** A port that was free for UDP and TCP on 127.0.0.1 a moment ago. */
  public static int next() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port;
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
        port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket()) {
          tcp.bind(new InetSocketAddress(LOOPBACK, port));
        }
      } catch (IOException takenForTcp) {
        continue;
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free UDP+TCP port on 127.0.0.1 after " + ATTEMPTS + " attempts");
  }

  /** 127.0.0.1 and a fresh free port. */
  public static InetSocketAddress loopbackAddress() {
    return new InetSocketAddress(LOOPBACK, next());
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
