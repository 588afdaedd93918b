package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.sip.message.SipUri;
import ai.oneinbox.edge.sip.message.Via;
import ai.oneinbox.edge.sip.transport.TransportKind;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Who the edge is on the wire: the advertised host and the port of each transport. It writes our Via and
 * Record-Route values and recognises them (and Routes naming us) when they come back.
 *
 * <p>The checks run several times on every message (each Route, the Request-URI, a response's top Via), so
 * the names and ports are also kept as plain arrays: a check is a few compares, with nothing allocated.
 */
public final class LocalIdentity {
  private final String host;
  private final Map<TransportKind, Integer> ports;
  private final Set<String> aliases;
  /** {@code host} then the aliases, lower case. */
  private final String[] names;
  /** The distinct listening ports. */
  private final int[] listening;

  /**
   * @param host    the advertised host (name or address; an IPv6 address with brackets)
   * @param ports   the listening port of each transport the edge runs
   * @param aliases other hosts that also mean us (the bound addresses, loopback when bound to a wildcard)
   */
  public LocalIdentity(String host, Map<TransportKind, Integer> ports, Set<String> aliases) {
    this.host = host.toLowerCase(Locale.ROOT);
    this.ports = Map.copyOf(new EnumMap<>(ports));
    this.aliases = Set.copyOf(aliases.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList());
    if (!this.ports.containsKey(TransportKind.UDP)) {
      throw new IllegalArgumentException("the edge always runs UDP");
    }
    this.names = Stream.concat(Stream.of(this.host), this.aliases.stream().filter(a -> !a.equals(this.host)))
        .toArray(String[]::new);
    this.listening = this.ports.values().stream().mapToInt(Integer::intValue).distinct().toArray();
  }

  /** The advertised host, lower case. */
  public String host() {
    return host;
  }

  /** The listening port of each transport. */
  public Map<TransportKind, Integer> ports() {
    return ports;
  }

  /** The other hosts that mean us, lower case. */
  public Set<String> aliases() {
    return aliases;
  }

  @Override
  public String toString() {
    return "LocalIdentity[host=" + host + ", ports=" + ports + ", aliases=" + aliases + ']';
  }

  int port(TransportKind kind) {
    Integer p = ports.get(kind);
    return p != null ? p : ports.get(TransportKind.UDP);
  }

  /** {@code SIP/2.0/UDP host:port;branch=...} — what we push on a forwarded request. */
  public String via(TransportKind kind, String branch) {
    return "SIP/2.0/" + kind.viaName() + ' ' + host + ':' + port(kind) + ";branch=" + branch;
  }

  /** Our Record-Route value for requests that leave over {@code kind}, with {@code extra} parameters. */
  public String recordRoute(TransportKind kind, String extra) {
    StringBuilder b = new StringBuilder(64).append("<sip:").append(host).append(':').append(port(kind));
    if (kind != TransportKind.UDP) {
      b.append(";transport=").append(kind.viaName().toLowerCase(Locale.ROOT));
    }
    return b.append(";lr").append(extra).append('>').toString();
  }

  boolean isOurHost(String otherHost) {
    for (String name : names) {
      if (name.equalsIgnoreCase(otherHost)) {
        return true;
      }
    }
    return false;
  }

  private boolean isOurPort(int port) {
    for (int p : listening) {
      if (p == port) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code uri} names this edge (a Route we put there, or a Request-URI addressed to us). */
  public boolean isUs(SipUri uri) {
    if (!uri.isSip() || !isOurHost(uri.host())) {
      return false;
    }
    return isOurPort(uri.port().orElse("sips".equals(uri.scheme()) ? 5061 : 5060));
  }

  /** True when {@code via}'s sent-by is ours: a response on its way back through us. */
  boolean isOurs(Via via) {
    if (!isOurHost(via.host())) {
      return false;
    }
    return isOurPort(via.port().orElse(5060));
  }
}
