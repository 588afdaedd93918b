package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.Cidr;
import ai.oneinbox.edge.routing.Trunk;
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

/** SQL for {@code trunks}. The digest password is stored sealed and never read back by the API. */
final class TrunkRepository {

    /** A stored trunk, its outbound digest user name, whether it has a password, and timestamps. */
    record TrunkRecord(Trunk trunk, Optional<String> sipUsername, boolean hasSipPassword,
                       OffsetDateTime createdAt, OffsetDateTime updatedAt) {}

    static final String COLUMNS = "id, provider, termination_uri, source_cidrs, integration_id, binding, max_concurrent_calls";
    private static final String ALL = COLUMNS + ", sip_username, sip_password is not null, created_at, updated_at";

    private TrunkRepository() {}

    static Trunk trunk(Row row) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String c : row.getArrayOfStrings(3)) {
            cidrs.add(Cidr.parse(c));
        }
        return new Trunk(row.getString(0), RouteJson.provider(row.getString(1)), row.getString(2), cidrs,
                Optional.ofNullable(row.getString(4)), Optional.ofNullable(row.getString(5)), row.getInteger(6));
    }

    static TrunkRecord map(Row row) {
        return new TrunkRecord(trunk(row), Optional.ofNullable(row.getString(7)), row.getBoolean(8),
                row.getOffsetDateTime(9), row.getOffsetDateTime(10));
    }

    static Future<Optional<TrunkRecord>> find(SqlClient db, String id) {
        return db.preparedQuery("select " + ALL + " from trunks where id = $1").execute(Tuple.of(id)).map(TrunkRepository::first);
    }

    static Future<Optional<TrunkRecord>> findForUpdate(SqlClient tx, String id) {
        return tx.preparedQuery("select " + ALL + " from trunks where id = $1 for update").execute(Tuple.of(id))
                .map(TrunkRepository::first);
    }

    static Future<Optional<TrunkRecord>> findByTerminationUri(SqlClient tx, String terminationUri) {
        return tx.preparedQuery("select " + ALL + " from trunks where termination_uri = $1 for key share")
                .execute(Tuple.of(terminationUri)).map(TrunkRepository::first);
    }

    /**
     * Inserts; {@code sealedPassword} is AES-GCM ciphertext or absent. A termination URI that another trunk
     * already has is a conflict (it is how numbers find their trunk).
     */
    static Future<TrunkRecord> insert(SqlClient tx, Trunk t, Optional<String> sipUsername, Optional<byte[]> sealedPassword) {
        return tx.preparedQuery("insert into trunks (" + COLUMNS + ", sip_username, sip_password)"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning " + ALL)
                .execute(values(t).addString(sipUsername.orElse(null))
                        .addBuffer(sealedPassword.map(Buffer::buffer).orElse(null)))
                .map(rows -> map(rows.iterator().next()))
                .recover(e -> Future.failedFuture(NumberRepository.isUniqueViolation(e)
                        ? ApiProblem.conflict("a trunk with id '" + t.id() + "' or termination_uri '"
                                + t.terminationUri() + "' already exists")
                        : e));
    }

    /**
     * Inserts a trunk without digest credentials unless one with its termination URI exists (a concurrent
     * insert of the same URI waits for the other transaction). Returns whether this call inserted it.
     */
    static Future<Boolean> insertIfAbsent(SqlClient tx, Trunk t) {
        return tx.preparedQuery("insert into trunks (" + COLUMNS + ") values ($1, $2, $3, $4, $5, $6, $7)"
                        + " on conflict (termination_uri) do nothing returning id")
                .execute(values(t))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Updates; an absent {@code sealedPassword} keeps the stored one unless {@code clearPassword}. */
    static Future<TrunkRecord> update(SqlClient tx, Trunk t, Optional<String> sipUsername,
                                      Optional<byte[]> sealedPassword, boolean clearPassword) {
        return tx.preparedQuery("update trunks set provider = $2, termination_uri = $3, source_cidrs = $4,"
                        + " integration_id = $5, binding = $6, max_concurrent_calls = $7, sip_username = $8,"
                        + " sip_password = case when $10 then null else coalesce($9, sip_password) end,"
                        + " updated_at = now() where id = $1 returning " + ALL)
                .execute(values(t).addString(sipUsername.orElse(null))
                        .addBuffer(sealedPassword.map(Buffer::buffer).orElse(null))
                        .addBoolean(clearPassword))
                .map(rows -> map(rows.iterator().next()))
                .recover(e -> Future.failedFuture(NumberRepository.isUniqueViolation(e)
                        ? ApiProblem.conflict("another trunk has termination_uri '" + t.terminationUri() + "'")
                        : e));
    }

    static Future<Boolean> delete(SqlClient tx, String id) {
        return tx.preparedQuery("delete from trunks where id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    static Future<List<String>> usingIntegration(SqlClient db, String integrationId) {
        return db.preparedQuery("select id from trunks where integration_id = $1 order by id limit 20")
                .execute(Tuple.of(integrationId))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return List.copyOf(out);
                });
    }

    static Future<Page<TrunkRecord>> list(SqlClient db, Optional<String> after, int limit) {
        return db.preparedQuery("select " + ALL + " from trunks where ($1::text is null or id > $1) order by id limit $2")
                .execute(Tuple.of(after.orElse(null), limit + 1))
                .map(rows -> {
                    List<TrunkRecord> items = new ArrayList<>(limit);
                    for (Row row : rows) {
                        if (items.size() == limit) {
                            return new Page<>(items, Optional.of(Cursor.encode(items.get(limit - 1).trunk().id())));
                        }
                        items.add(map(row));
                    }
                    return new Page<>(items, Optional.empty());
                });
    }

    private static Tuple values(Trunk t) {
        return Tuple.tuple()
                .addString(t.id())
                .addString(RouteJson.providerName(t.provider()))
                .addString(t.terminationUri())
                .addArrayOfString(t.sourceCidrs().stream().map(Cidr::toString).toArray(String[]::new))
                .addString(t.integrationId().orElse(null))
                .addString(t.binding().orElse(null))
                .addInteger(t.maxConcurrentCalls());
    }

    private static Optional<TrunkRecord> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }
}
