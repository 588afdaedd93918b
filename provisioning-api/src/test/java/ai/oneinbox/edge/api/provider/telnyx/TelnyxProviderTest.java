package ai.oneinbox.edge.api.provider.telnyx;

import static ai.oneinbox.edge.api.provider.Recorded.await;
import static ai.oneinbox.edge.api.provider.Recorded.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.provider.AvailableNumber;
import ai.oneinbox.edge.api.provider.CredentialCheck;
import ai.oneinbox.edge.api.provider.FakeHttp.Answer;
import ai.oneinbox.edge.api.provider.FakeTelnyx;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real Telnyx SDK against a local fake of Telnyx's v2 API. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TelnyxProviderTest {

    static final String KEY = "KEY0123456789ABCDEF_secret";
    static final String CONNECTION = "1684641123236054244";

    private Vertx vertx;
    private FakeTelnyx fake;
    private Recorded sleeper;
    private ProviderCalls calls;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        fake = new FakeTelnyx();
        fake.keys.add(KEY);
        fake.connection(CONNECTION, "voice.oneinbox.ai", 5060);
        fake.available.addAll(List.of("+14155550142", "+14155550199", "+14155551234", "+12125550100"));
        sleeper = new Recorded();
        calls = new ProviderCalls(vertx, new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(5)), sleeper);
    }

    @AfterEach
    void stop() {
        fake.close();
        await(vertx.close());
    }

    private TelnyxProvider provider(String key, boolean customer, int maxPolls) {
        return new TelnyxProvider(key, "http://127.0.0.1:" + fake.port() + "/v2", Optional.of(CONNECTION), customer, calls,
                Duration.ofMillis(500), maxPolls);
    }

    private TelnyxProvider provider() {
        return provider(KEY, false, 5);
    }

    private static E164 n(String text) {
        return E164.of(Long.parseLong(text.substring(1)));
    }

    @Test
    void searchSendsTheFilters() {
        List<AvailableNumber> found = await(provider().search(new NumberSearch("US", Optional.of("415"), Optional.of("5550"), 10)));
        assertEquals(List.of(n("+14155550142"), n("+14155550199")), found.stream().map(AvailableNumber::number).toList());
        assertEquals(Optional.of("SAN FRANCISCO, CA"), found.get(0).locality());
        Map<String, String> q = fake.calls.get(0).query();
        assertEquals("US", q.get("filter[country_code]"));
        assertEquals("415", q.get("filter[national_destination_code]"));
        assertEquals("5550", q.get("filter[phone_number][contains]"));
        assertEquals("10", q.get("filter[limit]"));
        assertEquals("Bearer " + KEY, fake.calls.get(0).authorization());
    }

    @Test
    void eachNumberTypeIsSentAsTheDocumentedPhoneNumberTypeFilter() {
        fake.available.addAll(List.of("+18005550142", "+18885550150", "+14155550177"));
        fake.types.put("+18005550142", "toll_free");
        fake.types.put("+18885550150", "toll_free");
        fake.types.put("+14155550177", "mobile");
        TelnyxProvider p = provider();

        List<AvailableNumber> tollFree = await(p.search(new NumberSearch("US", Optional.empty(), Optional.empty(), 10, NumberType.TOLL_FREE)));
        assertEquals(List.of(n("+18005550142"), n("+18885550150")), tollFree.stream().map(AvailableNumber::number).toList());
        assertTrue(tollFree.stream().allMatch(a -> a.type() == NumberType.TOLL_FREE));
        Map<String, String> q = fake.calls.get(fake.calls.size() - 1).query();
        assertEquals("toll_free", q.get("filter[phone_number_type]"));
        assertFalse(q.containsKey("filter[number_type]"), q.toString());

        List<AvailableNumber> mobile = await(p.search(new NumberSearch("US", Optional.of("415"), Optional.empty(), 10, NumberType.MOBILE)));
        assertEquals(List.of(n("+14155550177")), mobile.stream().map(AvailableNumber::number).toList());
        assertEquals("mobile", fake.calls.get(fake.calls.size() - 1).query().get("filter[phone_number_type]"));

        List<AvailableNumber> local = await(p.search(new NumberSearch("US", Optional.empty(), Optional.empty(), 10)));
        assertEquals(4, local.size());
        assertEquals("local", fake.calls.get(fake.calls.size() - 1).query().get("filter[phone_number_type]"));
    }

    @Test
    void anOrderPendingThenCompleteIsPolledWithinItsBoundAndNotRepeated() {
        fake.pendingPolls = 2;
        PurchaseResult r = await(provider().purchase(new PurchaseRequest("pi_t1", n("+14155550142"))));
        assertInstanceOf(PurchaseResult.Purchased.class, r);
        assertEquals(CONNECTION, fake.owned.get("+14155550142").connectionId);
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(500)), sleeper.pauses);
        assertEquals(2, fake.count("GET", "/v2/number_orders/"));

        PurchaseResult again = await(provider().purchase(new PurchaseRequest("pi_t1", n("+14155550142"))));
        assertEquals(r, again);
        assertEquals(1, fake.count("POST", "/v2/number_orders"));
    }

    @Test
    void anOrderStillPendingAfterTheBoundIsA504() {
        fake.pendingPolls = 50;
        ProviderException e = failure(provider(KEY, false, 3).purchase(new PurchaseRequest("pi_t2", n("+14155550199"))));
        assertEquals(504, e.status());
        assertTrue(e.getMessage().contains("still pending after 3 checks"), e.getMessage());
        assertEquals(3, sleeper.pauses.size());
    }

    @Test
    void aNumberNoLongerAvailableIsUnavailableWithTelnyxsReason() {
        fake.own("+14155551234", null);
        PurchaseResult r = await(provider().purchase(new PurchaseRequest("pi_t3", n("+14155551234"))));
        PurchaseResult.Unavailable gone = assertInstanceOf(PurchaseResult.Unavailable.class, r);
        assertTrue(gone.reason().contains("no longer available"), gone.reason());
    }

    @Test
    void aBadKeyIsRejectedNeverEchoedAndNotRetried() {
        CredentialCheck check = await(provider("bad-key-000111222333", true, 5).verifyCredentials());
        CredentialCheck.Rejected rejected = assertInstanceOf(CredentialCheck.Rejected.class, check);
        assertTrue(rejected.reason().contains("Authentication failed"), rejected.reason());
        assertFalse(rejected.reason().contains("bad-key-000111222333"));
        assertEquals(422, failure(provider("bad-key-000111222333", true, 5).listOwned()).status());
        assertTrue(sleeper.pauses.isEmpty());
    }

    @Test
    void rateLimitingHonoursRetryAfterThenSucceeds() {
        fake.failNext(1, new Answer(429, "{\"errors\":[{\"code\":\"10011\",\"title\":\"Too many requests\",\"detail\":\"slow down\"}]}",
                Map.of("Content-Type", "application/json", "Retry-After", "1")));
        assertEquals(4, await(provider().search(new NumberSearch("US", Optional.empty(), Optional.empty(), 10))).size());
        assertEquals(List.of(Duration.ofSeconds(1)), sleeper.pauses);
    }

    @Test
    void aProviderDownIsA502WithWhatItSaid() {
        fake.failNext(3, Answer.json(503, "{\"errors\":[{\"code\":\"10002\",\"title\":\"Service unavailable\",\"detail\":\"maintenance\"}]}"));
        ProviderException e = failure(provider().verifyCredentials());
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("Service unavailable: maintenance"), e.getMessage());
        assertEquals(2, sleeper.pauses.size());
    }

    @Test
    void listOwnedWalksEveryPageOfMeta() {
        for (int i = 0; i < 3; i++) {
            fake.own("+1415555060" + i, CONNECTION);
        }
        List<OwnedNumber> owned = await(provider().listOwned());
        assertEquals(3, owned.size());
    }

    @Test
    void wiringReadsTheConnectionItsFqdnsAndInboundFormat() {
        fake.own("+14155550700", CONNECTION);
        fake.connections.get(CONNECTION).dnisFormat = "national";
        Wiring w = await(provider(KEY, true, 5).wiring(n("+14155550700")));
        assertEquals(Optional.of(CONNECTION), w.attachedTo());
        assertEquals(List.of("sip:voice.oneinbox.ai:5060"), w.originationUris());
        assertEquals(Optional.of("national"), w.inboundNumberFormat());
        assertEquals(422, failure(provider(KEY, true, 5).wiring(n("+14155550799"))).status());
    }

    @Test
    void releaseDeletesThePhoneNumber() {
        fake.own("+14155550800", CONNECTION);
        await(provider().release(n("+14155550800")));
        assertFalse(fake.owned.containsKey("+14155550800"));
        await(provider().release(n("+14155550800")));
    }

    @Test
    void aProviderThatNeverAnswersIsA504AfterBoundedAttempts() {
        try (var silent = new ai.oneinbox.edge.api.provider.SilentServer()) {
            ProviderCalls quick = new ProviderCalls(vertx, new RetryPolicy(2, Duration.ZERO, Duration.ZERO, Duration.ofMillis(300)), sleeper);
            TelnyxProvider hanging = new TelnyxProvider(KEY, "http://127.0.0.1:" + silent.port() + "/v2", Optional.empty(), false, quick,
                    Duration.ZERO, 1);
            ProviderException e = failure(hanging.listOwned());
            assertEquals(504, e.status());
            assertFalse(e.getMessage().contains(KEY));
        }
    }
}
