package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.IntegrationRepository.IntegrationRecord;
import ai.oneinbox.edge.api.TrunkRepository.TrunkRecord;
import ai.oneinbox.edge.api.provider.AvailableNumber;
import ai.oneinbox.edge.api.provider.NumberProvider;
import ai.oneinbox.edge.api.provider.NumberSearch;
import ai.oneinbox.edge.api.provider.NumberType;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.Trunk;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /v1/phone-numbers}: Path A (search, then buy a chosen number), Path B (auto-assign), Path C
 * (register a number owned in Twilio or Telnyx), and list / get / patch / release.
 *
 * <p>Handlers read and validate the request and answer it; the purchase saga of Paths A and B is
 * {@link NumberPurchases}, SQL is in the repositories.
 */
final class NumberHandlers {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final NumberProvider provider;
    private final NumberPurchases purchases;
    private final String region;
    private final ByoChecks byo;

    NumberHandlers(Pool pool, NumberProvider provider, String region, ByoChecks byo) {
        this.pool = pool;
        this.provider = provider;
        this.purchases = new NumberPurchases(pool, provider);
        this.region = region;
        this.byo = byo;
    }

    void mount(Router router) {
        router.get("/v1/phone-numbers/available").handler(this::available);
        router.post("/v1/phone-numbers/import").handler(this::importNumber);
        router.post("/v1/phone-numbers").handler(this::create);
        router.get("/v1/phone-numbers").handler(this::list);
        router.get("/v1/phone-numbers/:e164").handler(this::get);
        router.patch("/v1/phone-numbers/:e164").handler(this::patch);
        router.delete("/v1/phone-numbers/:e164").handler(this::release);
    }

    // ---- Path A: search -------------------------------------------------------------------------------

    void available(RoutingContext ctx) {
        Query q = Query.of(ctx, Set.of("country", "area_code", "contains", "limit", "type"));
        String country = q.string("country").map(c -> c.toUpperCase(Locale.ROOT)).orElse(region);
        if (!country.matches("[A-Z]{2}")) {
            q.error("country", "must be an ISO 3166 alpha-2 code like US");
        }
        Optional<String> areaCode = q.digits("area_code", 1, 5);
        Optional<String> contains = q.digits("contains", 1, 15);
        int limit = q.integer("limit", 1, NumberSearch.MAX_LIMIT).orElse(20);
        NumberType type = q.string("type").map(t -> NumberType.fromWire(t).orElseGet(() -> {
            q.error("type", "must be one of local, toll_free, mobile");
            return NumberType.LOCAL;
        })).orElse(NumberType.LOCAL);
        q.done();
        provider.search(new NumberSearch(country, areaCode, contains, limit, type))
                .map(found -> {
                    List<JsonObject> items = new ArrayList<>();
                    for (AvailableNumber n : found) {
                        items.add(new JsonObject()
                                .put("phone_number", n.number().toString())
                                .put("country", n.country())
                                .put("area_code", n.areaCode().orElse(null))
                                .put("locality", n.locality().orElse(null))
                                .put("type", n.type().wireName())
                                .put("provider", RouteJson.providerName(provider.kind())));
                    }
                    return Reply.ok(Json.list(items));
                })
                .onSuccess(reply -> reply.send(ctx))
                .onFailure(ctx::fail);
    }

    // ---- Paths A and B: buy -----------------------------------------------------------------------------

