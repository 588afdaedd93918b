package ai.oneinbox.edge.routing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;

/**
 * A fixed set of ranges checked together, e.g. a provider's published signaling ranges. Reads the
 * address once (no copy at all for IPv4, one 16-byte copy for IPv6) and scans flat arrays, so the
 * trunk check of an INVITE costs a few nanoseconds per range.
 */
public final class CidrSet {
  private final List<Cidr> cidrs;
  private final Cidr[] all;
  private final long[] v4Networks;
  private final long[] v4Masks;

  private CidrSet(List<Cidr> cidrs) {
    this.cidrs = cidrs;
    this.all = cidrs.toArray(new Cidr[0]);
    int v4 = (int) cidrs.stream().filter(c -> !c.isIpv6()).count();
    this.v4Networks = new long[v4];
    this.v4Masks = new long[v4];
    int i = 0;
    for (Cidr c : cidrs) {
      if (!c.isIpv6()) {
        v4Networks[i] = c.ipv4Network();
        v4Masks[i] = c.ipv4Mask();
        i++;
      }
    }
  }

  public static CidrSet of(Collection<Cidr> cidrs) {
    return new CidrSet(List.copyOf(cidrs));
  }

  /** The ranges, in the order given. */
  public List<Cidr> cidrs() {
    return cidrs;
  }

  public boolean isEmpty() {
    return all.length == 0;
  }

  /** Whether any range contains {@code address}. */
  public boolean contains(InetAddress address) {
    if (address instanceof Inet4Address) {
      return containsIpv4(address.hashCode()); // Inet4Address.hashCode() is the address
    }
    return contains(address.getAddress());
  }

  /** Whether any range contains the address in network byte order (4 or 16 bytes). */
  public boolean contains(byte[] address) {
    for (Cidr c : all) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Whether any IPv4 range contains the IPv4 address {@code address} (network order as an int). */
  public boolean containsIpv4(int address) {
    long a = address & 0xFFFF_FFFFL;
    for (int i = 0; i < v4Networks.length; i++) {
      if ((a & v4Masks[i]) == v4Networks[i]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return cidrs.toString();
  }
}
