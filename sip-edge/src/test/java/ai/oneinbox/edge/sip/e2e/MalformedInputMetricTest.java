package ai.oneinbox.edge.sip.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.RoutingTable;
import io.micrometer.core.instrument.Counter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the codec refuses reaches {@code sip_edge_rejected{reason=malformed}}, answered or dropped. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MalformedInputMetricTest {

  private static final String BAD_CSEQ = "INVITE sip:+14155550100@127.0.0.1 SIP/2.0\r\n"
      + "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-bad-cseq\r\n"
      + "From: <sip:+14155550199@127.0.0.1>;tag=1\r\n"
      + "To: <sip:+14155550100@127.0.0.1>\r\n"
      + "Call-ID: malformed-1@127.0.0.1\r\n"
      + "CSeq: 99999999999 INVITE\r\n"
      + "Max-Forwards: 70\r\n"
      + "Content-Length: 0\r\n\r\n";

  @Test
  void answeredAndDroppedRejectionsAreCounted() throws Exception {
    try (EdgeUnderTest edge = EdgeUnderTest.start(List.of("127.0.0.0/8"), "sip:vm@127.0.0.1:5999", RoutingTable.empty());
         DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout(5_000);
      send(socket, edge.address(), BAD_CSEQ);
      DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
      socket.receive(answer);
      String text = new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
      assertTrue(text.startsWith("SIP/2.0 400"), text);

      send(socket, edge.address(), "not a SIP message at all\r\n\r\n");
      awaitCount(edge, 2.0);
      socket.setSoTimeout(200);
      try {
        socket.receive(answer);
        throw new AssertionError("garbage with no addressable Via must be dropped, got an answer");
      } catch (SocketTimeoutException expected) {
        // dropped, as it should be
      }
      assertEquals(2.0, malformed(edge));
    }
  }

  private static void send(DatagramSocket socket, InetSocketAddress to, String message) throws Exception {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    socket.send(new DatagramPacket(bytes, bytes.length, to));
  }

  private static double malformed(EdgeUnderTest edge) {
    Counter c = edge.registry().find("sip_edge_rejected").tag("reason", "malformed").counter();
    return c == null ? 0 : c.count();
  }

  private static void awaitCount(EdgeUnderTest edge, double expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (malformed(edge) < expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sip_edge_rejected{reason=malformed} stayed at " + malformed(edge));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the edge counts on its own thread
    }
  }
}
