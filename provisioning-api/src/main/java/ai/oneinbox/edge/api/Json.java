package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.AgentRepository.AgentRecord;
import ai.oneinbox.edge.api.IntegrationRepository.IntegrationRecord;
import ai.oneinbox.edge.api.TrunkRepository.TrunkRecord;
import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.Cidr;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;

/** The API's response shapes, one function per resource (field names of the public documentation). */
final class Json {

    private Json() {}

    static JsonObject number(NumberRecord record) {
        NumberRoute r = record.route();
        return new JsonObject()
                .put("phone_number", r.number().toString())
                .put("agent_id", r.agentId())
                .put("inbound_routing", r.inboundRouting().map(Json::inbound).orElse(null))
                .put("provider", RouteJson.providerName(r.ownership().provider()))
                .put("integration_id", r.ownership().integrationId().orElse(null))
                .put("trunk_id", r.ownership().trunkId().orElse(null))
                .put("sip_trunk", r.ownership().sipTrunk().orElse(null))
                .put("created_at", time(record.createdAt()))
                .put("updated_at", time(record.updatedAt()));
    }

    static JsonObject inbound(InboundRouting in) {
        return new JsonObject()
                .put("agent_id", in.agentId().orElse(null))
                .put("fallback", in.fallbackAgentId().map(id -> new JsonObject().put("agent_id", id)).orElse(null))
                .put("voicemail_message", in.voicemailMessage().orElse(null));
    }

    static JsonObject agent(AgentRecord record) {
        Agent a = record.agent();
        return new JsonObject()
                .put("agent_id", a.id())
                .put("sip_uri", a.sipUris().get(0))
                .put("sip_uris", new JsonArray(a.sipUris().subList(1, a.sipUris().size())))
                .put("max_concurrent_calls", a.maxConcurrentCalls())
                .put("voicemail_message", a.voicemailMessage().orElse(null))
                .put("enabled", a.enabled())
                .put("sip_username", record.sipUsername().orElse(null))
                .put("has_sip_password", record.hasSipPassword())
                .put("created_at", time(record.createdAt()))
                .put("updated_at", time(record.updatedAt()));
    }

    static JsonObject trunk(TrunkRecord record) {
        var t = record.trunk();
        return new JsonObject()
                .put("id", t.id())
                .put("provider", RouteJson.providerName(t.provider()))
                .put("integration_id", t.integrationId().orElse(null))
                .put("termination_uri", t.terminationUri())
                .put("source_cidrs", new JsonArray(t.sourceCidrs().stream().map(Cidr::toString).toList()))
                .put("sip_username", record.sipUsername().orElse(null))
                .put("has_sip_password", record.hasSipPassword())
                .put("max_concurrent_calls", t.maxConcurrentCalls())
                .put("created_at", time(record.createdAt()))
                .put("updated_at", time(record.updatedAt()));
    }

    static JsonObject integration(IntegrationRecord record) {
        JsonObject json = new JsonObject().put("id", record.id()).put("provider", record.provider());
        if (record.provider().equals("twilio")) {
            json.put("account_sid", record.accountSid().orElse(null))
                    .put("auth_token_last4", record.secretLast4());
        } else {
            json.put("connection_id", record.connectionId().orElse(null))
                    .put("api_key_last4", record.secretLast4());
        }
        return json.put("created_at", time(record.createdAt()));
    }

    static <T> JsonObject page(Page<T> page, Function<T, JsonObject> view) {
        JsonArray data = new JsonArray();
        page.items().forEach(item -> data.add(view.apply(item)));
        return new JsonObject().put("data", data).put("next_cursor", page.nextCursor().orElse(null));
    }

    static JsonObject list(List<JsonObject> items) {
        return new JsonObject().put("data", new JsonArray(List.copyOf(items))).put("next_cursor", null);
    }

    static String time(OffsetDateTime t) {
        return t.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
