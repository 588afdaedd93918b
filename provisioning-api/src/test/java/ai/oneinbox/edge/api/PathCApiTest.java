package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.ApiFixture.Response;
import ai.oneinbox.edge.api.provider.FakeHttp.Answer;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Path C against local fakes of Twilio and Telnyx driven by the real SDKs: credentials, ownership, wiring. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PathCApiTest {

    static final String SID = "AC" + "2".repeat(32);
    static final String TOKEN = "twilio-auth-token-s3cr3t";
    static final String KEY = "KEYtelnyx_api_key_s3cr3t";
    static final String EDGE = "sip:voice.oneinbox.ai:5060";

    private ApiFixture node;
    private String twilioIntegration;
    private String telnyxIntegration;
    private final List<String> bodies = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void start() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        ((Logger) LoggerFactory.getLogger("ai.oneinbox")).setLevel(Level.DEBUG);
        node = new ApiFixture();
        node.twilio.permissive = false;
        node.telnyx.permissive = false;
        node.twilio.account(SID, TOKEN);
        node.telnyx.keys.add(KEY);
        node.agent("sales");
        twilioIntegration = created(node.post("/v1/integrations", new JsonObject().put("provider", "twilio")
                .put("account_sid", SID).put("auth_token", TOKEN))).getString("id");
        telnyxIntegration = created(node.post("/v1/integrations", new JsonObject().put("provider", "telnyx")
                .put("api_key", KEY))).getString("id");
    }

    @AfterAll
    void stop() {
        node.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("ai.oneinbox")).setLevel(Level.INFO);
        for (String body : bodies) {
            assertFalse(body.contains(TOKEN) || body.contains(KEY), "a secret leaked into a response: " + body);
        }
        List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage() + " "
                + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).toList();
        assertFalse(lines.isEmpty(), "the appender sees our logs");
        for (String line : lines) {
            assertFalse(line.contains(TOKEN) || line.contains(KEY) || line.contains("wrong-token-123456"), "a secret reached the logs: " + line);
        }
    }

    private Response keep(Response r) {
        bodies.add(r.body());
        return r;
    }

    private JsonObject created(Response r) {
        keep(r);
        assertEquals(201, r.status(), r.body());
        return r.json();
    }

    private Response importTwilio(String number, String sipTrunk) {
        return keep(node.post("/v1/phone-numbers/import", new JsonObject().put("phone_number", number).put("provider", "twilio")
                .put("integration_id", twilioIntegration).put("sip_trunk", sipTrunk).put("agent_id", "sales")
                .put("inbound_routing", new JsonObject())));
    }

    private Response importTelnyx(String number) {
        return keep(node.post("/v1/phone-numbers/import", new JsonObject().put("phone_number", number).put("provider", "telnyx")
                .put("integration_id", telnyxIntegration).put("sip_trunk", "sip.telnyx.com").put("agent_id", "sales")
                .put("inbound_routing", new JsonObject())));
    }

    private static List<String> codes(JsonArray findings) {
        List<String> out = new ArrayList<>();
        findings.forEach(f -> out.add(((JsonObject) f).getString("code")));
        return out;
    }

    private JsonObject diagnostics(String number) {
        Response r = keep(node.get("/v1/phone-numbers/" + number.replace("+", "%2B") + "/diagnostics"));
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void anIntegrationWhoseCredentialsTheProviderRejectsIsA422AndNotStored() {
        Response twilio = keep(node.post("/v1/integrations", new JsonObject().put("provider", "twilio")
                .put("account_sid", SID).put("auth_token", "wrong-token-123456")));
        assertEquals(422, twilio.status(), twilio.body());
        assertTrue(twilio.json().getString("detail").startsWith("Twilio rejected these credentials"), twilio.body());
        assertFalse(twilio.body().contains("wrong-token-123456"));

        Response telnyx = keep(node.post("/v1/integrations", new JsonObject().put("provider", "telnyx").put("api_key", "KEYnot-a-real-key")));
        assertEquals(422, telnyx.status(), telnyx.body());
        assertTrue(telnyx.json().getString("detail").startsWith("Telnyx rejected this API key"), telnyx.body());

        JsonArray all = keep(node.get("/v1/integrations?limit=500")).data();
        assertEquals(2, all.stream().filter(i -> ((JsonObject) i).getString("id").equals(twilioIntegration)
                || ((JsonObject) i).getString("id").equals(telnyxIntegration)).count());
        assertEquals(2, all.size(), "nothing stored for rejected credentials");
    }

    @Test
    void aProviderDownWhileVerifyingIsA502WithWhatItSaid() {
        node.twilio.failNext(3, Answer.json(500, "{\"code\":20500,\"message\":\"Internal Server Error\",\"more_info\":\"https://www.twilio.com/docs/errors/20500\",\"status\":500}"));
        Response r = keep(node.post("/v1/integrations", new JsonObject().put("provider", "twilio")
                .put("account_sid", SID).put("auth_token", TOKEN)));
        assertEquals(502, r.status(), r.body());
        assertTrue(r.json().getString("detail").contains("Internal Server Error"), r.body());
    }

    @Test
    void aNumberNotInTheAccountIsA422AndNothingIsWritten() {
        Response r = importTwilio("+14155550901", "acme.pstn.twilio.com");
        assertEquals(422, r.status(), r.body());
        assertEquals("this number is not in that Twilio account", r.json().getString("detail"));
        assertEquals(404, node.get("/v1/phone-numbers/%2B14155550901").status());

        Response t = importTelnyx("+14155550902");
        assertEquals(422, t.status(), t.body());
        assertEquals("this number is not in that Telnyx account", t.json().getString("detail"));
    }

    @Test
    void aTwilioSipTrunkMustBeATerminationUri() {
        node.twilio.own(SID, "+14155550903", null);
        Response r = importTwilio("+14155550903", "sip.example.com");
        assertEquals(400, r.status(), r.body());
        assertEquals(List.of("sip_trunk"), r.fields());
    }

    @Test
    void aWellWiredTwilioNumberRegistersWithoutWarnings() {
        node.twilio.trunk("TK" + "1".repeat(32), "good.pstn.twilio.com", "sip:voice.oneinbox.ai:5060;transport=udp");
        node.twilio.own(SID, "+14155550910", "TK" + "1".repeat(32));
        Response r = importTwilio("+14155550910", "good.pstn.twilio.com");
        assertEquals(201, r.status(), r.body());
        assertEquals(new JsonArray(), r.json().getJsonArray("warnings"));
        JsonObject d = diagnostics("+14155550910");
        assertTrue(d.getBoolean("ok"), d.encode());
        assertEquals("good.pstn.twilio.com", d.getJsonObject("wiring").getString("termination_domain"));
    }

    @Test
    void aNumberOnNoTrunkIsReportedWithTheFix() {
        node.twilio.own(SID, "+14155550920", null);
        Response r = importTwilio("+14155550920", "acme.pstn.twilio.com");
        assertEquals(201, r.status(), r.body());
        assertEquals(List.of("not_on_trunk"), codes(r.json().getJsonArray("warnings")));
        JsonObject finding = diagnostics("+14155550920").getJsonArray("findings").getJsonObject(0);
        assertTrue(finding.getString("fix").contains("acme.pstn.twilio.com") && finding.getString("fix").contains("+14155550920"),
                finding.encode());
    }

    @Test
    void aTrunkThatSendsCallsElsewhereAndTerminatesElsewhereIsReported() {
        String trunk = "TK" + "3".repeat(32);
        node.twilio.trunk(trunk, "other.pstn.twilio.com", "sip:pbx.example.net:5060");
        node.twilio.own(SID, "+14155550930", trunk);
        Response r = importTwilio("+14155550930", "mine.pstn.twilio.com");
        assertEquals(201, r.status(), r.body());
        assertEquals(List.of("no_origination_to_edge", "termination_mismatch"), codes(r.json().getJsonArray("warnings")));
        JsonObject d = diagnostics("+14155550930");
        assertFalse(d.getBoolean("ok"));
        assertEquals(r.json().getJsonArray("warnings"), d.getJsonArray("findings"), "registration warns exactly what diagnostics finds");
        assertTrue(d.getJsonArray("findings").getJsonObject(0).getString("fix").contains(EDGE));

        // The customer fixes the trunk: diagnostics reads the provider again and is clean.
        node.twilio.trunks.get(trunk).originationUrls.add(EDGE);
        node.twilio.trunks.get(trunk).domain = "mine.pstn.twilio.com";
        assertTrue(diagnostics("+14155550930").getBoolean("ok"));
    }

    @Test
    void aTelnyxConnectionWithTheWrongNumberFormatAndNoFqdnIsReported() {
        node.telnyx.connection("2000000000000000001", null, 0).dnisFormat = "national";
        node.telnyx.own("+14155550940", "2000000000000000001");
        Response r = importTelnyx("+14155550940");
        assertEquals(201, r.status(), r.body());
        assertEquals(List.of("no_origination_to_edge", "inbound_number_format"), codes(r.json().getJsonArray("warnings")));
        assertTrue(r.json().getJsonArray("warnings").getJsonObject(1).getString("fix").contains("+E.164"));

        node.telnyx.own("+14155550941", null);
        assertEquals(List.of("not_on_trunk"), codes(created(importTelnyx("+14155550941")).getJsonArray("warnings")));

        node.telnyx.connection("2000000000000000002", "voice.oneinbox.ai", 5060);
        node.telnyx.own("+14155550942", "2000000000000000002");
        assertEquals(new JsonArray(), created(importTelnyx("+14155550942")).getJsonArray("warnings"));
    }

    @Test
    void diagnosticsOfAnUnknownNumberIs404AndOfASandboxNumberIsClean() {
        assertEquals(404, keep(node.get("/v1/phone-numbers/%2B14155550999/diagnostics")).status());
        Response bought = keep(node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "sales").put("area_code", "512")));
        assertEquals(201, bought.status(), bought.body());
        JsonObject d = diagnostics(bought.json().getString("phone_number"));
        assertTrue(d.getBoolean("ok"), d.encode());
    }
}