    void create(RoutingContext ctx) {
        Body b = Body.parse(ctx.body().buffer());
        b.allow(Set.of("phone_number", "agent_id", "inbound_routing", "country", "area_code"));
        Optional<E164> number = b.optString("phone_number").flatMap(t -> Validation.number(b, "phone_number", t, region));
        String agentId = agentId(b, "agent_id", true).orElse("");
        Optional<InboundRouting> inbound = inboundRouting(b, "inbound_routing");
        Optional<String> country = b.optString("country").map(c -> c.toUpperCase(Locale.ROOT));
        Optional<String> areaCode = b.optString("area_code");
        country.filter(c -> !c.matches("[A-Z]{2}")).ifPresent(c -> b.error("country", "must be an ISO 3166 alpha-2 code like US"));
        areaCode.filter(a -> !a.matches("[0-9]{1,5}")).ifPresent(a -> b.error("area_code", "must be 1..5 digits"));
        if (b.has("phone_number") && (country.isPresent() || areaCode.isPresent())) {
            b.error(country.isPresent() ? "country" : "area_code", "only for auto-assign (without phone_number)");
        }
        b.done();
        Optional<String> key = Idempotency.header(ctx);
        Idempotency.claim(pool, "POST /v1/phone-numbers", key, ctx.body().buffer())
                .compose(outcome -> {
                    if (outcome instanceof Idempotency.Outcome.Replay replay) {
                        ctx.response().putHeader("Idempotent-Replayed", "true");
                        return Future.succeededFuture(replay.reply());
                    }
                    Idempotency.Claim claim = ((Idempotency.Outcome.Run) outcome).claim();
                    return (number.isPresent()
                            ? purchases.buy(number.get(), agentId, inbound, claim)
                            : purchases.autoAssign(country.orElse(region), areaCode, agentId, inbound, claim))
                            .recover(e -> Idempotency.release(pool, claim).transform(ignored -> Future.failedFuture(e)));
                })
                .onSuccess(reply -> reply.send(ctx))
                .onFailure(ctx::fail);
    }

    // ---- Path C: bring your own number ------------------------------------------------------------------

    void importNumber(RoutingContext ctx) {
        Body b = Body.parse(ctx.body().buffer());
        b.allow(Set.of("phone_number", "provider", "integration_id", "sip_trunk", "agent_id", "inbound_routing"));
        String numberText = b.requiredString("phone_number");
        Optional<E164> number = numberText.isEmpty() ? Optional.empty() : Validation.number(b, "phone_number", numberText, region);
        String providerName = b.requiredString("provider").toLowerCase(Locale.ROOT);
        if (!providerName.isEmpty() && !providerName.equals("twilio") && !providerName.equals("telnyx")) {
            b.error("provider", "must be twilio or telnyx");
        }
        String integrationId = b.requiredString("integration_id");
        String sipTrunkText = b.requiredString("sip_trunk");
        Optional<String> termination = sipTrunkText.isEmpty() ? Optional.empty() : Validation.normaliseTermination(sipTrunkText);
        if (!sipTrunkText.isEmpty() && termination.isEmpty()) {
            b.error("sip_trunk", "must be a host name like yourtrunk.pstn.twilio.com or a SIP URI");
        } else if (!sipTrunkText.isEmpty()) {
            ByoChecks.terminationProblem(providerName, sipTrunkText).ifPresent(r -> b.error("sip_trunk", r));
        }
        String agentId = agentId(b, "agent_id", true).orElse("");
        Optional<InboundRouting> inbound = inboundRouting(b, "inbound_routing");
        b.done();
        Provider kind = RouteJson.provider(providerName);
        String sipTrunk = sipTrunkText.strip().toLowerCase(Locale.ROOT);
        // Ownership and wiring are read from the provider first (no transaction held across it).
        byo.inspect(integrationId, providerName, number.get(), sipTrunk).compose(warnings ->
                pool.withTransaction(tx -> IntegrationRepository.findForShare(tx, integrationId)
                        .compose(found -> {
                            IntegrationRecord integration = found.orElseThrow(() ->
                                    ApiProblem.invalid("integration_id", "no integration '" + integrationId + "'"));
                            if (!integration.provider().equals(providerName)) {
                                throw ApiProblem.invalid("integration_id", "integration '" + integrationId + "' is a "
                                        + integration.provider() + " integration, not " + providerName);
                            }
                            return requireAgents(tx, agentId, inbound)
                                    .compose(ok -> findOrCreateTrunk(tx, kind, integration, termination.get()))
                                    .compose(trunk -> {
                                        NumberRoute route = new NumberRoute(number.get(), agentId, inbound, new Ownership(kind,
                                                Optional.of(integrationId), Optional.of(trunk.id()), integration.binding(),
                                                Optional.of(sipTrunk)));
                                        return NumberRepository.insert(tx, route)
                                                .compose(record -> FeedWriter.numberUpserted(tx, route).map(record));
                                    });
                        }))
                        .map(record -> Json.number(record).put("warnings", ByoChecks.json(warnings))))
                .onSuccess(body -> Reply.created(body).send(ctx))
                .onFailure(ctx::fail);
    }

