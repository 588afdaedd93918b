package ai.oneinbox.edge.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Bearer-token authentication of {@code /v1}. Keys are stored as SHA-256 hashes (enough for
 * high-entropy random tokens) and compared in constant time; the known hashes are held in memory, so
 * authentication goes on while the database is down.
 */
final class ApiKeys {

    private volatile List<byte[]> hashes = List.of();

    /** Stores the admin key's hash (replacing an older admin key) and loads every key's hash. */
    Future<Void> install(Pool pool, AdminKey admin) {
        return pool.preparedQuery("insert into api_keys (name, key_hash) values ('admin', $1)"
                        + " on conflict (name) do update set key_hash = excluded.key_hash")
                .execute(Tuple.of(Buffer.buffer(hash(admin.key()))))
                .compose(ok -> pool.query("select key_hash from api_keys").execute())
                .map(rows -> {
                    List<byte[]> loaded = new ArrayList<>();
                    rows.forEach(r -> loaded.add(r.getBuffer(0).getBytes()));
                    hashes = List.copyOf(loaded);
                    return null;
                });
    }

    void authenticate(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"oneinbox\"");
            Problems.send(ctx, new ApiProblem(401, "unauthenticated", "Unauthenticated",
                    "send the API key as Authorization: Bearer <key>", List.of()));
            return;
        }
        byte[] presented = hash(header.substring(7).strip());
        boolean known = false;
        for (byte[] h : hashes) {
            known |= MessageDigest.isEqual(h, presented);
        }
        if (!known) {
            // RFC 6750 §3.1: a key that is not (or no longer) valid is 401 invalid_token, not 403.
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"oneinbox\", error=\"invalid_token\"");
            Problems.send(ctx, new ApiProblem(401, "unauthenticated", "Unauthenticated", "this API key is not valid",
                    List.of()));
            return;
        }
        ctx.next();
    }

    static byte[] hash(String key) {
        return Idempotency.sha256(key.getBytes(StandardCharsets.UTF_8));
    }
}
