package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.IntegrationRepository.IntegrationRecord;
import ai.oneinbox.edge.api.TrunkRepository.TrunkRecord;
import ai.oneinbox.edge.api.provider.AvailableNumber;
import ai.oneinbox.edge.api.provider.NumberProvider;
import ai.oneinbox.edge.api.provider.NumberSearch;
import ai.oneinbox.edge.api.provider.NumberType;
import ai.oneinbox.edge.api.provider.PurchaseRequest;
import ai.oneinbox.edge.api.provider.PurchaseResult;
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
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/phone-numbers}: Path A (search, then buy a chosen number), Path B (auto-assign), Path C
 * (register a number owned in Twilio or Telnyx), and list / get / patch / release.
 *
 * <p>A purchase never holds a transaction open across the provider call: the intent is recorded, the
 * provider is asked, then one transaction wires the number, appends its route change and stores the
 * Idempotency-Key reply. If that transaction fails, the number is released at the provider again.
 */
final class NumberHandlers {

    private static final Logger log = LoggerFactory.getLogger(NumberHandlers.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Candidates tried by one auto-assign before giving up (each lost race moves to another). */
    static final int AUTO_ASSIGN_ATTEMPTS = 12;

    private final Pool pool;
    private final NumberProvider provider;
    private final String region;
    private final ByoChecks byo;

    NumberHandlers(Pool pool, NumberProvider provider, String region, ByoChecks byo) {
        this.pool = pool;
        this.provider = provider;
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
                            ? buy(number.get(), agentId, inbound, claim)
                            : autoAssign(country.orElse(region), areaCode, agentId, inbound, claim))
                            .recover(e -> Idempotency.release(pool, claim).transform(ignored -> Future.failedFuture(e)));
                })
                .onSuccess(reply -> reply.send(ctx))
                .onFailure(ctx::fail);
    }

    /** Path A. */
    private Future<Reply> buy(E164 number, String agentId, Optional<InboundRouting> inbound, Idempotency.Claim claim) {
        String intentId = claim.intentId().orElseGet(NumberHandlers::newIntentId);
        return pool.withTransaction(tx -> requireAgents(tx, agentId, inbound)
                        .compose(ok -> NumberRepository.find(tx, number))
                        .compose(existing -> existing.isPresent()
                                ? Future.failedFuture(ApiProblem.conflict(number + " is already registered"))
                                : recordIntent(tx, intentId, number, agentId)))
                .compose(ok -> provider.purchase(new PurchaseRequest(intentId, number)))
                .compose(result -> {
                    if (result instanceof PurchaseResult.Purchased bought) {
                        return wire(bought.number(), agentId, inbound, intentId, claim);
                    }
                    PurchaseResult.Unavailable gone = (PurchaseResult.Unavailable) result;
                    return markIntent(intentId, "failed").transform(ignored ->
                            Future.failedFuture(ApiProblem.conflict(number + " is not available: " + gone.reason())));
                });
    }

    /** Path B: pick an available number near the wish, buy it; a lost race moves on to another candidate. */
    private Future<Reply> autoAssign(String country, Optional<String> areaCode, String agentId,
                                     Optional<InboundRouting> inbound, Idempotency.Claim claim) {
        return pool.withTransaction(tx -> requireAgents(tx, agentId, inbound))
                .compose(ok -> attempt(country, areaCode, agentId, inbound, claim, 1));
    }

    private Future<Reply> attempt(String country, Optional<String> areaCode, String agentId,
                                  Optional<InboundRouting> inbound, Idempotency.Claim claim, int attempt) {
        if (attempt > AUTO_ASSIGN_ATTEMPTS) {
            return Future.failedFuture(ApiProblem.conflict("no number could be assigned after "
                    + AUTO_ASSIGN_ATTEMPTS + " attempts (others bought the candidates first); retry"));
        }
        String intentId = claim.intentId().orElseGet(NumberHandlers::newIntentId);
        return provider.search(new NumberSearch(country, areaCode, Optional.empty(), NumberSearch.MAX_LIMIT))
                .compose(candidates -> {
                    if (candidates.isEmpty()) {
                        return Future.failedFuture(ApiProblem.conflict("no numbers available in " + country
                                + areaCode.map(a -> " area code " + a).orElse("")));
                    }
                    // A random pick spreads concurrent auto-assigns over the candidates instead of all
                    // racing for the first one.
                    E164 pick = candidates.get(RANDOM.nextInt(candidates.size())).number();
                    return pool.withTransaction(tx -> recordIntent(tx, intentId, pick, agentId))
                            .compose(ok -> provider.purchase(new PurchaseRequest(intentId, pick)));
                })
                .compose(result -> result instanceof PurchaseResult.Purchased bought
                        ? wire(bought.number(), agentId, inbound, intentId, claim)
                                .recover(e -> e instanceof ApiProblem p && p.status() == 409 && p.errors().isEmpty()
                                        ? attempt(country, areaCode, agentId, inbound, claim, attempt + 1)
                                        : Future.failedFuture(e))
                        // A lost race bought nothing: close its intent so the reconciler need not ask the provider.
                        : markIntent(intentId, "failed").transform(ignored -> attempt(country, areaCode, agentId, inbound, claim, attempt + 1)));
    }

    /** The one transaction that makes a bought number routable; on failure the purchase is undone. */
    private Future<Reply> wire(E164 number, String agentId, Optional<InboundRouting> inbound, String intentId,
                               Idempotency.Claim claim) {
        NumberRoute route = new NumberRoute(number, agentId, inbound, Ownership.of(provider.kind()));
        return pool.withTransaction(tx -> NumberRepository.insert(tx, route)
                        .compose(record -> FeedWriter.numberUpserted(tx, route).map(record))
                        .compose(record -> tx.preparedQuery("update purchase_intents set status = 'completed', updated_at = now() where id = $1")
                                .execute(Tuple.of(intentId)).map(record))
                        .compose(record -> claim.complete(tx, Reply.created(Json.number(record)))))
                .recover(e -> provider.release(number)
                        .compose(ok -> markIntent(intentId, "released"))
                        .transform(ignored -> {
                            log.info("Purchase of {} not wired ({}); released it", number, e.getMessage());
                            return Future.failedFuture(e);
                        }));
    }

    private Future<Void> recordIntent(SqlConnection tx, String intentId, E164 number, String agentId) {
        return tx.preparedQuery("insert into purchase_intents (id, e164, provider, agent_id, status)"
                        + " values ($1, $2, $3, $4, 'pending') on conflict (id) do update set e164 = excluded.e164,"
                        + " agent_id = excluded.agent_id, status = 'pending', updated_at = now()")
                .execute(Tuple.of(intentId, number.value(), RouteJson.providerName(provider.kind()), agentId))
                .mapEmpty();
    }

    private Future<Void> markIntent(String intentId, String status) {
        return pool.preparedQuery("update purchase_intents set status = $2, updated_at = now() where id = $1")
                .execute(Tuple.of(intentId, status))
                .mapEmpty();
    }

    private static String newIntentId() {
        byte[] raw = new byte[12];
        RANDOM.nextBytes(raw);
        return "pi_" + HexFormat.of().formatHex(raw);
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
        // on conflict do nothing: a concurrent import of the same trunk waits for ours and then finds it.
        return tx.preparedQuery("insert into trunks (" + TrunkRepository.COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7)"
                        + " on conflict (termination_uri) do nothing returning id")
                .execute(Tuple.tuple().addString(fresh.id()).addString(RouteJson.providerName(kind)).addString(termination)
                        .addArrayOfString(new String[0]).addString(integration.id())
                        .addString(integration.binding().orElse(null)).addInteger(0))
                .compose(inserted -> inserted.rowCount() == 1
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
                .compose(gone -> {
                    Ownership o = gone.route().ownership();
                    // Bought through the platform's provider (Paths A/B): give it back. A brought-in number
                    // (Path C) stays the customer's.
                    if (o.integrationId().isEmpty() && o.provider() == provider.kind()) {
                        return provider.release(number).recover(e -> {
                            log.warn("{} unregistered but not released at {}: {}", number, provider.kind(), e.toString());
                            return Future.succeededFuture();
                        });
                    }
                    return Future.succeededFuture();
                })
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
