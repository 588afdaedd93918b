package ai.oneinbox.edge.api.provider;

import ai.oneinbox.edge.routing.E164;
import java.util.List;
import java.util.Optional;

/**
 * The provider side of a number's wiring, as read from the provider: what the diagnostics compare with the
 * store and this edge's public SIP URI.
 *
 * @param number             the number
 * @param attachedTo         the trunk (Twilio trunk SID) or connection (Telnyx) the number is attached to
 * @param terminationDomain  the trunk's termination domain (e.g. {@code yourtrunk.pstn.twilio.com})
 * @param originationUris    where the provider sends the number's inbound calls
 * @param inboundNumberFormat how the provider writes the called number (e.g. {@code +e164})
 */
public record Wiring(E164 number, Optional<String> attachedTo, Optional<String> terminationDomain,
                     List<String> originationUris, Optional<String> inboundNumberFormat) {
    public Wiring {
        originationUris = List.copyOf(originationUris);
    }
}