    /** The trunk whose termination is {@code sip_trunk}: found, or created (and fed to the edges). */
    private static Future<Trunk> findOrCreateTrunk(SqlConnection tx, Provider kind, IntegrationRecord integration,
                                                   String termination) {
        Trunk fresh = new Trunk("trk_" + HexFormat.of().formatHex(randomBytes(8)), kind, termination, List.of(),
                Optional.of(integration.id()), integration.binding(), 0);
        // A concurrent import of the same trunk waits for ours and then finds it.
        return TrunkRepository.insertIfAbsent(tx, fresh)
                .compose(inserted -> inserted
                        ? FeedWriter.trunkUpserted(tx, fresh).map(fresh)
                        : TrunkRepository.findByTerminationUri(tx, termination).map(found -> {
                            TrunkRecord existing = found.orElseThrow(() -> ApiProblem.conflict("trunk " + termination + " was removed concurrently; retry"));
                            Trunk t = existing.trunk();
                            if (t.provider() != kind || !t.integrationId().equals(Optional.of(integration.id()))) {
                                throw ApiProblem.invalid("sip_trunk", "trunk '" + t.id() + "' with this termination belongs to "
                                        + RouteJson.providerName(t.provider()) + t.integrationId().map(i -> " integration '" + i + "'").orElse("")
                                        + ", not to integration '" + integration.id() + "'");
                            }
                            return t;
                        }));
    }

    // ---- list, get, patch, release -------------------------------------------------------------------------

