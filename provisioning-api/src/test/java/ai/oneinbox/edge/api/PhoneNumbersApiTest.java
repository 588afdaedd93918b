package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.ApiFixture.Response;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RouteDecision;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PhoneNumbersApiTest {

    private ApiFixture node;

    @BeforeAll
    void start() {
        node = new ApiFixture();
        node.agent("sales");
        node.agent("support");
        node.agent("overflow");
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static E164 e164(String text) {
        return E164.of(Long.parseLong(text.substring(1)));
    }

    @Test
    void pathA_searchThenBuyWiresTheNumberToTheAgentAndTheTable() {
        Response search = node.get("/v1/phone-numbers/available?country=US&area_code=212&contains=555&limit=3");
        assertEquals(200, search.status(), search.body());
        assertEquals(3, search.data().size());
        String chosen = search.data().getJsonObject(0).getString("phone_number");
        assertTrue(chosen.startsWith("+1212555"), chosen);

        Response bought = node.post("/v1/phone-numbers", new JsonObject().put("phone_number", chosen).put("agent_id", "sales")
                .put("inbound_routing", new JsonObject().put("fallback", new JsonObject().put("agent_id", "overflow"))));
        assertEquals(201, bought.status(), bought.body());
        JsonObject n = bought.json();
        assertEquals(chosen, n.getString("phone_number"));
        assertEquals("sales", n.getString("agent_id"));
        assertEquals("sandbox", n.getString("provider"));
        assertEquals("overflow", n.getJsonObject("inbound_routing").getJsonObject("fallback").getString("agent_id"));
        assertNotNull(n.getString("created_at"));

        node.awaitTable();
        RouteDecision decision = node.table.resolve(e164(chosen), ProvisioningApi.ENABLED_AGENTS_AVAILABLE);
        assertTrue(decision instanceof RouteDecision.ToAgent a && a.agent().id().equals("sales"), decision.toString());

        Response again = node.get("/v1/phone-numbers/available?country=US&area_code=212&contains=555&limit=100");
        assertFalse(again.body().contains(chosen), "a bought number is not for sale any more");

        Response twice = node.post("/v1/phone-numbers", new JsonObject().put("phone_number", chosen).put("agent_id", "sales"));
        assertEquals(409, twice.status(), twice.body());
        assertEquals("application/problem+json", twice.header("Content-Type"));
    }

    @Test
    void searchValidatesItsParameters() {
        Response r = node.get("/v1/phone-numbers/available?country=USA&area_code=4x5&limit=500&contains=abc&sort=asc");
        assertEquals(400, r.status(), r.body());
        assertEquals(Set.of("country", "area_code", "limit", "contains", "sort"), new HashSet<>(r.fields()));
        Response none = node.get("/v1/phone-numbers/available?country=GB");
        assertEquals(200, none.status());
        assertEquals(0, none.data().size());
        Response canada = node.get("/v1/phone-numbers/available?country=CA&limit=5");
        assertEquals(5, canada.data().size());
        assertTrue(canada.data().getJsonObject(0).getString("phone_number").startsWith("+1416555"), canada.body());
    }

    @Test
    void searchByNumberTypeAndABadTypeIsA400NamingIt() {
        Response local = node.get("/v1/phone-numbers/available?country=US&area_code=415&limit=2");
        assertEquals(200, local.status(), local.body());
        assertEquals("local", local.data().getJsonObject(0).getString("type"));
        Response sameLocal = node.get("/v1/phone-numbers/available?country=US&area_code=415&limit=2&type=local");
        assertEquals(local.data(), sameLocal.data());

        Response tollFree = node.get("/v1/phone-numbers/available?country=US&type=toll_free&limit=100");
        assertEquals(200, tollFree.status(), tollFree.body());
        assertEquals(100, tollFree.data().size());
        for (int i = 0; i < tollFree.data().size(); i++) {
            JsonObject n = tollFree.data().getJsonObject(i);
            assertEquals("toll_free", n.getString("type"), n.encode());
            assertTrue(n.getString("phone_number").matches("\\+1(800|888)55501[0-9]{2}"), n.encode());
        }
        Response eightEightEight = node.get("/v1/phone-numbers/available?country=US&type=toll_free&area_code=888&contains=0142");
        assertEquals(1, eightEightEight.data().size(), eightEightEight.body());
        assertEquals("+18885550142", eightEightEight.data().getJsonObject(0).getString("phone_number"));

        Response mobile = node.get("/v1/phone-numbers/available?country=US&type=mobile");
        assertEquals(200, mobile.status(), mobile.body());
        assertEquals(0, mobile.data().size());

        for (String bad : new String[] {"tollfree", "LOCAL", "national", ""}) {
            Response r = node.get("/v1/phone-numbers/available?country=US&type=" + bad);
            assertEquals(400, r.status(), bad + ": " + r.body());
            assertEquals(List.of("type"), r.fields(), r.body());
        }
    }

    @Test
    void aTollFreeNumberFromTheSearchCanBeBought() {
        String chosen = node.get("/v1/phone-numbers/available?type=toll_free&area_code=800&limit=1").data().getJsonObject(0).getString("phone_number");
        Response bought = node.post("/v1/phone-numbers", new JsonObject().put("phone_number", chosen).put("agent_id", "sales"));
        assertEquals(201, bought.status(), bought.body());
        Response after = node.get("/v1/phone-numbers/available?type=toll_free&area_code=800&limit=100");
        assertEquals(99, after.data().size());
        assertTrue(after.data().stream().map(o -> ((JsonObject) o).getString("phone_number")).noneMatch(chosen::equals));
    }

    @Test
    void pathA_numberOutsideTheInventoryIsConflict() {
        Response r = node.post("/v1/phone-numbers", new JsonObject().put("phone_number", "+14155559999").put("agent_id", "sales"));
        assertEquals(409, r.status(), r.body());
        assertTrue(r.json().getString("detail").contains("not in the sandbox inventory"), r.body());
    }

    @Test
    void pathB_autoAssignPicksAFreeNumberNearTheWishAndReturnsIt() {
        Response r = node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "support").put("area_code", "617"));
        assertEquals(201, r.status(), r.body());
        String number = r.json().getString("phone_number");
        assertTrue(number.startsWith("+1617555"), number);
        assertNull(r.json().getValue("inbound_routing"), "without inbound_routing the number is outbound-only");
        node.awaitTable();
        RouteDecision d = node.table.resolve(e164(number), ProvisioningApi.ENABLED_AGENTS_AVAILABLE);
        assertTrue(d instanceof RouteDecision.Reject rej && rej.code().name().equals("OUTBOUND_ONLY"), d.toString());
    }

    @Test
    void pathB_idempotencyKeyReplaysTheSameNumber() {
        var body = new JsonObject().put("agent_id", "support").put("area_code", "305");
        var request = node.request("/v1/phone-numbers").header("Content-Type", "application/json")
                .header("Idempotency-Key", "order-42").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.encode())).build();
        Response first = node.send(request);
        Response second = node.send(request);
        assertEquals(201, first.status(), first.body());
        assertEquals(201, second.status(), second.body());
        assertEquals(first.json().getString("phone_number"), second.json().getString("phone_number"));
        assertEquals("true", second.header("Idempotent-Replayed"));

        var other = node.request("/v1/phone-numbers").header("Content-Type", "application/json")
                .header("Idempotency-Key", "order-42")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.copy().put("area_code", "512").encode())).build();
        assertEquals(422, node.send(other).status());
    }

    @Test
    void pathC_importFindsOrCreatesTheTrunkAndCarriesTheBinding() {
        Response integration = node.post("/v1/integrations", new JsonObject().put("provider", "twilio")
                .put("account_sid", "AC" + "0123456789abcdef0123456789abcdef").put("auth_token", "secret-token-9876"));
        assertEquals(201, integration.status(), integration.body());
        String integrationId = integration.json().getString("id");

        JsonObject body = new JsonObject().put("phone_number", "+14155550100").put("provider", "twilio")
                .put("integration_id", integrationId).put("sip_trunk", "acme.pstn.twilio.com").put("agent_id", "sales")
                .put("inbound_routing", new JsonObject());
        Response imported = node.post("/v1/phone-numbers/import", body);
        assertEquals(201, imported.status(), imported.body());
        JsonObject n = imported.json();
        assertEquals("twilio", n.getString("provider"));
        assertEquals(integrationId, n.getString("integration_id"));
        assertEquals("acme.pstn.twilio.com", n.getString("sip_trunk"));
        String trunkId = n.getString("trunk_id");
        assertNotNull(trunkId);

        Response second = node.post("/v1/phone-numbers/import", body.copy().put("phone_number", "+14155550101"));
        assertEquals(201, second.status(), second.body());
        assertEquals(trunkId, second.json().getString("trunk_id"), "the same sip_trunk finds the same trunk");

        node.awaitTable();
        NumberRoute route = node.table.number(e164("+14155550100")).orElseThrow();
        assertEquals(Provider.TWILIO, route.ownership().provider());
        assertEquals("AC0123456789abcdef0123456789abcdef", route.ownership().binding().orElseThrow());
        assertTrue(node.table.trunk(trunkId).isPresent(), "the created trunk reached the table");

        Response dup = node.post("/v1/phone-numbers/import", body);
        assertEquals(409, dup.status(), dup.body());

        Response wrongProvider = node.post("/v1/phone-numbers/import", body.copy().put("phone_number", "+14155550102").put("provider", "telnyx"));
        assertEquals(400, wrongProvider.status(), wrongProvider.body());
        assertEquals(List.of("integration_id"), wrongProvider.fields());

        Response unknown = node.post("/v1/phone-numbers/import", body.copy().put("phone_number", "+14155550103").put("integration_id", "int_nope"));
        assertEquals(400, unknown.status());
        assertEquals(List.of("integration_id"), unknown.fields());

        Response trunkInUse = node.delete("/v1/trunks/" + trunkId);
        assertEquals(409, trunkInUse.status(), trunkInUse.body());
        assertTrue(trunkInUse.json().getString("detail").contains("+14155550101"), trunkInUse.body());
        Response moveTermination = node.patch("/v1/trunks/" + trunkId, new JsonObject().put("termination_uri", "other.pstn.twilio.com"));
        assertEquals(409, moveTermination.status(), moveTermination.body());
        assertEquals(404, node.patch("/v1/trunks/trk_missing", new JsonObject().put("max_concurrent_calls", 5)).status());

        Response inUse = node.delete("/v1/integrations/" + integrationId);
        assertEquals(409, inUse.status(), inUse.body());
        assertTrue(inUse.json().getString("detail").contains("+14155550100"), inUse.body());
    }

    @Test
    void getPatchDeleteByE164InEveryForm() {
        String number = node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "sales").put("area_code", "312"))
                .json().getString("phone_number");
        String digits = number.substring(1);

        assertEquals(200, node.get("/v1/phone-numbers/%2B" + digits).status());
        assertEquals(200, node.get("/v1/phone-numbers/" + digits).status());
        assertEquals(404, node.get("/v1/phone-numbers/19995550100").status());
        Response bad = node.get("/v1/phone-numbers/not-a-number");
        assertEquals(400, bad.status());
        assertEquals(List.of("e164"), bad.fields());

        Response patched = node.patch("/v1/phone-numbers/" + digits, new JsonObject()
                .put("inbound_routing", new JsonObject().put("agent_id", "support").put("voicemail_message", "Leave a message")));
        assertEquals(200, patched.status(), patched.body());
        assertEquals("support", patched.json().getJsonObject("inbound_routing").getString("agent_id"));
        node.awaitTable();
        RouteDecision d = node.table.resolve(e164(number), ProvisioningApi.ENABLED_AGENTS_AVAILABLE);
        assertTrue(d instanceof RouteDecision.ToAgent a && a.agent().id().equals("support"), d.toString());

        Response outboundOnly = node.patch("/v1/phone-numbers/%2B" + digits, "{\"inbound_routing\": null}");
        assertEquals(200, outboundOnly.status(), outboundOnly.body());
        assertNull(outboundOnly.json().getValue("inbound_routing"));
        node.awaitTable();
        assertTrue(node.table.resolve(e164(number), ProvisioningApi.ENABLED_AGENTS_AVAILABLE) instanceof RouteDecision.Reject);

        Response unknownAgent = node.patch("/v1/phone-numbers/" + digits, new JsonObject().put("agent_id", "ghost"));
        assertEquals(400, unknownAgent.status());
        assertEquals(List.of("agent_id"), unknownAgent.fields());

        assertEquals(204, node.delete("/v1/phone-numbers/" + digits).status());
        assertEquals(404, node.get("/v1/phone-numbers/" + digits).status());
        assertEquals(404, node.delete("/v1/phone-numbers/" + digits).status());
        node.awaitTable();
        assertTrue(node.table.number(e164(number)).isEmpty());
        Response forSale = node.get("/v1/phone-numbers/available?area_code=312&limit=100");
        assertTrue(forSale.body().contains(number), "a released sandbox number is for sale again");
    }

    @Test
    void listFiltersAndPagesWithACursor() {
        for (int i = 0; i < 5; i++) {
            assertEquals(201, node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "overflow").put("area_code", "206")).status());
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page = node.get("/v1/phone-numbers?agent_id=overflow&contains=1206&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, page.status(), page.body());
            page.data().forEach(o -> assertTrue(seen.add(((JsonObject) o).getString("phone_number"))));
            cursor = page.json().getString("next_cursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(5, seen.size());
        assertEquals(3, pages);

        Response bad = node.get("/v1/phone-numbers?limit=0&colour=blue&inbound=maybe");
        assertEquals(400, bad.status());
        assertEquals(Set.of("limit", "colour", "inbound"), new HashSet<>(bad.fields()));
    }

    @Test
    void validationNamesEveryBadField() {
        Response r = node.post("/v1/phone-numbers", new JsonObject().put("phone_number", "+1 nonsense").put("agent_id", 7)
                .put("inbound_routing", new JsonObject().put("fallback", new JsonObject().put("agent", "x"))).put("extra", true));
        assertEquals(400, r.status(), r.body());
        assertEquals(Set.of("phone_number", "agent_id", "inbound_routing.fallback.agent", "inbound_routing.fallback.agent_id", "extra"),
                new HashSet<>(r.fields()));

        Response unknownAgent = node.post("/v1/phone-numbers", new JsonObject().put("agent_id", "nobody"));
        assertEquals(400, unknownAgent.status());
        assertEquals(List.of("agent_id"), unknownAgent.fields());

        assertEquals(400, node.post("/v1/phone-numbers", "[1,2]").status());
        assertEquals(400, node.post("/v1/phone-numbers", "{not json").status());
        assertEquals(400, node.post("/v1/phone-numbers", "").status());
    }
}
