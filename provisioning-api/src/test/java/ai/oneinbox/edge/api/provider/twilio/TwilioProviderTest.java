package ai.oneinbox.edge.api.provider.twilio;

import static ai.oneinbox.edge.api.provider.Recorded.await;
import static ai.oneinbox.edge.api.provider.Recorded.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.provider.AvailableNumber;
import ai.oneinbox.edge.api.provider.CredentialCheck;
import ai.oneinbox.edge.api.provider.FakeHttp.Answer;
import ai.oneinbox.edge.api.provider.FakeTwilio;
import ai.oneinbox.edge.api.provider.NumberSearch;
import ai.oneinbox.edge.api.provider.NumberType;
import ai.oneinbox.edge.api.provider.OwnedNumber;
import ai.oneinbox.edge.api.provider.ProviderCalls;
import ai.oneinbox.edge.api.provider.ProviderException;
import ai.oneinbox.edge.api.provider.PurchaseRequest;
import ai.oneinbox.edge.api.provider.PurchaseResult;
import ai.oneinbox.edge.api.provider.Recorded;
import ai.oneinbox.edge.api.provider.RetryPolicy;
import ai.oneinbox.edge.api.provider.Wiring;
import ai.oneinbox.edge.routing.E164;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real Twilio SDK against a local fake of Twilio's REST API. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwilioProviderTest {

    static final String SID = "AC" + "1".repeat(32);
    static final String TOKEN = "tok_secret_0123456789abcdef";
    static final String TRUNK = "TK" + "a".repeat(32);

    private Vertx vertx;
    private FakeTwilio fake;
    private Recorded sleeper;
    private ProviderCalls calls;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        fake = new FakeTwilio();
        fake.account(SID, TOKEN);
        fake.trunk(TRUNK, "acme.pstn.twilio.com", "sip:voice.oneinbox.ai:5060");
        fake.available.add(new FakeTwilio.Available("+14155550142", "San Francisco", "CA"));
        fake.available.add(new FakeTwilio.Available("+14155550199", "San Francisco", "CA"));
        fake.available.add(new FakeTwilio.Available("+14155551234", "San Francisco", "CA"));
        fake.available.add(new FakeTwilio.Available("+12125550100", "New York", "NY"));
        sleeper = new Recorded();
        calls = new ProviderCalls(vertx, new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5)), sleeper);
    }

    @AfterEach
    void stop() {
        fake.close();
        await(vertx.close());
    }

    private TwilioProvider provider(String token, boolean customer) {
        return new TwilioProvider(SID, token, "http://127.0.0.1:" + fake.port(), Optional.of(TRUNK), customer, calls);
    }

    private static E164 n(String text) {
        return E164.of(Long.parseLong(text.substring(1)));
    }

    @Test
    void searchPassesAreaCodeAndContainsAndReadsTheDocumentedShape() {
        List<AvailableNumber> found = await(provider(TOKEN, false).search(
                new NumberSearch("US", Optional.of("415"), Optional.of("5550"), 10)));
        assertEquals(List.of(n("+14155550142"), n("+14155550199")), found.stream().map(AvailableNumber::number).toList());
        assertEquals(Optional.of("415"), found.get(0).areaCode());
        assertEquals(Optional.of("San Francisco, CA"), found.get(0).locality());
        var call = fake.calls.get(0);
        assertEquals("/2010-04-01/Accounts/" + SID + "/AvailablePhoneNumbers/US/Local.json", call.path());
        assertEquals("415", call.query().get("AreaCode"));
        assertEquals("5550", call.query().get("Contains"));
        assertTrue(call.authorization().startsWith("Basic "));
    }

    @Test
    void eachNumberTypeSearchesItsOwnListWithTheSameFilters() {
        fake.available.add(new FakeTwilio.Available("+18005550142", "", "", "TollFree"));
        fake.available.add(new FakeTwilio.Available("+18885550150", "", "", "TollFree"));
        fake.available.add(new FakeTwilio.Available("+14155550177", "San Francisco", "CA", "Mobile"));
        TwilioProvider p = provider(TOKEN, false);

        List<AvailableNumber> tollFree = await(p.search(new NumberSearch("US", Optional.of("800"), Optional.of("5550"), 10, NumberType.TOLL_FREE)));
        assertEquals(List.of(n("+18005550142")), tollFree.stream().map(AvailableNumber::number).toList());
        assertEquals(NumberType.TOLL_FREE, tollFree.get(0).type());
        var call = fake.calls.get(fake.calls.size() - 1);
        assertEquals("/2010-04-01/Accounts/" + SID + "/AvailablePhoneNumbers/US/TollFree.json", call.path());
        assertEquals("800", call.query().get("AreaCode"));
        assertEquals("5550", call.query().get("Contains"));

        List<AvailableNumber> mobile = await(p.search(new NumberSearch("US", Optional.empty(), Optional.empty(), 10, NumberType.MOBILE)));
        assertEquals(List.of(n("+14155550177")), mobile.stream().map(AvailableNumber::number).toList());
        assertEquals(NumberType.MOBILE, mobile.get(0).type());
        assertEquals("/2010-04-01/Accounts/" + SID + "/AvailablePhoneNumbers/US/Mobile.json", fake.calls.get(fake.calls.size() - 1).path());

        List<AvailableNumber> local = await(p.search(new NumberSearch("US", Optional.empty(), Optional.empty(), 10)));
        assertEquals(4, local.size());
        assertTrue(local.stream().allMatch(a -> a.type() == NumberType.LOCAL), local.toString());
    }

    @Test
    void purchaseAttachesThePlatformTrunkAndARetriedIntentDoesNotBuyTwice() {
        TwilioProvider p = provider(TOKEN, false);
        PurchaseResult first = await(p.purchase(new PurchaseRequest("pi_1", n("+14155550142"))));
        PurchaseResult.Purchased bought = assertInstanceOf(PurchaseResult.Purchased.class, first);
        assertTrue(bought.providerRef().orElseThrow().startsWith("PN"));
        FakeTwilio.Incoming held = fake.owned.get("+14155550142");
        assertEquals(TRUNK, held.trunkSid);
        assertEquals("oneinbox:pi_1", held.friendlyName);

        PurchaseResult again = await(p.purchase(new PurchaseRequest("pi_1", n("+14155550142"))));
        assertEquals(bought, again);
        assertEquals(1, fake.count("POST", "IncomingPhoneNumbers"));
    }

    @Test
    void aNumberSomeoneElseBoughtIsUnavailableWithTwiliosReason() {
        fake.own("AC" + "9".repeat(32), "+14155550199", null);
        PurchaseResult r = await(provider(TOKEN, false).purchase(new PurchaseRequest("pi_2", n("+14155550199"))));
        PurchaseResult.Unavailable gone = assertInstanceOf(PurchaseResult.Unavailable.class, r);
        assertTrue(gone.reason().contains("not available") && gone.reason().contains("21422"), gone.reason());
    }

    @Test
    void badCredentialsAreRejectedAndNeverEchoed() {
        CredentialCheck check = await(provider("bad-token-987654321", true).verifyCredentials());
        CredentialCheck.Rejected rejected = assertInstanceOf(CredentialCheck.Rejected.class, check);
        assertTrue(rejected.reason().startsWith("Twilio rejected these credentials"), rejected.reason());
        assertFalse(rejected.reason().contains("bad-token-987654321"));
        assertInstanceOf(CredentialCheck.Accepted.class, await(provider(TOKEN, true).verifyCredentials()));

        ProviderException customer = failure(provider("bad-token-987654321", true).listOwned());
        assertEquals(422, customer.status());
        ProviderException platform = failure(provider("bad-token-987654321", false).listOwned());
        assertEquals(502, platform.status());
        assertTrue(sleeper.pauses.isEmpty(), "a 401 is not retried");
    }

    @Test
    void rateLimitingIsRetriedWithBackoffThenSucceeds() {
        fake.failNext(2, Answer.json(429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"more_info\":\"https://www.twilio.com/docs/errors/20429\",\"status\":429}"));
        List<AvailableNumber> found = await(provider(TOKEN, false).search(new NumberSearch("US", Optional.of("212"), Optional.empty(), 5)));
        assertEquals(1, found.size());
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(400)), sleeper.pauses);
    }

    @Test
    void aProviderThatKeepsFailingIsA502AfterBoundedAttemptsAndAnUnreachableOneA503() {
        fake.failNext(5, Answer.json(500, "{\"code\":20500,\"message\":\"Internal Server Error\",\"more_info\":\"https://www.twilio.com/docs/errors/20500\",\"status\":500}"));
        ProviderException down = failure(provider(TOKEN, false).listOwned());
        assertEquals(502, down.status());
        assertTrue(down.getMessage().contains("Internal Server Error"), down.getMessage());
        assertEquals(3, fake.calls.size());
        assertEquals(2, sleeper.pauses.size());

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        TwilioProvider nowhere = new TwilioProvider(SID, TOKEN, "http://127.0.0.1:" + closed, Optional.empty(), false, calls);
        ProviderException unreachable = failure(nowhere.verifyCredentials());
        assertEquals(503, unreachable.status());
        assertFalse(unreachable.getMessage().contains(TOKEN));
    }

    @Test
    void listOwnedFollowsNextPageUri() {
        for (int i = 0; i < 5; i++) {
            fake.own(SID, "+1415555020" + i, TRUNK);
        }
        fake.own("AC" + "9".repeat(32), "+14155550300", null);
        List<OwnedNumber> owned = await(provider(TOKEN, false).listOwned());
        assertEquals(5, owned.size());
        assertEquals(3, fake.count("GET", "IncomingPhoneNumbers.json"));
    }

    @Test
    void wiringReadsTheTrunkItsDomainAndOriginationUrls() {
        fake.own(SID, "+14155550402", TRUNK);
        fake.own(SID, "+14155550403", TRUNK);
        fake.own(SID, "+14155550400", TRUNK);
        fake.own(SID, "+14155550401", null);
        Wiring w = await(provider(TOKEN, true).wiring(n("+14155550400")));
        assertEquals(Optional.of(TRUNK), w.attachedTo());
        assertEquals(Optional.of("acme.pstn.twilio.com"), w.terminationDomain());
        assertEquals(List.of("sip:voice.oneinbox.ai:5060"), w.originationUris());
        assertEquals(2, fake.count("GET", "/v1/Trunks/" + TRUNK + "/PhoneNumbers"), "the trunk's numbers, both pages");
        assertEquals(Optional.empty(), await(provider(TOKEN, true).wiring(n("+14155550401"))).attachedTo());
        ProviderException notOurs = failure(provider(TOKEN, true).wiring(n("+14155550999")));
        assertEquals(422, notOurs.status());
        assertEquals("this number is not in that Twilio account", notOurs.getMessage());
    }

    @Test
    void releaseDeletesTheIncomingNumberAndIgnoresOneNotHeld() {
        fake.own(SID, "+14155550500", TRUNK);
        await(provider(TOKEN, false).release(n("+14155550500")));
        assertFalse(fake.owned.containsKey("+14155550500"));
        await(provider(TOKEN, false).release(n("+14155550500")));
    }

    @Test
    void aProviderThatNeverAnswersIsA504AfterBoundedAttempts() {
        try (var silent = new ai.oneinbox.edge.api.provider.SilentServer()) {
            ProviderCalls quick = new ProviderCalls(vertx, new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ofMillis(300)), sleeper);
            TwilioProvider hanging = new TwilioProvider(SID, TOKEN, "http://127.0.0.1:" + silent.port(), Optional.empty(), false, quick);
            ProviderException e = failure(hanging.verifyCredentials());
            assertEquals(504, e.status());
            assertEquals(2, silent.accepted());
        }
    }
}
