package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Trunk;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Appends route changes inside the caller's transaction and wakes the followers.
 *
 * <p>The version comes from {@code feed_head} with a row lock held until commit, so versions are
 * consecutive, a rollback leaves no hole, and version order is commit order: a follower reading
 * {@code version > last} never skips a change that commits later. {@code pg_notify} is delivered on
 * commit only. Call it last in a transaction, to hold the lock briefly.
 */
final class FeedWriter {

    static final String CHANNEL = "route_changes";

    private static final String APPEND = """
            with head as (update feed_head set version = version + 1 returning version),
                 appended as (insert into route_changes (version, kind, payload)
                              select version, $1::text, $2::jsonb from head returning version)
            select version, pg_notify('route_changes', version::text) from appended""";

    private FeedWriter() {}

    static Future<Long> append(SqlConnection tx, String kind, JsonObject payload) {
        return tx.preparedQuery(APPEND)
                .execute(Tuple.of(kind, payload))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    static Future<Long> numberUpserted(SqlConnection tx, NumberRoute route) {
        return append(tx, RouteJson.NUMBER_UPSERTED, RouteJson.number(route));
    }

    static Future<Long> numberRemoved(SqlConnection tx, E164 number) {
        return append(tx, RouteJson.NUMBER_REMOVED, new JsonObject().put("e164", number.value()));
    }

    static Future<Long> agentUpserted(SqlConnection tx, Agent agent) {
        return append(tx, RouteJson.AGENT_UPSERTED, RouteJson.agent(agent));
    }

    static Future<Long> agentRemoved(SqlConnection tx, String agentId) {
        return append(tx, RouteJson.AGENT_REMOVED, new JsonObject().put("id", agentId));
    }

    static Future<Long> trunkUpserted(SqlConnection tx, Trunk trunk) {
        return append(tx, RouteJson.TRUNK_UPSERTED, RouteJson.trunk(trunk));
    }

    static Future<Long> trunkRemoved(SqlConnection tx, String trunkId) {
        return append(tx, RouteJson.TRUNK_REMOVED, new JsonObject().put("id", trunkId));
    }
}
