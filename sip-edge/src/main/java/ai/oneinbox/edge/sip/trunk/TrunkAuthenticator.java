package ai.oneinbox.edge.sip.trunk;

import ai.oneinbox.edge.routing.Cidr;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.Trunk;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Is this request from a trunk we serve? Two questions (ARCHITECTURE decision 5):
 *
 * <ol>
 *   <li>{@link #checkSource}: the source address is in a provider's published signaling ranges, an extra
 *       range ({@code sip.trunks.extra_cidrs} / {@code EDGE_TRUNK_CIDRS}), or a provisioned trunk's own
 *       ranges → accept; else a scanner's User-Agent → drop silently; else {@code 403}.</li>
 *   <li>{@link #checkBinding}: once the called number is known, the tenant at the provider must be the one
 *       that owns it — Twilio's {@code X-Twilio-AccountSid}, Telnyx's {@code X-Telnyx-Connection-Id}
 *       (docs/sip-headers.md) — because provider ranges are shared by all of the provider's customers.</li>
 * </ol>
 */
public final class TrunkAuthenticator {
  private final List<Range> ranges;
  private final List<String> scannerSignatures;

  private record Range(Cidr cidr, String label) {}

  public TrunkAuthenticator(SipEdgeConfig.Trunks config) {
    List<Range> r = new ArrayList<>();
    add(r, config.extraCidrs(), "trusted range");
    add(r, config.twilioCidrs(), "twilio range");
    add(r, config.telnyxCidrs(), "telnyx range");
    this.ranges = List.copyOf(r);
    this.scannerSignatures = config.scannerUserAgents().stream()
        .map(s -> s.toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
  }

  private static void add(List<Range> into, List<String> cidrs, String label) {
    for (String text : cidrs) {
      into.add(new Range(Cidr.parse(text), label));
    }
  }

  /** Step 1: by source address (and, for strangers, by User-Agent). */
  public AuthResult checkSource(InetAddress source, Optional<String> userAgent, List<Trunk> trunks) {
    for (int i = 0; i < ranges.size(); i++) {
      Range range = ranges.get(i);
      if (range.cidr().contains(source)) {
        return new AuthResult.Accept(range.label() + " " + range.cidr());
      }
    }
    for (int i = 0; i < trunks.size(); i++) {
      if (trunks.get(i).accepts(source)) {
        return new AuthResult.Accept("trunk " + trunks.get(i).id());
      }
    }
    if (userAgent.isPresent()) {
      String ua = userAgent.get().toLowerCase(Locale.ROOT);
      for (String signature : scannerSignatures) {
        if (ua.contains(signature)) {
          return new AuthResult.Drop("scanner user agent " + signature + " from " + source.getHostAddress());
        }
      }
    }
    return new AuthResult.Reject(403, "Forbidden (Untrusted Source)",
        "source " + source.getHostAddress() + " is not a trunk");
  }

  /** Step 2: the provider tenant named in the INVITE must own the called number. */
  public AuthResult checkBinding(Ownership ownership, Optional<String> twilioAccountSid,
      Optional<String> telnyxConnectionId) {
    if (ownership.binding().isEmpty()) {
      return new AuthResult.Accept("no binding for " + providerName(ownership.provider()));
    }
    String expected = ownership.binding().get();
    Optional<String> presented;
    String header;
    if (ownership.provider() == Provider.TWILIO) {
      presented = twilioAccountSid;
      header = "X-Twilio-AccountSid";
    } else if (ownership.provider() == Provider.TELNYX) {
      presented = telnyxConnectionId;
      header = "X-Telnyx-Connection-Id";
    } else {
      return new AuthResult.Accept("no binding check for " + providerName(ownership.provider()));
    }
    if (presented.isPresent() && presented.get().trim().equals(expected)) {
      return new AuthResult.Accept(header + " matches");
    }
    return new AuthResult.Reject(403, "Forbidden (Trunk Binding)",
        presented.isEmpty() ? header + " missing" : header + " does not own the number");
  }

  private static String providerName(Provider p) {
    return p.name().toLowerCase(Locale.ROOT);
  }
}
