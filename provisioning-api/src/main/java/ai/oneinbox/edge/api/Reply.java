package ai.oneinbox.edge.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** A JSON response: status and body (kept as data so an Idempotency-Key can replay it). */
record Reply(int status, JsonObject body) {

    static Reply ok(JsonObject body) {
        return new Reply(200, body);
    }

    static Reply created(JsonObject body) {
        return new Reply(201, body);
    }

    void send(RoutingContext ctx) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
