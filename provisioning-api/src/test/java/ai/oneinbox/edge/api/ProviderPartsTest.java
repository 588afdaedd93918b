package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.provider.Redaction;
import ai.oneinbox.edge.api.provider.RetryPolicy;
import ai.oneinbox.edge.api.provider.Wiring;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure parts of the provider work: URI comparison, findings, backoff, config validation, redaction. */
class ProviderPartsTest {

    private static final E164 N = E164.of(14155550100L);
    private final ByoChecks checks = new ByoChecks(null, null, null, null, "sip:voice.oneinbox.ai:5060");

    @ParameterizedTest
    @CsvSource({
            "sip:voice.oneinbox.ai:5060, voice.oneinbox.ai:5060",
            "sip:voice.oneinbox.ai, voice.oneinbox.ai:5060",
            "SIPS:Voice.OneInbox.AI:5061;transport=tls, voice.oneinbox.ai:5061",
            "sip:edge@voice.oneinbox.ai;transport=udp, voice.oneinbox.ai:5060",
            "voice.oneinbox.ai:5080, voice.oneinbox.ai:5080"})
    void hostPortNormalisesSipUris(String uri, String expected) {
        assertEquals(expected, ByoChecks.hostPort(uri));
    }

    @ParameterizedTest
    @CsvSource({
            "acme.pstn.twilio.com, true",
            "sip:acme.pstn.twilio.com, true",
            "acme.pstn.ie1.twilio.com, true",
            "acme.twilio.com, false",
            "sip.example.com, false",
            "pstn.twilio.com.evil.example, false"})
    void twilioTerminationUriShape(String sipTrunk, boolean ok) {
        assertEquals(ok, ByoChecks.terminationProblem("twilio", sipTrunk).isEmpty());
        assertTrue(ByoChecks.terminationProblem("telnyx", sipTrunk).isEmpty(), "any SIP URI / FQDN for Telnyx");
    }

    @Test
    void findingsNameEachProblemOnceInTheirOrder() {
        Wiring clean = new Wiring(N, Optional.of("TK1"), Optional.of("acme.pstn.twilio.com"),
                List.of("sip:voice.oneinbox.ai:5060;transport=udp"), Optional.of("+e164"));
        assertEquals(List.of(), checks.findings(Provider.TWILIO, clean, Optional.of("acme.pstn.twilio.com")));
        assertEquals(List.of(), checks.findings(Provider.TWILIO, clean, Optional.of("sip:acme.pstn.twilio.com")));

        Wiring everything = new Wiring(N, Optional.of("1684"), Optional.of("other.example"), List.of("sip:pbx.example.net"),
                Optional.of("national"));
        assertEquals(List.of("no_origination_to_edge", "termination_mismatch", "inbound_number_format"),
                checks.findings(Provider.TELNYX, everything, Optional.of("sip.telnyx.com")).stream().map(ByoChecks.Finding::code).toList());

        Wiring loose = new Wiring(N, Optional.empty(), Optional.empty(), List.of(), Optional.empty());
        assertEquals(List.of("not_on_trunk"),
                checks.findings(Provider.TWILIO, loose, Optional.empty()).stream().map(ByoChecks.Finding::code).toList());
        assertEquals(List.of(), checks.findings(Provider.SANDBOX, loose, Optional.empty()));
    }

    @Test
    void backoffDoublesUpToItsCap() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(1));
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(300)),
                List.of(p.backoff(1), p.backoff(2), p.backoff(3), p.backoff(4)));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)));
    }

    @Test
    void providerConfigNamesTheKeyThatIsWrongAndNeverPrintsSecrets() {
        IllegalArgumentException noCreds = assertThrows(IllegalArgumentException.class, () -> new ProviderConfig("twilio"));
        assertTrue(noCreds.getMessage().startsWith("provider.twilio"), noCreds.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> new ProviderConfig("plivo"));
        assertTrue(unknown.getMessage().startsWith("provider.name"), unknown.getMessage());
        IllegalArgumentException badUrl = assertThrows(IllegalArgumentException.class,
                () -> ProviderConfig.Telnyx.DEFAULTS.withBaseUrl("api.telnyx.com/v2"));
        assertTrue(badUrl.getMessage().startsWith("provider.telnyx.base_url"), badUrl.getMessage());

        ProviderConfig c = ProviderConfig.DEFAULTS
                .withTwilio(new ProviderConfig.Twilio("AC" + "1".repeat(32), "twilio-secret-token", "", "TK1"))
                .withTelnyx(new ProviderConfig.Telnyx("telnyx-secret-key", "", "1"));
        assertFalse(c.toString().contains("twilio-secret-token") || c.toString().contains("telnyx-secret-key"), c.toString());
    }

    @Test
    void redactionRemovesSecretsAndBoundsLength() {
        assertEquals("token **** rejected", Redaction.redact("token abcd1234 rejected", List.of("abcd1234")));
        assertTrue(Redaction.redact("x".repeat(2000), List.of()).length() <= 501);
        assertEquals(64, Redaction.purchaseTag("k".repeat(200)).length());
    }
}
