package ai.oneinbox.edge.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL for {@code integrations}. Reads never select the sealed secret: only {@link #sealedSecret} does, for
 * the provider adapters.
 */
final class IntegrationRepository {

    /**
     * A stored integration, without its secret.
     *
     * @param secretLast4 the last four characters of the auth token / API key
     */
    record IntegrationRecord(String id, String provider, Optional<String> accountSid, Optional<String> connectionId,
                             String secretLast4, OffsetDateTime createdAt) {
        /** The tenant the edge checks calls against: Twilio account SID or Telnyx connection id. */
        Optional<String> binding() {
            return provider.equals("twilio") ? accountSid : connectionId;
        }
    }

    private static final String ALL = "id, provider, account_sid, connection_id, secret_last4, created_at";

    private IntegrationRepository() {}

    static IntegrationRecord map(Row row) {
        return new IntegrationRecord(row.getString(0), row.getString(1), Optional.ofNullable(row.getString(2)),
                Optional.ofNullable(row.getString(3)), row.getString(4), row.getOffsetDateTime(5));
    }

    static Future<Optional<IntegrationRecord>> find(SqlClient db, String id) {
        return db.preparedQuery("select " + ALL + " from integrations where id = $1").execute(Tuple.of(id))
                .map(IntegrationRepository::first);
    }

    /** With a share lock: the integration cannot be deleted before the caller's transaction ends. */
    static Future<Optional<IntegrationRecord>> findForShare(SqlClient tx, String id) {
        return tx.preparedQuery("select " + ALL + " from integrations where id = $1 for key share").execute(Tuple.of(id))
                .map(IntegrationRepository::first);
    }

    static Future<Optional<IntegrationRecord>> findForUpdate(SqlClient tx, String id) {
        return tx.preparedQuery("select " + ALL + " from integrations where id = $1 for update").execute(Tuple.of(id))
                .map(IntegrationRepository::first);
    }

    static Future<IntegrationRecord> insert(SqlClient tx, String id, String provider, Optional<String> accountSid,
                                            Optional<String> connectionId, byte[] sealedSecret, String last4) {
        return tx.preparedQuery("insert into integrations (id, provider, account_sid, connection_id, secret, secret_last4)"
                        + " values ($1, $2, $3, $4, $5, $6) returning " + ALL)
                .execute(Tuple.of(id, provider, accountSid.orElse(null), connectionId.orElse(null),
                        Buffer.buffer(sealedSecret), last4))
                .map(rows -> map(rows.iterator().next()));
    }

    static Future<byte[]> sealedSecret(SqlClient db, String id) {
        return db.preparedQuery("select secret from integrations where id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        throw ApiProblem.notFound("no integration '" + id + "'");
                    }
                    return it.next().getBuffer(0).getBytes();
                });
    }

    static Future<Boolean> delete(SqlClient tx, String id) {
        return tx.preparedQuery("delete from integrations where id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    static Future<Page<IntegrationRecord>> list(SqlClient db, Optional<String> after, int limit) {
        return db.preparedQuery("select " + ALL + " from integrations where ($1::text is null or id > $1) order by id limit $2")
                .execute(Tuple.of(after.orElse(null), limit + 1))
                .map(rows -> {
                    List<IntegrationRecord> items = new ArrayList<>(limit);
                    for (Row row : rows) {
                        if (items.size() == limit) {
                            return new Page<>(items, Optional.of(Cursor.encode(items.get(limit - 1).id())));
                        }
                        items.add(map(row));
                    }
                    return new Page<>(items, Optional.empty());
                });
    }

    private static Optional<IntegrationRecord> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }
}
