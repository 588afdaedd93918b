package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.Provider;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SQL for {@code purchase_intents}: the record a purchase writes before it asks the provider, so that a crash
 * between buying and wiring is found and settled ({@link PurchaseReconciler}). Shared by the purchase saga
 * ({@link NumberPurchases}) and the reconciler; neither writes SQL of its own.
 */
final class PurchaseRepository {

    /** Where an intent ended. {@code pending} is the only state a purchase in flight has. */
    enum Status {
        PENDING, COMPLETED, FAILED, RELEASED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An intent still pending, and whether its number is wired (in {@code numbers}) by now. */
    record Pending(String intentId, E164 number, boolean wired) {}

    private PurchaseRepository() {}

    /**
     * Records (or re-arms, for a retried Idempotency-Key) the intent to buy {@code number}. The same intent id
     * is reused by every attempt of one request, so the provider sees one purchase key.
     */
    static Future<Void> recordIntent(SqlClient tx, String intentId, E164 number, Provider provider, String agentId) {
        return tx.preparedQuery("insert into purchase_intents (id, e164, provider, agent_id, status)"
                        + " values ($1, $2, $3, $4, 'pending') on conflict (id) do update set e164 = excluded.e164,"
                        + " agent_id = excluded.agent_id, status = 'pending', updated_at = now()")
                .execute(Tuple.of(intentId, number.value(), RouteJson.providerName(provider), agentId))
                .mapEmpty();
    }

    /** Ends an intent whatever its state (the saga's own steps: it owns the intent while it runs). */
    static Future<Void> mark(SqlClient db, String intentId, Status status) {
        return db.preparedQuery("update purchase_intents set status = $2, updated_at = now() where id = $1")
                .execute(Tuple.of(intentId, status.wire()))
                .mapEmpty();
    }

    /**
     * Ends an intent only if it is still pending (the reconciler's steps: a saga that finished meanwhile
     * wins). Returns whether this call settled it.
     */
    static Future<Boolean> settle(SqlClient db, String intentId, Status status) {
        return db.preparedQuery("update purchase_intents set status = $2, updated_at = now()"
                        + " where id = $1 and status = 'pending'")
                .execute(Tuple.of(intentId, status.wire()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Intents of {@code provider} pending for longer than {@code grace}, oldest first. */
    static Future<List<Pending>> pendingOlderThan(SqlClient db, Provider provider, Duration grace) {
        return db.preparedQuery("select i.id, i.e164, exists (select 1 from numbers n where n.e164 = i.e164)"
                        + " from purchase_intents i where i.status = 'pending' and i.provider = $1"
                        + " and i.updated_at < now() - make_interval(secs => $2) order by i.created_at")
                .execute(Tuple.of(RouteJson.providerName(provider), (double) grace.toMillis() / 1000.0))
                .map(rows -> {
                    List<Pending> pending = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        pending.add(new Pending(row.getString(0), E164.of(row.getLong(1)), row.getBoolean(2)));
                    }
                    return pending;
                });
    }
}
