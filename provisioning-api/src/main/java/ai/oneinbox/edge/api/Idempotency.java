package ai.oneinbox.edge.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code Idempotency-Key}: the first request with a key claims it; its successful response is stored in the
 * same transaction as its effect and replayed for a repeat of the same request. A repeat while the first
 * is still running → 409; the key reused for a different request → 422. A failed request frees its key, so
 * the client may retry; a claim left by a crashed process expires after a minute.
 */
final class Idempotency {

    static final String HEADER = "Idempotency-Key";

    /** A claimed key (or none), carried to the transaction that writes the response. */
    record Claim(Optional<String> key) {
        static final Claim NONE = new Claim(Optional.empty());

        /** Stores {@code reply} for the key inside the caller's transaction. */
        Future<Reply> complete(SqlClient tx, Reply reply) {
            if (key.isEmpty()) {
                return Future.succeededFuture(reply);
            }
            return tx.preparedQuery("update idempotency_keys set response_status = $2, response_body = $3 where key = $1")
                    .execute(Tuple.of(key.get(), reply.status(), reply.body().encode()))
                    .map(reply);
        }

        /** A stable purchase-intent id for this key, so a retried purchase is the same purchase. */
        Optional<String> intentId() {
            return key.map(k -> "pi_" + HexFormat.of().formatHex(sha256(k.getBytes(StandardCharsets.UTF_8)), 0, 12));
        }
    }

    /** Either the key is now ours to run with, or the stored reply to send again. */
    sealed interface Outcome {
        record Run(Claim claim) implements Outcome {}

        record Replay(Reply reply) implements Outcome {}
    }

    private Idempotency() {}

    static Optional<String> header(io.vertx.ext.web.RoutingContext ctx) {
        String key = ctx.request().getHeader(HEADER);
        if (key == null) {
            return Optional.empty();
        }
        if (key.isBlank() || key.length() > 255) {
            throw ApiProblem.invalid(HEADER, "must be 1..255 characters");
        }
        return Optional.of(key.strip());
    }

    static Future<Outcome> claim(Pool pool, String scope, Optional<String> key, Buffer body) {
        if (key.isEmpty()) {
            return Future.succeededFuture(new Outcome.Run(Claim.NONE));
        }
        String scoped = scope + " " + key.get();
        byte[] hash = sha256(body.getBytes());
        return pool.preparedQuery("insert into idempotency_keys (key, request_hash, response_status, response_body)"
                        + " values ($1, $2, 0, '') on conflict (key) do update set request_hash = excluded.request_hash,"
                        + " created_at = now() where idempotency_keys.response_status = 0"
                        + " and idempotency_keys.created_at < now() - interval '60 seconds' returning key")
                .execute(Tuple.of(scoped, Buffer.buffer(hash)))
                .compose(claimed -> {
                    if (claimed.rowCount() == 1) {
                        return Future.succeededFuture((Outcome) new Outcome.Run(new Claim(Optional.of(scoped))));
                    }
                    return pool.preparedQuery("select request_hash, response_status, response_body from idempotency_keys where key = $1")
                            .execute(Tuple.of(scoped))
                            .map(rows -> {
                                var it = rows.iterator();
                                if (!it.hasNext()) {
                                    throw ApiProblem.conflict("a request with this Idempotency-Key is in progress; retry");
                                }
                                var row = it.next();
                                if (!Arrays.equals(row.getBuffer(0).getBytes(), hash)) {
                                    throw ApiProblem.unprocessable("this Idempotency-Key was used for a different request");
                                }
                                if (row.getInteger(1) == 0) {
                                    throw ApiProblem.conflict("a request with this Idempotency-Key is in progress; retry");
                                }
                                return new Outcome.Replay(new Reply(row.getInteger(1), new JsonObject(row.getString(2))));
                            });
                });
    }

    /** Frees the key after a failed request so the client can retry it. */
    static Future<Void> release(Pool pool, Claim claim) {
        if (claim.key().isEmpty()) {
            return Future.succeededFuture();
        }
        return pool.preparedQuery("delete from idempotency_keys where key = $1 and response_status = 0")
                .execute(Tuple.of(claim.key().get()))
                .mapEmpty();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
