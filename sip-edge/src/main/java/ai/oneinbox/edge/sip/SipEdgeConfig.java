package ai.oneinbox.edge.sip;

import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.transaction.SipTimers;
import ai.oneinbox.edge.sip.transport.SipTransportConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The SIP edge's configuration: mirrors the {@code sip:} section of {@code config/edge.yaml} key by key
 * (snake_case there, camelCase here), plus {@code routing.default_region} (to read called numbers) and
 * {@code data_dir} (where a self-signed TLS pair is kept). {@link #defaults()} equals the file's defaults.
 * The platform voicemail message is the routing table's ({@code RoutingConfig}), not repeated here.
 *
 * @param host                  {@code sip.host}: address the listeners bind
 * @param port                  {@code sip.port}: UDP and TCP port (0 = any free port, for tests)
 * @param advertisedHost        {@code sip.advertised_host}: host written into Via and Record-Route; empty =
 *                              {@code host}, or the first non-loopback address when {@code host} is a wildcard
 * @param udpChannels           {@code sip.udp_channels}: 0 = number of processors
 * @param tls                   {@code sip.tls}
 * @param limits                {@code sip.limits}
 * @param timers                {@code sip.timers}: T1, T2, T4
 * @param failover              {@code sip.failover}
 * @param voicemailUri          {@code sip.voicemail_uri} (env {@code EDGE_VOICEMAIL_URI})
 * @param drainRetryAfter       {@code sip.drain_retry_after}
 * @param trunks                {@code sip.trunks}
 * @param health                {@code sip.health}
 * @param defaultRegion         {@code routing.default_region}: region for national-format numbers
 * @param dataDir               {@code data_dir}
 * @param maxTransactions       bound of the transaction tables (not in the file; new INVITEs beyond it → 503),
 *                              and of the lingering records (4 per entry); the live tables are also bounded by
 *                              the heap ({@code ProxyCore.liveBound}, docs/decisions/0009)
 */
public record SipEdgeConfig(
    String host,
    int port,
    String advertisedHost,
    int udpChannels,
    Tls tls,
    SipLimits limits,
    SipTimers timers,
    Failover failover,
    String voicemailUri,
    Duration drainRetryAfter,
    Trunks trunks,
    Health health,
    String defaultRegion,
    Path dataDir,
    int maxTransactions) {

  public SipEdgeConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(advertisedHost, "advertisedHost");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(timers, "timers");
    Objects.requireNonNull(failover, "failover");
    Objects.requireNonNull(voicemailUri, "voicemailUri");
    Objects.requireNonNull(drainRetryAfter, "drainRetryAfter");
    Objects.requireNonNull(trunks, "trunks");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(defaultRegion, "defaultRegion");
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("sip.port out of range: " + port);
    }
    if (udpChannels < 0) {
      throw new IllegalArgumentException("sip.udp_channels must not be negative: " + udpChannels);
    }
    if (!voicemailUri.startsWith("sip:") && !voicemailUri.startsWith("sips:")) {
      throw new IllegalArgumentException("sip.voicemail_uri must be a sip: or sips: URI: " + voicemailUri);
    }
    if (maxTransactions < 1) {
      throw new IllegalArgumentException("maxTransactions must be positive: " + maxTransactions);
    }
  }

  /** {@code sip.tls}. TLS runs when both files are set, or {@code selfSigned} is true. */
  public record Tls(int port, Optional<Path> certificate, Optional<Path> privateKey, boolean selfSigned) {
    public static final Tls DEFAULT = new Tls(5061, Optional.empty(), Optional.empty(), false);

    public boolean enabled() {
      return selfSigned || (certificate.isPresent() && privateKey.isPresent());
    }
  }

  /**
   * {@code sip.failover}.
   *
   * @param provisionalTimeout no provisional answer from an agent within this → next target
   * @param finalStatuses      agent answers that end the call instead of failing over
   */
  public record Failover(Duration provisionalTimeout, Set<Integer> finalStatuses) {
    public static final Failover DEFAULT = new Failover(Duration.ofSeconds(2), Set.of(486, 600, 603));

    public Failover {
      finalStatuses = Set.copyOf(finalStatuses);
    }
  }

  /**
   * {@code sip.trunks}: the source ranges trusted as trunks (provider ranges, extra ranges — env
   * {@code EDGE_TRUNK_CIDRS} — and, at run time, each provisioned trunk's own) and the scanner signatures.
   * Ranges are CIDR strings ({@code 54.172.60.0/23}, {@code ::1/128}).
   */
  public record Trunks(List<String> extraCidrs, List<String> twilioCidrs, List<String> telnyxCidrs,
      List<String> scannerUserAgents) {
    public static final Trunks DEFAULT = new Trunks(
        List.of(),
        List.of("54.172.60.0/23", "34.203.250.0/23", "54.244.51.0/24", "54.171.127.192/26",
            "52.215.127.0/24", "35.156.191.128/25", "3.122.181.0/24", "54.65.63.192/26", "3.112.80.0/24",
            "54.169.127.128/26", "3.1.77.0/24", "54.252.254.64/26", "3.104.90.0/24", "177.71.206.192/26",
            "18.228.249.0/24"),
        List.of("192.76.120.10/32", "64.16.250.10/32", "185.246.41.140/32", "185.246.41.141/32",
            "103.115.244.145/32", "103.115.244.146/32"),
        List.of("friendly-scanner", "sipvicious", "sipcli", "sip-scan", "sipsak", "iWar", "VaxSIPUserAgent",
            "pplsip"));

    public Trunks {
      extraCidrs = List.copyOf(extraCidrs);
      twilioCidrs = List.copyOf(twilioCidrs);
      telnyxCidrs = List.copyOf(telnyxCidrs);
      scannerUserAgents = List.copyOf(scannerUserAgents);
    }
  }

  /** {@code sip.health}: OPTIONS probes of agent endpoints with hysteresis. */
  public record Health(Duration interval, Duration timeout, int downAfter, int upAfter) {
    public static final Health DEFAULT = new Health(Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 2);

    public Health {
      if (downAfter < 1 || upAfter < 1) {
        throw new IllegalArgumentException("sip.health down_after and up_after must be at least 1");
      }
    }
  }

  public static final String DEFAULT_VOICEMAIL_URI = "sip:voicemail@127.0.0.1:5090";
  public static final int DEFAULT_MAX_TRANSACTIONS = 200_000;

  /** The defaults of {@code config/edge.yaml}. */
  public static SipEdgeConfig defaults() {
    return new SipEdgeConfig("0.0.0.0", 5060, "", 0, Tls.DEFAULT, SipLimits.DEFAULTS, SipTimers.DEFAULT,
        Failover.DEFAULT, DEFAULT_VOICEMAIL_URI, Duration.ofSeconds(30), Trunks.DEFAULT, Health.DEFAULT, "US",
        Path.of("data"), DEFAULT_MAX_TRANSACTIONS);
  }

  /** This configuration listening on {@code newHost:newPort} (tests and tools: 127.0.0.1, port 0). */
  public SipEdgeConfig withAddress(String newHost, int newPort) {
    return new SipEdgeConfig(newHost, newPort, advertisedHost, udpChannels, tls, limits, timers, failover,
        voicemailUri, drainRetryAfter, trunks, health, defaultRegion, dataDir, maxTransactions);
  }

  /** This configuration with {@code sip.udp_channels} set (0 = one per processor). */
  public SipEdgeConfig withUdpChannels(int channels) {
    return new SipEdgeConfig(host, port, advertisedHost, channels, tls, limits, timers, failover,
        voicemailUri, drainRetryAfter, trunks, health, defaultRegion, dataDir, maxTransactions);
  }

  /** This configuration with {@code sip.max_transactions} set. */
  public SipEdgeConfig withMaxTransactions(int max) {
    return new SipEdgeConfig(host, port, advertisedHost, udpChannels, tls, limits, timers, failover,
        voicemailUri, drainRetryAfter, trunks, health, defaultRegion, dataDir, max);
  }

  /** This configuration with {@code sip.trunks.extra_cidrs} set ({@code EDGE_TRUNK_CIDRS}). */
  public SipEdgeConfig withExtraTrunkCidrs(List<String> cidrs) {
    return new SipEdgeConfig(host, port, advertisedHost, udpChannels, tls, limits, timers, failover,
        voicemailUri, drainRetryAfter,
        new Trunks(cidrs, trunks.twilioCidrs(), trunks.telnyxCidrs(), trunks.scannerUserAgents()), health,
        defaultRegion, dataDir, maxTransactions);
  }

  /** This configuration with another voicemail URI ({@code EDGE_VOICEMAIL_URI}). */
  public SipEdgeConfig withVoicemailUri(String uri) {
    return new SipEdgeConfig(host, port, advertisedHost, udpChannels, tls, limits, timers, failover, uri,
        drainRetryAfter, trunks, health, defaultRegion, dataDir, maxTransactions);
  }

  /** This configuration with other failover settings. */
  public SipEdgeConfig withFailover(Failover newFailover) {
    return new SipEdgeConfig(host, port, advertisedHost, udpChannels, tls, limits, timers, newFailover,
        voicemailUri, drainRetryAfter, trunks, health, defaultRegion, dataDir, maxTransactions);
  }

  /** This configuration with other health-probe settings. */
  public SipEdgeConfig withHealth(Health newHealth) {
    return new SipEdgeConfig(host, port, advertisedHost, udpChannels, tls, limits, timers, failover,
        voicemailUri, drainRetryAfter, trunks, newHealth, defaultRegion, dataDir, maxTransactions);
  }

  /** The listener part, for the transports. */
  public SipTransportConfig transportConfig() {
    Optional<SipTransportConfig.Tls> t = tls.enabled()
        ? Optional.of(new SipTransportConfig.Tls(tls.port(), tls.certificate(), tls.privateKey(),
            tls.selfSigned(), dataDir))
        : Optional.empty();
    return new SipTransportConfig(host, port, udpChannels, t, limits);
  }
}
