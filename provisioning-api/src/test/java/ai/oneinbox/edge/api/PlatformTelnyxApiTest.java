package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.ApiFixture.Response;
import ai.oneinbox.edge.api.provider.FakeTelnyx;
import ai.oneinbox.edge.api.provider.RetryPolicy;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Paths A and B ordered from the platform's Telnyx account (the real SDK against a local fake). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PlatformTelnyxApiTest {

    static final String KEY = "KEYplatform_telnyx_secret";
    static final String CONNECTION = "3000000000000000001";

    private ApiFixture node;
    private FakeTelnyx telnyx;

    @BeforeAll
    void start() {
        ProviderConfig provider = new ProviderConfig("telnyx", ProviderConfig.Twilio.DEFAULTS,
                new ProviderConfig.Telnyx(KEY, "", CONNECTION), RetryPolicy.DEFAULTS, Duration.ofSeconds(1), 4);
        node = new ApiFixture(ApiConfig.defaults(Path.of("unused")).withProvider(provider));
        telnyx = node.telnyx;
        telnyx.permissive = false;
        telnyx.keys.add(KEY);
        telnyx.connection(CONNECTION, "voice.oneinbox.ai", 5060);
        for (int line = 100; line < 120; line++) {
            telnyx.available.add("+1312555" + String.format("%04d", line));
        }
        node.agent("sales");
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void anOrderPendingThenCompleteIsWiredToTheAgentOnThePlatformConnection() {
        telnyx.pendingPolls = 2;
        Response r = node.post("/v1/phone-numbers", new JsonObject().put("phone_number", "+13125550100").put("agent_id", "sales"));
        assertEquals(201, r.status(), r.body());
        assertEquals("telnyx", r.json().getString("provider"));
        assertEquals(CONNECTION, telnyx.owned.get("+13125550100").connectionId);
        assertEquals(2, telnyx.count("GET", "/v2/number_orders/"));
        assertTrue(node.get("/v1/phone-numbers/%2B13125550100/diagnostics").json().getBoolean("ok"));

        assertEquals(204, node.delete("/v1/phone-numbers/%2B13125550100").status());
        assertFalse(telnyx.owned.containsKey("+13125550100"));
    }

    @Test
    void anOrderThatNeverCompletesIsA504AndTheNumberIsNotRegistered() {
        telnyx.pendingPolls = 100;
        Response r = node.post("/v1/phone-numbers", new JsonObject().put("phone_number", "+13125550101").put("agent_id", "sales"));
        assertEquals(504, r.status(), r.body());
        assertTrue(r.json().getString("detail").contains("still pending"), r.body());
        assertEquals(404, node.get("/v1/phone-numbers/%2B13125550101").status());
    }

    @Test
    void aNumberNoLongerAvailableIs409AndAutoAssignTakesAnother() {
        telnyx.own("+13125550110", null);
        telnyx.pendingPolls = 0;
        Response lost = node.post("/v1/phone-numbers", new JsonObject().put("phone_number", "+13125550110").put("agent_id", "sales"));
        assertEquals(409, lost.status(), lost.body());
        assertTrue(lost.json().getString("detail").contains("no longer available"), lost.body());

        Response auto = node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "sales").put("area_code", "312"));
        assertEquals(201, auto.status(), auto.body());
    }
}
