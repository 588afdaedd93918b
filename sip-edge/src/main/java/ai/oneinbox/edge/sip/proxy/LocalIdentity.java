package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.sip.message.SipUri;
import ai.oneinbox.edge.sip.message.Via;
import ai.oneinbox.edge.sip.transport.TransportKind;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who the edge is on the wire: the advertised host and the port of each transport. It writes our Via and
 * Record-Route values and recognises them (and Routes naming us) when they come back.
 *
 * @param host  the advertised host (name or address; an IPv6 address with brackets)
 * @param ports the listening port of each transport the edge runs
 * @param aliases other hosts that also mean us (the bound addresses, loopback when bound to a wildcard)
 */
public record LocalIdentity(String host, Map<TransportKind, Integer> ports, Set<String> aliases) {

  public LocalIdentity {
    host = host.toLowerCase(Locale.ROOT);
    ports = Map.copyOf(new EnumMap<>(ports));
    aliases = Set.copyOf(aliases.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList());
    if (!ports.containsKey(TransportKind.UDP)) {
      throw new IllegalArgumentException("the edge always runs UDP");
    }
  }

  int port(TransportKind kind) {
    Integer p = ports.get(kind);
    return p != null ? p : ports.get(TransportKind.UDP);
  }

  /** {@code SIP/2.0/UDP host:port;branch=...} — what we push on a forwarded request. */
  String via(TransportKind kind, String branch) {
    return "SIP/2.0/" + kind.viaName() + ' ' + host + ':' + port(kind) + ";branch=" + branch;
  }

  /** Our Record-Route value for requests that leave over {@code kind}, with {@code extra} parameters. */
  String recordRoute(TransportKind kind, String extra) {
    StringBuilder b = new StringBuilder(64).append("<sip:").append(host).append(':').append(port(kind));
    if (kind != TransportKind.UDP) {
      b.append(";transport=").append(kind.viaName().toLowerCase(Locale.ROOT));
    }
    return b.append(";lr").append(extra).append('>').toString();
  }

  boolean isOurHost(String otherHost) {
    String h = otherHost.toLowerCase(Locale.ROOT);
    return h.equals(host) || aliases.contains(h);
  }

  /** True when {@code uri} names this edge (a Route we put there, or a Request-URI addressed to us). */
  boolean isUs(SipUri uri) {
    if (!uri.isSip() || !isOurHost(uri.host())) {
      return false;
    }
    int p = uri.port().orElse("sips".equals(uri.scheme()) ? 5061 : 5060);
    return ports.containsValue(p);
  }

  /** True when {@code via}'s sent-by is ours: a response on its way back through us. */
  boolean isOurs(Via via) {
    if (!isOurHost(via.host())) {
      return false;
    }
    int p = via.port().orElse(5060);
    return ports.containsValue(p);
  }
}