    void list(RoutingContext ctx) {
        Query q = Query.of(ctx, Set.of("agent_id", "provider", "integration_id", "trunk_id", "inbound", "contains", "limit", "cursor"));
        Optional<String> providerFilter = q.string("provider").map(p -> p.toLowerCase(Locale.ROOT));
        providerFilter.filter(p -> !Set.of("sandbox", "twilio", "telnyx", "generic").contains(p))
                .ifPresent(p -> q.error("provider", "must be sandbox, twilio, telnyx or generic"));
        Optional<Boolean> inbound = q.bool("inbound");
        Optional<String> contains = q.digits("contains", 1, 15);
        int limit = q.integer("limit", 1, 500).orElse(50);
        Optional<Long> after = q.string("cursor").map(Cursor::decode).map(s -> {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw ApiProblem.invalid("cursor", "not a cursor from a previous page");
            }
        });
        var filter = new NumberRepository.Filter(q.string("agent_id"), providerFilter, q.string("integration_id"),
                q.string("trunk_id"), inbound, contains);
        q.done();
        NumberRepository.list(pool, filter, after, limit)
                .onSuccess(page -> Reply.ok(Json.page(page, Json::number)).send(ctx))
                .onFailure(ctx::fail);
    }

    void get(RoutingContext ctx) {
        E164 number = Validation.pathNumber(ctx.pathParam("e164"));
        NumberRepository.find(pool, number)
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("no number " + number)))
                .onSuccess(record -> Reply.ok(Json.number(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void patch(RoutingContext ctx) {
        E164 number = Validation.pathNumber(ctx.pathParam("e164"));
        Body b = Body.parse(ctx.body().buffer());
        b.allow(Set.of("agent_id", "inbound_routing"));
        Optional<String> agentId = agentId(b, "agent_id", false);
        if (b.isNull("agent_id")) {
            b.error("agent_id", "cannot be removed; give another agent");
        }
        boolean inboundGiven = b.has("inbound_routing");
        Optional<InboundRouting> inbound = inboundRouting(b, "inbound_routing");
        b.done();
        pool.withTransaction(tx -> NumberRepository.findForUpdate(tx, number)
                        .compose(found -> {
                            NumberRoute old = found.orElseThrow(() -> ApiProblem.notFound("no number " + number)).route();
                            NumberRoute next = new NumberRoute(number, agentId.orElse(old.agentId()),
                                    inboundGiven ? inbound : old.inboundRouting(), old.ownership());
                            return NumberRepository.update(tx, next)
                                    .compose(record -> FeedWriter.numberUpserted(tx, next).map(record));
                        }))
                .onSuccess(record -> Reply.ok(Json.number(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void release(RoutingContext ctx) {
        E164 number = Validation.pathNumber(ctx.pathParam("e164"));
        pool.withTransaction(tx -> NumberRepository.delete(tx, number)
                        .compose(found -> {
                            NumberRecord gone = found.orElseThrow(() -> ApiProblem.notFound("no number " + number));
                            return FeedWriter.numberRemoved(tx, number).map(gone);
                        }))
                .compose(purchases::giveBack)
                .onSuccess(ok -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    // ---- shared -------------------------------------------------------------------------------------------

    /** Reads an agent id field; {@code required} adds an error when it is missing. */
    static Optional<String> agentId(Body b, String field, boolean required) {
        Optional<String> id = required ? Optional.of(b.requiredString(field)).filter(s -> !s.isEmpty()) : b.optString(field);
        id.flatMap(Validation::idProblem).ifPresent(reason -> b.error(field, reason));
        return id;
    }

    /** {@code inbound_routing}: absent or null → outbound-only; an object → inbound calls, as it says. */
    static Optional<InboundRouting> inboundRouting(Body b, String field) {
        return b.optObject(field).map(in -> {
            in.allow(Set.of("agent_id", "fallback", "voicemail_message"));
            Optional<String> agent = agentId(in, "agent_id", false);
            Optional<String> fallback = in.optObject("fallback").flatMap(f -> {
                f.allow(Set.of("agent_id"));
                return agentId(f, "agent_id", true);
            });
            Optional<String> voicemail = in.optString("voicemail_message");
            return new InboundRouting(agent, fallback, voicemail);
        });
    }

    /** Every agent a route names must exist; locked (key share) so none is deleted before commit. */
    static Future<Void> requireAgents(SqlConnection tx, String agentId, Optional<InboundRouting> inbound) {
        Map<String, String> fieldsById = new LinkedHashMap<>();
        inbound.flatMap(InboundRouting::fallbackAgentId).ifPresent(id -> fieldsById.put(id, "inbound_routing.fallback.agent_id"));
        inbound.flatMap(InboundRouting::agentId).ifPresent(id -> fieldsById.put(id, "inbound_routing.agent_id"));
        fieldsById.put(agentId, "agent_id");
        return AgentRepository.existing(tx, fieldsById.keySet()).compose(found -> {
            List<ApiProblem.FieldError> missing = new ArrayList<>();
            fieldsById.forEach((id, field) -> {
                if (!found.contains(id)) {
                    missing.add(new ApiProblem.FieldError(field, "no agent '" + id + "'"));
                }
            });
            return missing.isEmpty() ? Future.succeededFuture() : Future.failedFuture(ApiProblem.invalid(missing));
        });
    }

    private static byte[] randomBytes(int n) {
        byte[] raw = new byte[n];
        RANDOM.nextBytes(raw);
        return raw;
    }
}
