package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.Agent;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SQL for {@code agents}. */
final class AgentRepository {

    /** A stored agent, its SIP username and whether it has a (sealed) password, and its timestamps. */
    record AgentRecord(Agent agent, Optional<String> sipUsername, boolean hasSipPassword, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {}

    static final String COLUMNS = "id, sip_uris, max_concurrent_calls, voicemail_message, enabled";
    private static final String ALL = COLUMNS + ", sip_username, sip_password is not null, created_at, updated_at";

    private AgentRepository() {}

    static Agent agent(Row row) {
        return new Agent(row.getString(0), Arrays.asList(row.getArrayOfStrings(1)), row.getInteger(2),
                Optional.ofNullable(row.getString(3)), row.getBoolean(4));
    }

    static AgentRecord map(Row row) {
        return new AgentRecord(agent(row), Optional.ofNullable(row.getString(5)), row.getBoolean(6),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
    }

    private static Tuple values(Agent a) {
        return Tuple.of(a.id(), a.sipUris().toArray(String[]::new), a.maxConcurrentCalls(),
                a.voicemailMessage().orElse(null), a.enabled());
    }

    static Future<Optional<AgentRecord>> find(SqlClient db, String id) {
        return db.preparedQuery("select " + ALL + " from agents where id = $1").execute(Tuple.of(id)).map(AgentRepository::first);
    }

    /** Locks the agent row: numbers referencing it wait (their foreign-key check needs a share lock). */
    static Future<Optional<AgentRecord>> findForUpdate(SqlClient tx, String id) {
        return tx.preparedQuery("select " + ALL + " from agents where id = $1 for update").execute(Tuple.of(id))
                .map(AgentRepository::first);
    }

    /** The ids among {@code ids} that exist, with a share lock so they cannot vanish before commit. */
    static Future<Set<String>> existing(SqlClient tx, Collection<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        return tx.preparedQuery("select id from agents where id = any($1) for key share")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> found = new HashSet<>();
                    rows.forEach(r -> found.add(r.getString(0)));
                    return found;
                });
    }

    static Future<AgentRecord> insert(SqlClient tx, Agent agent, Optional<String> sipUsername,
            Optional<byte[]> sealedPassword) {
        return tx.preparedQuery("insert into agents (" + COLUMNS + ", sip_username, sip_password)"
                        + " values ($1, $2, $3, $4, $5, $6, $7) returning " + ALL)
                .execute(values(agent).addValue(sipUsername.orElse(null))
                        .addValue(sealedPassword.map(io.vertx.core.buffer.Buffer::buffer).orElse(null)))
                .map(rows -> map(rows.iterator().next()))
                .recover(e -> Future.failedFuture(NumberRepository.isUniqueViolation(e)
                        ? ApiProblem.conflict("agent '" + agent.id() + "' already exists")
                        : e));
    }

    /**
     * Updates the agent; {@code sipUsername} is the new value, {@code newPassword} present replaces the sealed
     * password ({@code Optional.of(Optional.empty())} clears it), absent keeps it.
     */
    static Future<AgentRecord> update(SqlClient tx, Agent agent, Optional<String> sipUsername,
            Optional<Optional<byte[]>> newPassword) {
        return tx.preparedQuery("update agents set sip_uris = $2, max_concurrent_calls = $3, voicemail_message = $4,"
                        + " enabled = $5, sip_username = $6,"
                        + " sip_password = case when $7::boolean then $8::bytea else sip_password end,"
                        + " updated_at = now() where id = $1 returning " + ALL)
                .execute(values(agent).addValue(sipUsername.orElse(null)).addValue(newPassword.isPresent())
                        .addValue(newPassword.flatMap(p -> p).map(io.vertx.core.buffer.Buffer::buffer).orElse(null)))
                .map(rows -> map(rows.iterator().next()));
    }

    static Future<Boolean> delete(SqlClient tx, String id) {
        return tx.preparedQuery("delete from agents where id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
    }

    static Future<Page<AgentRecord>> list(SqlClient db, Optional<String> after, int limit) {
        return db.preparedQuery("select " + ALL + " from agents where ($1::text is null or id > $1) order by id limit $2")
                .execute(Tuple.of(after.orElse(null), limit + 1))
                .map(rows -> page(rows, limit));
    }

    private static Page<AgentRecord> page(RowSet<Row> rows, int limit) {
        List<AgentRecord> items = new ArrayList<>(limit);
        for (Row row : rows) {
            if (items.size() == limit) {
                return new Page<>(items, Optional.of(Cursor.encode(items.get(limit - 1).agent().id())));
            }
            items.add(map(row));
        }
        return new Page<>(items, Optional.empty());
    }

    private static Optional<AgentRecord> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }
}
