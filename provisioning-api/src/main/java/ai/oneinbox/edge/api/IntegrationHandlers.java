package ai.oneinbox.edge.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /v1/integrations}: a customer's provider credentials for Path C. The secret (Twilio auth token,
 * Telnyx API key) is sealed with AES-GCM before it reaches the database; responses show its last four
 * characters only. Integrations are immutable: to rotate a secret, create another and move the numbers.
 */
final class IntegrationHandlers {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Pool pool;
    private final SecretBox secrets;
    private final ByoChecks byo;

    IntegrationHandlers(Pool pool, SecretBox secrets, ByoChecks byo) {
        this.pool = pool;
        this.secrets = secrets;
        this.byo = byo;
    }

    void mount(Router router) {
        router.post("/v1/integrations").handler(this::create);
        router.get("/v1/integrations").handler(this::list);
        router.get("/v1/integrations/:id").handler(this::get);
        router.delete("/v1/integrations/:id").handler(this::delete);
    }

    void create(RoutingContext ctx) {
        Body b = Body.parse(ctx.body().buffer());
        String provider = b.requiredString("provider").toLowerCase(Locale.ROOT);
        Optional<String> accountSid = Optional.empty();
        Optional<String> connectionId = Optional.empty();
        String secretField;
        switch (provider) {
            case "twilio" -> {
                b.allow(Set.of("provider", "account_sid", "auth_token"));
                accountSid = Optional.of(b.requiredString("account_sid")).filter(s -> !s.isEmpty());
                accountSid.filter(s -> !s.matches("AC[0-9a-fA-F]{32}"))
                        .ifPresent(s -> b.error("account_sid", "must be a Twilio Account SID: AC followed by 32 hex digits"));
                secretField = "auth_token";
            }
            case "telnyx" -> {
                b.allow(Set.of("provider", "api_key", "connection_id"));
                connectionId = b.optString("connection_id");
                connectionId.flatMap(Validation::idProblem).ifPresent(r -> b.error("connection_id", r));
                secretField = "api_key";
            }
            default -> {
                if (!provider.isEmpty()) {
                    b.error("provider", "must be twilio or telnyx");
                }
                secretField = "";
            }
        }
        String secret = secretField.isEmpty() ? "" : b.requiredString(secretField);
        if (!secret.isEmpty() && secret.length() < 8) {
            b.error(secretField, "is too short to be a real credential");
        }
        b.done();
        String id = newId();
        byte[] sealed = secrets.seal(new JsonObject().put(secretField, secret).encode());
        String last4 = secret.substring(secret.length() - 4);
        Optional<String> sid = accountSid;
        Optional<String> connection = connectionId;
        // The provider must accept the credentials before anything is stored.
        byo.verify(provider, sid, secret, connection)
                .compose(ok -> pool.withTransaction(tx -> IntegrationRepository.insert(tx, id, provider, sid, connection, sealed, last4)))
                .onSuccess(record -> Reply.created(Json.integration(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void list(RoutingContext ctx) {
        Query q = Query.of(ctx, Set.of("limit", "cursor"));
        int limit = q.integer("limit", 1, 500).orElse(50);
        Optional<String> after = q.string("cursor").map(Cursor::decode);
        q.done();
        IntegrationRepository.list(pool, after, limit)
                .onSuccess(page -> Reply.ok(Json.page(page, Json::integration)).send(ctx))
                .onFailure(ctx::fail);
    }

    void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        IntegrationRepository.find(pool, id)
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("no integration '" + id + "'")))
                .onSuccess(record -> Reply.ok(Json.integration(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        pool.withTransaction(tx -> IntegrationRepository.findForUpdate(tx, id)
                        .compose(found -> {
                            found.orElseThrow(() -> ApiProblem.notFound("no integration '" + id + "'"));
                            return NumberRepository.usingIntegration(tx, id, 20)
                                    .compose(numbers -> TrunkRepository.usingIntegration(tx, id).map(trunks -> {
                                        List<String> users = new ArrayList<>(numbers);
                                        trunks.forEach(t -> users.add("trunk " + t));
                                        return users;
                                    }));
                        })
                        .compose(users -> {
                            if (!users.isEmpty()) {
                                throw ApiProblem.conflict("integration '" + id + "' is used by " + String.join(", ", users)
                                        + "; release those numbers and delete those trunks first");
                            }
                            return IntegrationRepository.delete(tx, id);
                        }))
                .onSuccess(ok -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private static String newId() {
        byte[] raw = new byte[8];
        RANDOM.nextBytes(raw);
        return "int_" + HexFormat.of().formatHex(raw);
    }
}
