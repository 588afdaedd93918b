package ai.oneinbox.edge.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A provisioned SIP trunk: where its calls come from and where outbound calls go.
 *
 * @param id the trunk's id
 * @param provider who runs it
 * @param terminationUri the SIP URI outbound calls are sent to (e.g. {@code sip:x.pstn.twilio.com})
 * @param sourceCidrs the addresses its INVITEs come from (besides the provider's published ranges)
 * @param integrationId the OneInbox integration it belongs to
 * @param binding the tenant at the provider (Twilio account SID or Telnyx connection id)
 * @param maxConcurrentCalls most calls at once; 0 = unlimited
 * @param credentials what the edge answers the trunk's digest challenges with on outbound calls
 */
public record Trunk(String id, Provider provider, String terminationUri, List<Cidr> sourceCidrs,
                    Optional<String> integrationId, Optional<String> binding,
                    int maxConcurrentCalls, Optional<TrunkCredentials> credentials) {
  public Trunk {
    Objects.requireNonNull(credentials, "credentials");
    Ids.require(id, "id");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(terminationUri, "terminationUri");
    sourceCidrs = List.copyOf(sourceCidrs);
    Ids.requireOptional(integrationId, "integrationId");
    Ids.requireOptional(binding, "binding");
    if (maxConcurrentCalls < 0) {
      throw new IllegalArgumentException("maxConcurrentCalls must be >= 0 (0 = unlimited): "
          + maxConcurrentCalls);
    }
  }

  /** A trunk without SIP credentials (the edge cannot answer its challenges). */
  public Trunk(String id, Provider provider, String terminationUri, List<Cidr> sourceCidrs,
      Optional<String> integrationId, Optional<String> binding, int maxConcurrentCalls) {
    this(id, provider, terminationUri, sourceCidrs, integrationId, binding, maxConcurrentCalls,
        Optional.empty());
  }

  /** The same trunk with {@code value} as its credentials. */
  public Trunk withCredentials(Optional<TrunkCredentials> value) {
    return new Trunk(id, provider, terminationUri, sourceCidrs, integrationId, binding, maxConcurrentCalls,
        value);
  }

  /** Whether an INVITE from {@code source} comes from one of this trunk's own ranges. */
  public boolean accepts(java.net.InetAddress source) {
    for (int i = 0; i < sourceCidrs.size(); i++) { // indexed: no iterator on the INVITE path
      if (sourceCidrs.get(i).contains(source)) {
        return true;
      }
    }
    return false;
  }
}
