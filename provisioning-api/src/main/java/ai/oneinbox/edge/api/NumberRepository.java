package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for {@code numbers}: one place, rows mapped to records by {@link #map}. */
final class NumberRepository {

    static final String COLUMNS = "e164, agent_id, inbound, inbound_agent_id, inbound_fallback_agent_id,"
            + " inbound_voicemail_message, provider, integration_id, trunk_id, binding, sip_trunk";
    private static final String RETURNING = " returning " + COLUMNS + ", created_at, updated_at";

    /** Filters of {@code GET /v1/phone-numbers}. */
    record Filter(Optional<String> agentId, Optional<String> provider, Optional<String> integrationId,
                  Optional<String> trunkId, Optional<Boolean> inbound, Optional<String> contains) {}

    private NumberRepository() {}

    /** The route in a row of {@link #COLUMNS} (the follower's snapshot reads the same columns). */
    static NumberRoute route(Row row) {
        Optional<InboundRouting> inbound = row.getBoolean(2)
                ? Optional.of(new InboundRouting(Optional.ofNullable(row.getString(3)),
                        Optional.ofNullable(row.getString(4)), Optional.ofNullable(row.getString(5))))
                : Optional.empty();
        Ownership ownership = new Ownership(RouteJson.provider(row.getString(6)),
                Optional.ofNullable(row.getString(7)), Optional.ofNullable(row.getString(8)),
                Optional.ofNullable(row.getString(9)), Optional.ofNullable(row.getString(10)));
        return new NumberRoute(E164.of(row.getLong(0)), row.getString(1), inbound, ownership);
    }

    static NumberRecord map(Row row) {
        return new NumberRecord(route(row), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
    }

    private static Tuple values(NumberRoute r) {
        Optional<InboundRouting> in = r.inboundRouting();
        Ownership o = r.ownership();
        return Tuple.tuple()
                .addLong(r.number().value())
                .addString(r.agentId())
                .addBoolean(in.isPresent())
                .addString(in.flatMap(InboundRouting::agentId).orElse(null))
                .addString(in.flatMap(InboundRouting::fallbackAgentId).orElse(null))
                .addString(in.flatMap(InboundRouting::voicemailMessage).orElse(null))
                .addString(RouteJson.providerName(o.provider()))
                .addString(o.integrationId().orElse(null))
                .addString(o.trunkId().orElse(null))
                .addString(o.binding().orElse(null))
                .addString(o.sipTrunk().orElse(null))
                .addString(r.number().toString());
    }

    static Future<Optional<NumberRecord>> find(SqlClient db, E164 number) {
        return db.preparedQuery("select " + COLUMNS + ", created_at, updated_at from numbers where e164 = $1")
                .execute(Tuple.of(number.value()))
                .map(NumberRepository::first);
    }

    /** Locks the row for the rest of the transaction (PATCH reads, changes, writes). */
    static Future<Optional<NumberRecord>> findForUpdate(SqlClient tx, E164 number) {
        return tx.preparedQuery("select " + COLUMNS + ", created_at, updated_at from numbers where e164 = $1 for update")
                .execute(Tuple.of(number.value()))
                .map(NumberRepository::first);
    }

    static Future<NumberRecord> insert(SqlClient tx, NumberRoute route) {
        return tx.preparedQuery("insert into numbers (" + COLUMNS + ", phone_number)"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)" + RETURNING)
                .execute(values(route))
                .map(rows -> map(rows.iterator().next()))
                .recover(e -> Future.failedFuture(isUniqueViolation(e)
                        ? ApiProblem.conflict(route.number() + " is already registered")
                        : missingReference(e, route)));
    }

    /**
     * A foreign-key failure as the 400 naming the field: the constraint check is the existence check of
     * the agents a route names (and it locks them until commit), so no separate query is needed.
     */
    static Throwable missingReference(Throwable e, NumberRoute route) {
        if (!(e instanceof PgException pg) || !"23503".equals(pg.getSqlState()) || pg.getConstraint() == null) {
            return e;
        }
        Optional<InboundRouting> in = route.inboundRouting();
        return switch (pg.getConstraint()) {
            case "numbers_agent_id_fkey" -> ApiProblem.invalid("agent_id", "no agent '" + route.agentId() + "'");
            case "numbers_inbound_agent_id_fkey" -> ApiProblem.invalid("inbound_routing.agent_id",
                    "no agent '" + in.flatMap(InboundRouting::agentId).orElse("") + "'");
            case "numbers_inbound_fallback_agent_id_fkey" -> ApiProblem.invalid("inbound_routing.fallback.agent_id",
                    "no agent '" + in.flatMap(InboundRouting::fallbackAgentId).orElse("") + "'");
            default -> e;
        };
    }

    static Future<NumberRecord> update(SqlClient tx, NumberRoute route) {
        return tx.preparedQuery("update numbers set agent_id = $2, inbound = $3, inbound_agent_id = $4,"
                        + " inbound_fallback_agent_id = $5, inbound_voicemail_message = $6, provider = $7,"
                        + " integration_id = $8, trunk_id = $9, binding = $10, sip_trunk = $11, phone_number = $12,"
                        + " updated_at = now() where e164 = $1" + RETURNING)
                .execute(values(route))
                .map(rows -> map(rows.iterator().next()))
                .recover(e -> Future.failedFuture(missingReference(e, route)));
    }

    static Future<Optional<NumberRecord>> delete(SqlClient tx, E164 number) {
        return tx.preparedQuery("delete from numbers where e164 = $1" + RETURNING)
                .execute(Tuple.of(number.value()))
                .map(NumberRepository::first);
    }

    static Future<Page<NumberRecord>> list(SqlClient db, Filter filter, Optional<Long> after, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + ", created_at, updated_at from numbers where true");
        Tuple args = Tuple.tuple();
        after.ifPresent(a -> {
            args.addLong(a);
            sql.append(" and e164 > $").append(args.size());
        });
        filter.agentId().ifPresent(a -> {
            args.addString(a);
            int i = args.size();
            sql.append(" and (agent_id = $").append(i).append(" or inbound_agent_id = $").append(i)
                    .append(" or inbound_fallback_agent_id = $").append(i).append(')');
        });
        filter.provider().ifPresent(p -> {
            args.addString(p);
            sql.append(" and provider = $").append(args.size());
        });
        filter.integrationId().ifPresent(p -> {
            args.addString(p);
            sql.append(" and integration_id = $").append(args.size());
        });
        filter.trunkId().ifPresent(p -> {
            args.addString(p);
            sql.append(" and trunk_id = $").append(args.size());
        });
        filter.inbound().ifPresent(b -> {
            args.addBoolean(b);
            sql.append(" and inbound = $").append(args.size());
        });
        filter.contains().ifPresent(c -> {
            args.addString("%" + c + "%");
            sql.append(" and phone_number like $").append(args.size());
        });
        args.addInteger(limit + 1);
        sql.append(" order by e164 limit $").append(args.size());
        return db.preparedQuery(sql.toString()).execute(args).map(rows -> {
            List<NumberRecord> items = new ArrayList<>(limit);
            for (Row row : rows) {
                if (items.size() == limit) {
                    return new Page<>(items, Optional.of(Cursor.encode(Long.toString(items.get(limit - 1).route().number().value()))));
                }
                items.add(map(row));
            }
            return new Page<>(items, Optional.empty());
        });
    }

    /** Up to {@code limit} numbers that route to the agent, in any role. */
    static Future<List<String>> usingAgent(SqlClient db, String agentId, int limit) {
        return phoneNumbers(db, "select phone_number from numbers where agent_id = $1 or inbound_agent_id = $1"
                + " or inbound_fallback_agent_id = $1 order by e164 limit $2", agentId, limit);
    }

    static Future<List<String>> usingTrunk(SqlClient db, String trunkId, int limit) {
        return phoneNumbers(db, "select phone_number from numbers where trunk_id = $1 order by e164 limit $2", trunkId, limit);
    }

    static Future<List<String>> usingIntegration(SqlClient db, String integrationId, int limit) {
        return phoneNumbers(db, "select phone_number from numbers where integration_id = $1 order by e164 limit $2",
                integrationId, limit);
    }

    private static Future<List<String>> phoneNumbers(SqlClient db, String sql, String key, int limit) {
        return db.preparedQuery(sql).execute(Tuple.of(key, limit)).map(rows -> {
            List<String> out = new ArrayList<>();
            rows.forEach(r -> out.add(r.getString(0)));
            return List.copyOf(out);
        });
    }

    private static Optional<NumberRecord> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(map(it.next())) : Optional.empty();
    }

    static boolean isUniqueViolation(Throwable e) {
        return e instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    static boolean isForeignKeyViolation(Throwable e) {
        return e instanceof PgException pg && "23503".equals(pg.getSqlState());
    }
}
