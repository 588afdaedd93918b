package ai.oneinbox.edge.sip.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UdpSocketDropsTest {

  // /proc/net/udp as Linux 6.x writes it: port 5060 = 13C4, 5072 = 13D0
  private static final String UDP = ""
      + "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
      + "  120: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41234 2 0000000000000000 17\n"
      + "  121: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41235 2 0000000000000000 5\n"
      + "  130: 0100007F:13D0 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41236 2 0000000000000000 999\n"
      + "  131: garbage line\n";
  private static final String UDP6 = ""
      + "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
      + "   7: 00000000000000000000000001000000:13C4 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41240 2 0000000000000000 3\n";

  @Test
  void sumsTheDropsOfEverySocketOnThePortInBothTables(@TempDir Path dir) throws Exception {
    Path v4 = Files.writeString(dir.resolve("udp"), UDP, StandardCharsets.US_ASCII);
    Path v6 = Files.writeString(dir.resolve("udp6"), UDP6, StandardCharsets.US_ASCII);
    assertEquals(17 + 5 + 3, new UdpSocketDrops(5060, List.of(v4, v6)).read());
    assertEquals(999, new UdpSocketDrops(5072, List.of(v4, v6)).read());
    assertEquals(0, new UdpSocketDrops(5080, List.of(v4, v6)).read(), "no socket on the port: none dropped");
  }

  @Test
  void unreadableTablesAnswerUnknown(@TempDir Path dir) {
    assertEquals(-1, new UdpSocketDrops(5060, List.of(dir.resolve("absent"))).read());
    Path empty = dir.resolve("never-written");
    assertEquals(0, UdpSocketDrops.drops("", 5060));
    assertEquals(0, UdpSocketDrops.drops("header only\n", 5060));
    assertEquals(-1, new UdpSocketDrops(5060, List.of(empty)).read());
  }

  @Test
  void countsWhatTheKernelDropsAtARealSocketWhoseBufferIsFull() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "Linux only");
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    try (DatagramSocket full = new DatagramSocket(loopback); DatagramSocket sender = new DatagramSocket(loopback)) {
      full.setReceiveBufferSize(4096); // the kernel's minimum, a few datagrams; nobody reads it
      UdpSocketDrops drops = new UdpSocketDrops(full.getLocalPort());
      assertEquals(0, drops.read(), "a fresh socket has dropped nothing");
      byte[] payload = new byte[1000];
      for (int i = 0; i < 200; i++) { // loopback delivers (or drops) within send()
        sender.send(new DatagramPacket(payload, payload.length, full.getLocalSocketAddress()));
      }
      long dropped = drops.read();
      assertTrue(dropped > 100 && dropped <= 200, "most of 200 datagrams dropped at a 4 KB buffer: " + dropped);
    }
  }
}
