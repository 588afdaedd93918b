package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.Agent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code /v1/agents}: the voice agents numbers route to; every change is fed to the edges. */
final class AgentHandlers {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final Set<String> FIELDS = Set.of("agent_id", "sip_uri", "sip_uris", "max_concurrent_calls",
            "voicemail_message", "enabled", "sip_username", "sip_password");
    static final int MAX_SIP_URIS = 16;

    private final Pool pool;
    private final SecretBox secrets;

    AgentHandlers(Pool pool, SecretBox secrets) {
        this.pool = pool;
        this.secrets = secrets;
    }

    void mount(Router router) {
        router.post("/v1/agents").handler(this::create);
        router.get("/v1/agents").handler(this::list);
        router.get("/v1/agents/:agent_id").handler(this::get);
        router.patch("/v1/agents/:agent_id").handler(this::patch);
        router.delete("/v1/agents/:agent_id").handler(this::delete);
    }

    void create(RoutingContext ctx) {
        Body b = Body.parse(ctx.body().buffer());
        b.allow(FIELDS);
        String id = NumberHandlers.agentId(b, "agent_id", false).orElseGet(AgentHandlers::newId);
        String sipUri = sipUri(b, "sip_uri", true).orElse("");
        List<String> more = sipUris(b).orElse(List.of());
        int max = b.optInt("max_concurrent_calls", 0, 100_000).orElse(0);
        Optional<String> voicemail = b.optString("voicemail_message");
        boolean enabled = b.optBoolean("enabled").orElse(true);
        Optional<String> username = sipUsername(b);
        Optional<String> password = sipPassword(b);
        if (password.isPresent() && username.isEmpty()) {
            b.error("sip_username", "is required with sip_password");
        }
        b.done();
        Agent agent = new Agent(id, concat(sipUri, more), max, voicemail, enabled);
        Optional<byte[]> sealed = password.map(secrets::seal);
        pool.withTransaction(tx -> AgentRepository.insert(tx, agent, username, sealed)
                        .compose(record -> FeedWriter.agentUpserted(tx, agent).map(record)))
                .onSuccess(record -> Reply.created(Json.agent(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void list(RoutingContext ctx) {
        Query q = Query.of(ctx, Set.of("limit", "cursor"));
        int limit = q.integer("limit", 1, 500).orElse(50);
        Optional<String> after = q.string("cursor").map(Cursor::decode);
        q.done();
        AgentRepository.list(pool, after, limit)
                .onSuccess(page -> Reply.ok(Json.page(page, Json::agent)).send(ctx))
                .onFailure(ctx::fail);
    }

    void get(RoutingContext ctx) {
        String id = ctx.pathParam("agent_id");
        AgentRepository.find(pool, id)
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("no agent '" + id + "'")))
                .onSuccess(record -> Reply.ok(Json.agent(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void patch(RoutingContext ctx) {
        String id = ctx.pathParam("agent_id");
        Body b = Body.parse(ctx.body().buffer());
        b.allow(FIELDS);
        if (b.has("agent_id")) {
            b.error("agent_id", "cannot be changed; create a new agent and move the numbers");
        }
        for (String required : List.of("sip_uri", "enabled", "max_concurrent_calls")) {
            if (b.isNull(required)) {
                b.error(required, "cannot be null");
            }
        }
        Optional<String> sipUri = sipUri(b, "sip_uri", false);
        Optional<List<String>> more = b.isNull("sip_uris") ? Optional.of(List.of()) : sipUris(b);
        Optional<Integer> max = b.optInt("max_concurrent_calls", 0, 100_000);
        boolean voicemailGiven = b.has("voicemail_message");
        Optional<String> voicemail = b.optString("voicemail_message");
        Optional<Boolean> enabled = b.optBoolean("enabled");
        boolean usernameGiven = b.has("sip_username");
        Optional<String> username = sipUsername(b);
        boolean clearPassword = b.isNull("sip_password");
        Optional<String> password = sipPassword(b);
        b.done();
        Optional<Optional<byte[]>> newPassword = clearPassword ? Optional.of(Optional.empty())
                : password.map(secrets::seal).map(Optional::of);
        pool.withTransaction(tx -> AgentRepository.findForUpdate(tx, id)
                        .compose(found -> {
                            var stored = found.orElseThrow(() -> ApiProblem.notFound("no agent '" + id + "'"));
                            Agent old = stored.agent();
                            Optional<String> user = usernameGiven ? username : stored.sipUsername();
                            if (user.isEmpty() && (password.isPresent() || (stored.hasSipPassword() && !clearPassword))) {
                                throw ApiProblem.invalid("sip_username", "is required while the agent has a sip_password");
                            }
                            Agent next = new Agent(id,
                                    concat(sipUri.orElse(old.sipUris().get(0)),
                                            more.orElse(old.sipUris().subList(1, old.sipUris().size()))),
                                    max.orElse(old.maxConcurrentCalls()),
                                    voicemailGiven ? voicemail : old.voicemailMessage(),
                                    enabled.orElse(old.enabled()));
                            return AgentRepository.update(tx, next, user, newPassword)
                                    .compose(record -> FeedWriter.agentUpserted(tx, next).map(record));
                        }))
                .onSuccess(record -> Reply.ok(Json.agent(record)).send(ctx))
                .onFailure(ctx::fail);
    }

    void delete(RoutingContext ctx) {
        String id = ctx.pathParam("agent_id");
        // The row lock makes a concurrent number insert naming this agent wait, so the check holds.
        pool.withTransaction(tx -> AgentRepository.findForUpdate(tx, id)
                        .compose(found -> {
                            found.orElseThrow(() -> ApiProblem.notFound("no agent '" + id + "'"));
                            return NumberRepository.usingAgent(tx, id, 20);
                        })
                        .compose(numbers -> {
                            if (!numbers.isEmpty()) {
                                throw ApiProblem.conflict("agent '" + id + "' is used by " + String.join(", ", numbers)
                                        + (numbers.size() == 20 ? " and maybe more" : "")
                                        + "; move or release those numbers first", List.of(new ApiProblem.FieldError("agent_id",
                                        "in use by " + String.join(", ", numbers))));
                            }
                            return AgentRepository.delete(tx, id).compose(ok -> FeedWriter.agentRemoved(tx, id));
                        }))
                .onSuccess(ok -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    /** A digest username: a SIP {@code user} token is safest; quotes and control characters break the header. */
    private static Optional<String> sipUsername(Body b) {
        Optional<String> user = b.optString("sip_username");
        user.ifPresent(u -> {
            if (u.isEmpty() || u.length() > 128) {
                b.error("sip_username", "must be 1 to 128 characters");
            } else if (u.chars().anyMatch(c -> c <= 0x20 || c == '"' || c == '\\' || c == 0x7f)) {
                b.error("sip_username", "must not contain spaces, quotes, backslashes or control characters");
            }
        });
        return user;
    }

    private static Optional<String> sipPassword(Body b) {
        Optional<String> password = b.optString("sip_password");
        password.ifPresent(p -> {
            if (p.length() < 8 || p.length() > 128) {
                b.error("sip_password", "must be 8 to 128 characters");
            }
        });
        return password;
    }

    private static Optional<String> sipUri(Body b, String field, boolean required) {
        Optional<String> uri = required ? Optional.of(b.requiredString(field)).filter(s -> !s.isEmpty()) : b.optString(field);
        uri.flatMap(Validation::sipUriProblem).ifPresent(reason -> b.error(field, reason));
        return uri;
    }

    private static Optional<List<String>> sipUris(Body b) {
        Optional<List<String>> uris = b.optStringList("sip_uris", MAX_SIP_URIS - 1);
        uris.ifPresent(list -> {
            for (int i = 0; i < list.size(); i++) {
                int at = i;
                Validation.sipUriProblem(list.get(i)).ifPresent(reason -> b.error("sip_uris[" + at + "]", reason));
            }
        });
        return uris;
    }

    private static List<String> concat(String first, List<String> more) {
        List<String> all = new ArrayList<>(1 + more.size());
        all.add(first);
        all.addAll(more);
        return List.copyOf(all);
    }

    private static String newId() {
        byte[] raw = new byte[8];
        RANDOM.nextBytes(raw);
        return "agt_" + HexFormat.of().formatHex(raw);
    }
}
