package ai.oneinbox.edge.sip.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The datagrams the kernel dropped at the UDP sockets bound to one local port because their receive buffer
 * was full: the sum of the {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6} over the
 * sockets whose local port it is (every SO_REUSEPORT channel of the SIP port). Linux only; elsewhere, or
 * when the files cannot be read, {@link #read} answers -1.
 */
public final class UdpSocketDrops {

  private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

  private final int port;
  private final List<Path> tables;

  public UdpSocketDrops(int port) {
    this(port, TABLES);
  }

  UdpSocketDrops(int port, List<Path> tables) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    this.port = port;
    this.tables = tables;
  }

  /** Drops so far at the port's sockets (a counter that only grows while they live); -1 when unknown. */
  public long read() {
    long sum = 0;
    boolean any = false;
    for (Path table : tables) {
      String text;
      try {
        text = Files.readString(table, StandardCharsets.US_ASCII);
      } catch (IOException | RuntimeException e) {
        continue; // no IPv6, or not Linux
      }
      any = true;
      sum += drops(text, port);
    }
    return any ? sum : -1;
  }

  /**
   * The drops of {@code port}'s sockets in one table's text: after a header line, one line per socket,
   * {@code sl local_address rem_address st ... drops} with the local address as {@code HEXADDR:HEXPORT} and
   * drops the last field. Lines that do not parse are skipped.
   */
  static long drops(String text, int port) {
    return text.lines().skip(1).mapToLong(line -> lineDrops(line, port)).sum(); // skip: the header
  }

  private static long lineDrops(String line, int port) {
    String[] fields = line.trim().split("\\s+");
    if (fields.length < 13) {
      return 0;
    }
    String local = fields[1];
    int colon = local.lastIndexOf(':');
    if (colon < 0) {
      return 0;
    }
    try {
      if (Integer.parseInt(local.substring(colon + 1), 16) != port) {
        return 0;
      }
      return Long.parseLong(fields[fields.length - 1]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
