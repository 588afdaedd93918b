package ai.oneinbox.edge.routing;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 54.172.60.0/23}, {@code 2001:db8::/32}).
 * {@link #contains} runs on every INVITE's source address and allocates nothing for IPv4 and for byte
 * arrays. An IPv4 range also contains the IPv4-mapped IPv6 form of its addresses ({@code ::ffff:a.b.c.d}),
 * as dual-stack sockets report them.
 *
 * <p>Parsing reads address literals only (never DNS) and rejects a range with host bits set
 * ({@code 10.0.0.1/8}), since that is usually a typo for another range.
 */
public final class Cidr {
  private final boolean ipv6;
  private final int prefixLength;
  // The address: IPv4 in the low 32 bits of lo; IPv6 as two 64-bit halves.
  private final long hi;
  private final long lo;
  private final long maskHi;
  private final long maskLo;

  private Cidr(boolean ipv6, long hi, long lo, int prefixLength) {
    this.ipv6 = ipv6;
    this.hi = hi;
    this.lo = lo;
    this.prefixLength = prefixLength;
    if (ipv6) {
      this.maskHi = prefixLength == 0 ? 0 : prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
      this.maskLo = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
    } else {
      this.maskHi = 0;
      this.maskLo = prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
    }
  }

  /**
   * Reads {@code address/prefix}, or a single address (a /32 or /128 range).
   *
   * @throws IllegalArgumentException naming what is wrong with the text
   */
  public static Cidr parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    boolean ipv6 = address.indexOf(':') >= 0;
    int max = ipv6 ? 128 : 32;
    int prefix = max;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("CIDR " + quote(text) + ": prefix length "
            + quote(p) + " is not a number");
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        throw new IllegalArgumentException("CIDR " + quote(text) + ": prefix length " + prefix
            + " exceeds " + max);
      }
    }
    Cidr cidr;
    if (ipv6) {
      long[] halves = parseIpv6(address, text);
      cidr = new Cidr(true, halves[0], halves[1], prefix);
    } else {
      cidr = new Cidr(false, 0, parseIpv4(address, text) & 0xFFFF_FFFFL, prefix);
    }
    if ((cidr.hi & ~cidr.maskHi) != 0 || (cidr.lo & ~cidr.maskLo) != 0) {
      throw new IllegalArgumentException("CIDR " + quote(text) + ": host bits are set after the /"
          + prefix + " prefix");
    }
    return cidr;
  }

  /** Whether this is an IPv6 range. */
  public boolean isIpv6() {
    return ipv6;
  }

  public int prefixLength() {
    return prefixLength;
  }

  /** Whether {@code address} is in this range. Allocates nothing for IPv4 addresses. */
  public boolean contains(InetAddress address) {
    if (address instanceof Inet4Address) {
      // Inet4Address.hashCode() is its address as an int, so no byte[] copy is made.
      return containsIpv4(address.hashCode());
    }
    return contains(address.getAddress());
  }

  /** Whether the address in network byte order (4 or 16 bytes) is in this range. */
  public boolean contains(byte[] address) {
    if (address.length == 4) {
      return !ipv6 && containsIpv4(readInt(address, 0));
    }
    if (address.length != 16) {
      return false;
    }
    long aHi = readLong(address, 0);
    long aLo = readLong(address, 8);
    if (ipv6) {
      return (aHi & maskHi) == hi && (aLo & maskLo) == lo;
    }
    // ::ffff:a.b.c.d, the IPv4-mapped form
    return aHi == 0 && (aLo >>> 32) == 0xFFFFL && containsIpv4((int) aLo);
  }

  /** Whether the IPv4 address {@code address} (as an int, network order) is in this range. */
  public boolean containsIpv4(int address) {
    return !ipv6 && ((address & 0xFFFF_FFFFL) & maskLo) == lo;
  }

  long ipv4Network() {
    return lo;
  }

  long ipv4Mask() {
    return maskLo;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.ipv6 == ipv6 && c.hi == hi && c.lo == lo
        && c.prefixLength == prefixLength;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi * 31 + lo) * 31 + prefixLength;
  }

  /** The canonical form: {@code 54.172.60.0/23}, {@code 2001:db8::/32} (RFC 5952). */
  @Override
  public String toString() {
    if (!ipv6) {
      return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "."
          + (lo & 0xFF) + "/" + prefixLength;
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
      groups[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
    }
    // RFC 5952 §4.2: the longest run (first if tied) of two or more zero groups becomes "::".
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLen - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(groups[i]));
    }
    return b.append('/').append(prefixLength).toString();
  }

  private static int parseIpv4(String address, String text) {
    int value = 0;
    int octets = 0;
    int i = 0;
    int n = address.length();
    while (i <= n) {
      int start = i;
      int octet = 0;
      while (i < n && address.charAt(i) >= '0' && address.charAt(i) <= '9') {
        octet = octet * 10 + (address.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          break;
        }
      }
      if (i == start || i - start > 3 || octet > 255 || (i - start > 1 && address.charAt(start) == '0')) {
        throw new IllegalArgumentException("CIDR " + quote(text) + ": " + quote(address)
            + " is not an IPv4 address (four decimal octets 0-255)");
      }
      value = (value << 8) | octet;
      octets++;
      if (i == n) {
        break;
      }
      if (address.charAt(i) != '.' || octets == 4) {
        throw new IllegalArgumentException("CIDR " + quote(text) + ": " + quote(address)
            + " is not an IPv4 address (four decimal octets 0-255)");
      }
      i++;
    }
    if (octets != 4) {
      throw new IllegalArgumentException("CIDR " + quote(text) + ": " + quote(address)
          + " is not an IPv4 address (four decimal octets 0-255)");
    }
    return value;
  }

  private static long[] parseIpv6(String address, String text) {
    IllegalArgumentException bad = new IllegalArgumentException("CIDR " + quote(text) + ": "
        + quote(address) + " is not an IPv6 address literal");
    int[] groups = new int[8];
    int count = 0;
    int compressAt = -1;
    int i = 0;
    int n = address.length();
    if (address.startsWith("::")) {
      compressAt = 0;
      i = 2;
    }
    while (i < n) {
      int start = i;
      int group = 0;
      while (i < n && Character.digit(address.charAt(i), 16) >= 0 && i - start < 4) {
        group = (group << 4) | Character.digit(address.charAt(i), 16);
        i++;
      }
      if (i < n && address.charAt(i) == '.') {
        // An embedded IPv4 address in the last 32 bits (::ffff:192.0.2.1).
        if (count > 6) {
          throw bad;
        }
        int v4 = parseIpv4(address.substring(start), text);
        groups[count++] = v4 >>> 16;
        groups[count++] = v4 & 0xFFFF;
        i = n;
        break;
      }
      if (i == start || count == 8) {
        throw bad;
      }
      groups[count++] = group;
      if (i == n) {
        break;
      }
      if (address.charAt(i) != ':') {
        throw bad;
      }
      i++;
      if (i < n && address.charAt(i) == ':') {
        if (compressAt >= 0) {
          throw bad;
        }
        compressAt = count;
        i++;
      } else if (i == n) {
        throw bad;
      }
    }
    if (compressAt >= 0) {
      if (count > 7) {
        throw bad;
      }
      int move = count - compressAt;
      System.arraycopy(groups, compressAt, groups, 8 - move, move);
      for (int k = compressAt; k < 8 - move; k++) {
        groups[k] = 0;
      }
    } else if (count != 8) {
      throw bad;
    }
    long h = 0;
    long l = 0;
    for (int k = 0; k < 4; k++) {
      h = (h << 16) | groups[k];
      l = (l << 16) | groups[k + 4];
    }
    return new long[] {h, l};
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  private static long readLong(byte[] b, int at) {
    return ((long) readInt(b, at) << 32) | (readInt(b, at + 4) & 0xFFFF_FFFFL);
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
