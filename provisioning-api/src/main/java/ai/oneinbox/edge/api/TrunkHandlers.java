package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.IntegrationRepository.IntegrationRecord;
import ai.oneinbox.edge.routing.Cidr;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.Trunk;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /v1/trunks}: the SIP trunks calls arrive on and leave through. An empty {@code source_cidrs} means
 * the provider's published signaling ranges (the edge's configuration holds them). The outbound digest
 * password is sealed at rest and never returned.
 */
final class TrunkHandlers {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> FIELDS = Set.of("id", "provider", "integration_id", "termination_uri",
            "source_cidrs", "sip_username", "sip_password", "max_concurrent_calls");
    static final int MAX_CIDRS = 64;

    private final Pool pool;
    private final SecretBox secrets;

    TrunkHandlers(Pool pool, SecretBox secrets) {
        this.pool = pool;
        this.secrets = secrets;
    }

    void mount(Router router) {
        router.post("/v1/trunks").handler(this::create);
        router.get("/v1/trunks").handler(this::list);
        router.get("/v1/trunks/:id").handler(this::get);
        router.patch("/v1/trunks/:id").handler(this::patch);
        router.delete("/v1/trunks/:id").handler(this::delete);
    }

    void create(RoutingContext ctx) {
        Body b = Body.parse(ctx.body().buffer());
        b.allow(FIELDS);
        String id = b.optString("id").orElseGet(TrunkHandlers::newId);
        Validation.idProblem(id).ifPresent(reason -> b.error("id", reason));
        String providerName = b.requiredString("provider").toLowerCase(Locale.ROOT);
        if (!providerName.isEmpty() && !Set.of("twilio", "telnyx", "generic").contains(providerName)) {
            b.error("provider", "must be twilio, telnyx or generic");
        }
        Optional<String> integrationId = b.optString("integration_id");
        if (providerName.equals("generic") && integrationId.isPresent()) {
            b.error("integration_id", "a generic trunk has no provider integration");
        }
        Optional<String> termination = termination(b, true);
        List<Cidr> cidrs = cidrs(b).orElse(List.of());
        Optional<String> username = b.optString("sip_username");
        Optional<String> password = b.optString("sip_password");
        if (password.isPresent() && username.isEmpty()) {
            b.error("sip_username", "is required with sip_password");
        }
        int max = b.optInt("max_concurrent_calls", 0, 1_000_000).orElse(0);
        b.done();
        Provider kind = RouteJson.provider(providerName);
        Optional<byte[]> sealed = password.map(secrets::seal);
        pool.withTransaction(tx -> integration(tx, integrationId, providerName)
                        .compose(integration -> {
                            Trunk trunk = new Trunk(id, kind, termination.get(), cidrs, integrationId,
                                    integration.flatMap(IntegrationRecord::binding), max);
                            return TrunkRepository.insert(tx, trunk, username, sealed)
                                    .compose(record -> FeedWriter.trunkUpserted(tx, trunk).map(record));
                        }))
                .onSuccess(record -> Reply.created(Json.trunk(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void list(RoutingContext ctx) {
        Query q = Query.of(ctx, Set.of("limit", "cursor"));
        int limit = q.integer("limit", 1, 500).orElse(50);
        Optional<String> after = q.string("cursor").map(Cursor::decode);
        q.done();
        TrunkRepository.list(pool, after, limit)
                .onSuccess(page -> Reply.ok(Json.page(page, Json::trunk)).send(ctx))
                .onFailure(ctx::fail);
    }

    void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        TrunkRepository.find(pool, id)
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("no trunk '" + id + "'")))
                .onSuccess(record -> Reply.ok(Json.trunk(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void patch(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Body b = Body.parse(ctx.body().buffer());
        b.allow(Set.of("termination_uri", "source_cidrs", "sip_username", "sip_password", "max_concurrent_calls"));
        for (String required : List.of("termination_uri", "max_concurrent_calls")) {
            if (b.isNull(required)) {
                b.error(required, "cannot be null");
            }
        }
        Optional<String> termination = termination(b, false);
        Optional<List<Cidr>> cidrs = b.isNull("source_cidrs") ? Optional.of(List.of()) : cidrs(b);
        boolean usernameGiven = b.has("sip_username");
        Optional<String> username = b.optString("sip_username");
        boolean clearPassword = b.isNull("sip_password");
        Optional<String> password = b.optString("sip_password");
        Optional<Integer> max = b.optInt("max_concurrent_calls", 0, 1_000_000);
        b.done();
        Optional<byte[]> sealed = password.map(secrets::seal);
        pool.withTransaction(tx -> TrunkRepository.findForUpdate(tx, id)
                        .compose(found -> {
                            var old = found.orElseThrow(() -> ApiProblem.notFound("no trunk '" + id + "'"));
                            Trunk t = old.trunk();
                            Optional<String> user = usernameGiven ? username : old.sipUsername();
                            if (user.isEmpty() && (password.isPresent() || (old.hasSipPassword() && !clearPassword))) {
                                throw ApiProblem.invalid("sip_username", "is required while the trunk has a sip_password");
                            }
                            Trunk next = new Trunk(id, t.provider(), termination.orElse(t.terminationUri()),
                                    cidrs.orElse(t.sourceCidrs()), t.integrationId(), t.binding(), max.orElse(t.maxConcurrentCalls()));
                            Future<Void> movable = termination.isPresent() && !termination.get().equals(t.terminationUri())
                                    ? NumberRepository.usingTrunk(tx, id, 20).compose(numbers -> numbers.isEmpty()
                                            ? Future.succeededFuture()
                                            : Future.failedFuture(ApiProblem.conflict("termination_uri of trunk '" + id
                                                    + "' is the sip_trunk of " + String.join(", ", numbers)
                                                    + "; register those numbers again with the new sip_trunk")))
                                    : Future.succeededFuture();
                            return movable.compose(ok -> TrunkRepository.update(tx, next, user, sealed, clearPassword))
                                    .compose(record -> FeedWriter.trunkUpserted(tx, next).map(record));
                        }))
                .onSuccess(record -> Reply.ok(Json.trunk(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        pool.withTransaction(tx -> TrunkRepository.findForUpdate(tx, id)
                        .compose(found -> {
                            found.orElseThrow(() -> ApiProblem.notFound("no trunk '" + id + "'"));
                            return NumberRepository.usingTrunk(tx, id, 20);
                        })
                        .compose(numbers -> {
                            if (!numbers.isEmpty()) {
                                throw ApiProblem.conflict("trunk '" + id + "' carries " + String.join(", ", numbers)
                                        + "; release those numbers first");
                            }
                            return TrunkRepository.delete(tx, id).compose(ok -> FeedWriter.trunkRemoved(tx, id));
                        }))
                .onSuccess(ok -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private static Future<Optional<IntegrationRecord>> integration(SqlConnection tx, Optional<String> id, String provider) {
        if (id.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        return IntegrationRepository.findForShare(tx, id.get()).map(found -> {
            IntegrationRecord integration = found.orElseThrow(() ->
                    ApiProblem.invalid("integration_id", "no integration '" + id.get() + "'"));
            if (!integration.provider().equals(provider)) {
                throw ApiProblem.invalid("integration_id", "integration '" + id.get() + "' is a "
                        + integration.provider() + " integration, not " + provider);
            }
            return Optional.of(integration);
        });
    }

    private static Optional<String> termination(Body b, boolean required) {
        Optional<String> raw = required
                ? Optional.of(b.requiredString("termination_uri")).filter(s -> !s.isEmpty())
                : b.optString("termination_uri");
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> normal = Validation.normaliseTermination(raw.get());
        if (normal.isEmpty()) {
            b.error("termination_uri", "must be a host name like yourtrunk.pstn.twilio.com or a SIP URI");
        }
        return normal;
    }

    private static Optional<List<Cidr>> cidrs(Body b) {
        return b.optStringList("source_cidrs", MAX_CIDRS).map(list -> {
            List<Cidr> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                try {
                    out.add(Cidr.parse(list.get(i)));
                } catch (IllegalArgumentException e) {
                    b.error("source_cidrs[" + i + "]", "not an address range like 203.0.113.0/24: " + e.getMessage());
                }
            }
            return List.copyOf(out);
        });
    }

    private static String newId() {
        byte[] raw = new byte[8];
        RANDOM.nextBytes(raw);
        return "trk_" + HexFormat.of().formatHex(raw);
    }
}
