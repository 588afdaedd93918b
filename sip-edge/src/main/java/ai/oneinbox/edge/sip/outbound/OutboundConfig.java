package ai.oneinbox.edge.sip.outbound;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code outbound} section of {@code config/edge.yaml}.
 *
 * @param platformTrunkUri where calls from numbers bought through Paths A/B go (the configured provider's
 *     termination URI, e.g. {@code sip:oneinbox.pstn.twilio.com}); empty: such numbers cannot call out
 * @param maxCallsPerNumber most outbound calls at once from one number; 0 = unlimited
 * @param maxCallsPerTrunk most outbound calls at once through one trunk when the trunk sets no
 *     {@code max_concurrent_calls} of its own; 0 = unlimited
 * @param retryAfter the {@code Retry-After} of a 503 for a limit reached
 * @param dnsServer the DNS server trunk hosts are resolved with (RFC 3263); empty: the system's
 * @param dnsMinTtl the shortest time an answer is cached (a TTL of 0 would mean a query per call)
 * @param dnsMaxTtl the longest time an answer is cached, whatever its TTL
 * @param authRealm the realm of the digest challenge to agents calling from an unregistered address;
 *     empty: {@code oneinbox}
 * @param nonceSecret what the agent-digest nonce key is derived from (the launcher passes the secrets
 *     key, which every node of one database shares); empty: a random key per node (one node only)
 * @param authAlgorithms the digest algorithms challenges offer, one {@code Proxy-Authenticate} each, most
 *     preferred first (RFC 8760 §2.4); {@code MD5} alone serves agents that take the topmost challenge even
 *     when they cannot answer it (SIPp 3.6, older phones)
 */
public record OutboundConfig(String platformTrunkUri, int maxCallsPerNumber, int maxCallsPerTrunk,
    Duration retryAfter, Optional<InetSocketAddress> dnsServer, Duration dnsMinTtl, Duration dnsMaxTtl,
    String authRealm, String nonceSecret, List<String> authAlgorithms) {

  /** Without agent-digest settings: realm {@code oneinbox}, a random nonce key. */
  public OutboundConfig(String platformTrunkUri, int maxCallsPerNumber, int maxCallsPerTrunk,
      Duration retryAfter, Optional<InetSocketAddress> dnsServer, Duration dnsMinTtl, Duration dnsMaxTtl) {
    this(platformTrunkUri, maxCallsPerNumber, maxCallsPerTrunk, retryAfter, dnsServer, dnsMinTtl, dnsMaxTtl,
        "", "", DEFAULT_AUTH_ALGORITHMS);
  }

  /** SHA-256 first, MD5 for the agents that know no better. */
  public static final List<String> DEFAULT_AUTH_ALGORITHMS = List.of("SHA-256", "MD5");

  public OutboundConfig {
    Objects.requireNonNull(platformTrunkUri, "platformTrunkUri");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(dnsServer, "dnsServer");
    Objects.requireNonNull(dnsMinTtl, "dnsMinTtl");
    Objects.requireNonNull(dnsMaxTtl, "dnsMaxTtl");
    Objects.requireNonNull(authRealm, "authRealm");
    Objects.requireNonNull(nonceSecret, "nonceSecret");
    authAlgorithms = List.copyOf(authAlgorithms);
    if (authAlgorithms.isEmpty() || !List.of("SHA-256", "MD5").containsAll(authAlgorithms)
        || Set.copyOf(authAlgorithms).size() != authAlgorithms.size()) {
      throw new IllegalArgumentException("outbound.auth_algorithms must list SHA-256 and/or MD5 once each: "
          + authAlgorithms);
    }
    if (authRealm.indexOf('"') >= 0 || authRealm.indexOf('\\') >= 0) {
      throw new IllegalArgumentException("outbound.auth_realm must not contain quotes or backslashes");
    }
    if (maxCallsPerNumber < 0 || maxCallsPerTrunk < 0) {
      throw new IllegalArgumentException("outbound call limits must be >= 0 (0 = unlimited)");
    }
    if (dnsMinTtl.compareTo(dnsMaxTtl) > 0) {
      throw new IllegalArgumentException("outbound.dns_min_ttl must not exceed outbound.dns_max_ttl");
    }
  }

  /** The file's defaults. */
  public static OutboundConfig defaults() {
    return new OutboundConfig("", 10, 0, Duration.ofSeconds(5), Optional.empty(), Duration.ofSeconds(5),
        Duration.ofHours(1));
  }

  /** The realm challenges name. */
  public String realm() {
    return authRealm.isEmpty() ? "oneinbox" : authRealm;
  }

  @Override
  public String toString() {
    return "OutboundConfig[platformTrunkUri=" + platformTrunkUri + ", maxCallsPerNumber=" + maxCallsPerNumber
        + ", maxCallsPerTrunk=" + maxCallsPerTrunk + ", retryAfter=" + retryAfter + ", dnsServer=" + dnsServer
        + ", dnsMinTtl=" + dnsMinTtl + ", dnsMaxTtl=" + dnsMaxTtl + ", authRealm=" + authRealm
        + ", nonceSecret=***, authAlgorithms=" + authAlgorithms + ']';
  }
}
