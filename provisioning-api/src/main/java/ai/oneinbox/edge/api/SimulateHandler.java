package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.Availability;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RouteDecision;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Trunk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/routing/simulate}: the decision this node's routing table takes now for a call to
 * {@code to}, with every step of why (which agent, why the fallback, why rejected), the same
 * {@link RoutingTable#resolve} the SIP edge calls, with the same availability view. With
 * {@code source_ip} and {@code headers} it also says which provisioned trunks the source address
 * belongs to and whether a Twilio {@code X-Twilio-AccountSid} matches the account owning the number.
 */
final class SimulateHandler {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    static final String TWILIO_ACCOUNT_HEADER = "X-Twilio-AccountSid";

    private final RoutingTable table;
    private final Availability availability;
    private final String region;

    SimulateHandler(RoutingTable table, Availability availability, String region) {
        this.table = table;
        this.availability = availability;
        this.region = region;
    }

    void mount(Router router) {
        router.post("/v1/routing/simulate").handler(this::simulate);
    }

    void simulate(RoutingContext ctx) {
        Body b = Body.parse(ctx.body().buffer());
        b.allow(Set.of("to", "from", "source_ip", "headers"));
        String toText = b.requiredString("to");
        Optional<E164> to = toText.isEmpty() ? Optional.empty() : Validation.number(b, "to", toText, region);
        Optional<String> from = b.optString("from");
        Optional<InetAddress> source = b.optString("source_ip").flatMap(ip -> address(b, ip));
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        b.optObject("headers").ifPresent(h -> h.headerValues(headers));
        b.done();
        RouteDecision decision = table.resolve(to.get(), availability);
        JsonObject out = new JsonObject()
                .put("to", to.get().toString())
                .put("from", from.orElse(null))
                .put("table_version", table.version());
        if (decision instanceof RouteDecision.ToAgent a) {
            out.put("decision", "to_agent")
                    .put("agent_id", a.agent().id())
                    .put("leg", a.leg().name().toLowerCase(Locale.ROOT))
                    .put("sip_uris", new JsonArray(a.agent().sipUris()));
        } else if (decision instanceof RouteDecision.ToVoicemail v) {
            out.put("decision", "to_voicemail")
                    .put("voicemail_message", v.message())
                    .put("inbound_agent_id", v.inboundAgent().map(x -> x.id()).orElse(null));
        } else if (decision instanceof RouteDecision.Reject r) {
            out.put("decision", "reject")
                    .put("sip_status", r.sipStatus())
                    .put("reason_phrase", r.reasonPhrase())
                    .put("reject_code", r.code().name().toLowerCase(Locale.ROOT));
        }
        out.put("trace", new JsonArray(decision.trace().steps()));
        if (source.isPresent() || !headers.isEmpty()) {
            out.put("trunk_check", trunkCheck(to.get(), source, headers));
        }
        Reply.ok(out).send(ctx);
    }

    private JsonObject trunkCheck(E164 to, Optional<InetAddress> source, Map<String, String> headers) {
        JsonObject check = new JsonObject();
        source.ifPresent(ip -> {
            JsonArray trunks = new JsonArray();
            for (Trunk t : table.trunksFrom(ip)) {
                trunks.add(t.id());
            }
            check.put("source_ip", ip.getHostAddress()).put("provisioned_trunks_from_source", trunks);
        });
        Optional<NumberRoute> route = table.number(to);
        route.filter(r -> r.ownership().provider() == Provider.TWILIO).flatMap(r -> r.ownership().binding())
                .ifPresent(expected -> {
                    String given = headers.get(TWILIO_ACCOUNT_HEADER);
                    check.put("binding", new JsonObject()
                            .put("header", TWILIO_ACCOUNT_HEADER)
                            .put("expected", expected)
                            .put("given", given)
                            .put("matches", expected.equals(given)));
                });
        return check;
    }

    private static Optional<InetAddress> address(Body b, String ip) {
        // Literals only: a host name here would mean a DNS lookup on the request path.
        if (!IP_LITERAL.matcher(ip).matches()) {
            b.error("source_ip", "must be an IPv4 or IPv6 address");
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
            b.error("source_ip", "must be an IPv4 or IPv6 address");
            return Optional.empty();
        }
    }
}
