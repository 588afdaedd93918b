package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.sip.message.SipUri;
import ai.oneinbox.edge.sip.message.Via;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a message goes: the next hop of a request from a SIP URI (RFC 3263 without NAPTR/SRV: the URI's
 * transport parameter, host and port), and the previous hop of a response from a Via (RFC 3261 §18.2.2 with
 * RFC 3581: {@code received} and {@code rport} first).
 */
final class Destinations {
  private Destinations() {}

  /** A next hop: where and over what. */
  record Hop(TransportKind transport, InetSocketAddress address) {}

  static Optional<Hop> forUri(SipUri uri) {
    if (!uri.isSip()) {
      return Optional.empty();
    }
    TransportKind kind;
    if ("sips".equals(uri.scheme())) {
      kind = TransportKind.TLS;
    } else {
      Optional<String> t = uri.parameter("transport");
      if (t.isEmpty()) {
        kind = TransportKind.UDP;
      } else {
        Optional<TransportKind> named = TransportKind.fromViaName(t.get().toUpperCase(Locale.ROOT));
        if (named.isEmpty()) {
          return Optional.empty();
        }
        kind = named.get();
      }
    }
    String host = uri.parameter("maddr").filter(m -> !m.isEmpty()).orElse(uri.host());
    int port = uri.port().orElse(kind == TransportKind.TLS ? 5061 : 5060);
    return address(host, port).map(a -> new Hop(kind, a));
  }

  static Optional<Hop> forResponse(Via via) {
    Optional<TransportKind> kind = TransportKind.fromViaName(via.transport());
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    String host = via.received().filter(r -> !r.isEmpty()).orElse(via.host());
    int port = via.rport().orElse(via.port().orElse(kind.get() == TransportKind.TLS ? 5061 : 5060));
    return address(host, port).map(a -> new Hop(kind.get(), a));
  }

  /**
   * An address literal is converted without any lookup; a name is resolved by the system resolver (agent
   * endpoints and trunks are normally configured by address; a name costs a lookup that the JVM caches).
   */
  static Optional<InetSocketAddress> address(String host, int port) {
    int slot = (host.hashCode() * 31 + port) & (LITERALS.length - 1);
    Literal seen = LITERALS[slot];
    if (seen != null && seen.port == port && seen.host.equals(host)) {
      return Optional.of(seen.address);
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    byte[] literal = NetUtil.createByteArrayFromIpAddressString(h);
    try {
      InetAddress a = literal != null ? InetAddress.getByAddress(literal) : InetAddress.getByName(h);
      InetSocketAddress address = new InetSocketAddress(a, port);
      if (literal != null) {
        LITERALS[slot] = new Literal(host, port, address);
      }
      return Optional.of(address);
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * Address literals seen lately, so the calls to one agent share one address object (transactions keep
   * theirs for up to 64*T1). Names are not cached here: their answers can change. Racy by design: an entry
   * is immutable, and a slot lost to another thread only costs a new address.
   */
  private static final Literal[] LITERALS = new Literal[256];

  private static final class Literal {
    final String host;
    final int port;
    final InetSocketAddress address;

    Literal(String host, int port, InetSocketAddress address) {
      this.host = host;
      this.port = port;
      this.address = address;
    }
  }
}
