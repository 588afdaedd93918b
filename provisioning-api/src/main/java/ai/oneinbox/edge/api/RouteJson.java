package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.Cidr;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RouteChange;
import ai.oneinbox.edge.routing.Trunk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The feed's payload format: each {@code route_changes} row carries the full new state of one number,
 * agent or trunk (or the key of a removed one), so a follower applies it without reading anything else.
 */
final class RouteJson {

    static final String NUMBER_UPSERTED = "number_upserted";
    static final String NUMBER_REMOVED = "number_removed";
    static final String AGENT_UPSERTED = "agent_upserted";
    static final String AGENT_REMOVED = "agent_removed";
    static final String TRUNK_UPSERTED = "trunk_upserted";
    static final String TRUNK_REMOVED = "trunk_removed";

    private RouteJson() {}

    static JsonObject number(NumberRoute route) {
        JsonObject json = new JsonObject()
                .put("e164", route.number().value())
                .put("agent_id", route.agentId());
        route.inboundRouting().ifPresent(in -> json.put("inbound", new JsonObject()
                .put("agent_id", in.agentId().orElse(null))
                .put("fallback_agent_id", in.fallbackAgentId().orElse(null))
                .put("voicemail_message", in.voicemailMessage().orElse(null))));
        Ownership o = route.ownership();
        json.put("provider", o.provider().name())
                .put("integration_id", o.integrationId().orElse(null))
                .put("trunk_id", o.trunkId().orElse(null))
                .put("binding", o.binding().orElse(null))
                .put("sip_trunk", o.sipTrunk().orElse(null));
        return json;
    }

    static NumberRoute number(JsonObject json) {
        JsonObject in = json.getJsonObject("inbound");
        Optional<InboundRouting> inbound = in == null ? Optional.empty() : Optional.of(new InboundRouting(
                opt(in, "agent_id"), opt(in, "fallback_agent_id"), opt(in, "voicemail_message")));
        Ownership ownership = new Ownership(Provider.valueOf(json.getString("provider")),
                opt(json, "integration_id"), opt(json, "trunk_id"), opt(json, "binding"), opt(json, "sip_trunk"));
        return new NumberRoute(E164.of(json.getLong("e164")), json.getString("agent_id"), inbound, ownership);
    }

    static JsonObject agent(Agent agent) {
        return new JsonObject()
                .put("id", agent.id())
                .put("sip_uris", new JsonArray(new ArrayList<>(agent.sipUris())))
                .put("max_concurrent_calls", agent.maxConcurrentCalls())
                .put("voicemail_message", agent.voicemailMessage().orElse(null))
                .put("enabled", agent.enabled());
    }

    static Agent agent(JsonObject json) {
        List<String> uris = new ArrayList<>();
        json.getJsonArray("sip_uris").forEach(u -> uris.add((String) u));
        return new Agent(json.getString("id"), uris, json.getInteger("max_concurrent_calls"),
                opt(json, "voicemail_message"), json.getBoolean("enabled"));
    }

    static JsonObject trunk(Trunk trunk) {
        JsonArray cidrs = new JsonArray();
        trunk.sourceCidrs().forEach(c -> cidrs.add(c.toString()));
        return new JsonObject()
                .put("id", trunk.id())
                .put("provider", trunk.provider().name())
                .put("termination_uri", trunk.terminationUri())
                .put("source_cidrs", cidrs)
                .put("integration_id", trunk.integrationId().orElse(null))
                .put("binding", trunk.binding().orElse(null))
                .put("max_concurrent_calls", trunk.maxConcurrentCalls());
    }

    static Trunk trunk(JsonObject json) {
        List<Cidr> cidrs = new ArrayList<>();
        json.getJsonArray("source_cidrs").forEach(c -> cidrs.add(Cidr.parse((String) c)));
        return new Trunk(json.getString("id"), Provider.valueOf(json.getString("provider")),
                json.getString("termination_uri"), cidrs, opt(json, "integration_id"), opt(json, "binding"),
                json.getInteger("max_concurrent_calls"));
    }

    /** The change a {@code route_changes} row describes. */
    static RouteChange change(long version, String kind, JsonObject payload) {
        return switch (kind) {
            case NUMBER_UPSERTED -> new RouteChange.NumberUpserted(version, number(payload));
            case NUMBER_REMOVED -> new RouteChange.NumberRemoved(version, E164.of(payload.getLong("e164")));
            case AGENT_UPSERTED -> new RouteChange.AgentUpserted(version, agent(payload));
            case AGENT_REMOVED -> new RouteChange.AgentRemoved(version, payload.getString("id"));
            case TRUNK_UPSERTED -> new RouteChange.TrunkUpserted(version, trunk(payload));
            case TRUNK_REMOVED -> new RouteChange.TrunkRemoved(version, payload.getString("id"));
            default -> throw new IllegalArgumentException("unknown route change kind '" + kind + "' at version " + version);
        };
    }

    static Provider provider(String name) {
        return Provider.valueOf(name.toUpperCase(Locale.ROOT));
    }

    static String providerName(Provider provider) {
        return provider.name().toLowerCase(Locale.ROOT);
    }

    private static Optional<String> opt(JsonObject json, String key) {
        return Optional.ofNullable(json.getString(key));
    }
}
