package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.provider.ProviderException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: every failure of every route becomes an {@code application/problem+json}
 * answer with {@code type}, {@code title}, {@code status}, {@code detail} and {@code errors}. A database
 * that cannot be reached is a 503 (routing goes on from memory); an unexpected failure is a 500 that
 * logs its stack trace and tells the client nothing internal.
 */
final class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);
    static final String MEDIA_TYPE = "application/problem+json";

    private final int maxBodyBytes;

    Problems(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    void handle(RoutingContext ctx) {
        ApiProblem problem = classify(ctx);
        if (problem.status() >= 500) {
            if (problem.status() == 500) {
                log.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            } else {
                log.warn("{} {} answered {}: {}", ctx.request().method(), ctx.request().path(), problem.status(),
                        ctx.failure() == null ? problem.detail() : ctx.failure().toString());
            }
        }
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        send(ctx, problem);
    }

    static void send(RoutingContext ctx, ApiProblem problem) {
        JsonArray errors = new JsonArray();
        problem.errors().forEach(e -> errors.add(new JsonObject().put("field", e.field()).put("reason", e.reason())));
        JsonObject body = new JsonObject()
                .put("type", problem.type())
                .put("title", problem.title())
                .put("status", problem.status())
                .put("detail", problem.detail())
                .put("errors", errors);
        ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", MEDIA_TYPE).end(body.encode());
    }

    private ApiProblem classify(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiProblem p) {
            return p;
        }
        if (failure == null) {
            return switch (ctx.statusCode()) {
                case 404 -> ApiProblem.notFound("no resource at " + ctx.request().method() + " " + ctx.request().path());
                case 405 -> new ApiProblem(405, "method-not-allowed", "Method not allowed",
                        ctx.request().method() + " is not allowed on " + ctx.request().path(), List.of());
                case 413 -> new ApiProblem(413, "too-large", "Request body too large",
                        "the body is larger than " + maxBodyBytes + " bytes", List.of());
                case 400 -> ApiProblem.invalid("body", "malformed request");
                default -> new ApiProblem(ctx.statusCode() >= 400 ? ctx.statusCode() : 500, "error", "Error",
                        "the request failed", List.of());
            };
        }
        if (failure instanceof ProviderException pe) {
            return new ApiProblem(pe.status(), "provider", "Provider error", pe.getMessage(), List.of());
        }
        if (failure instanceof PgException pg) {
            String state = pg.getSqlState() == null ? "" : pg.getSqlState();
            if (state.equals("23505")) {
                return ApiProblem.conflict("already exists: " + pg.getDetail());
            }
            if (state.equals("23503")) {
                return ApiProblem.conflict("still referenced: " + pg.getDetail());
            }
            if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300") || state.startsWith("40")) {
                return databaseUnavailable();
            }
            return internal();
        }
        if (unreachable(failure)) {
            return databaseUnavailable();
        }
        return internal();
    }

    /** Connection refused, reset or closed, or no connection within the pool's timeout. */
    static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
            String name = t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (name.contains("closedconnection") || name.contains("timeout") || name.contains("connect")
                    || message.contains("connection") || message.contains("timeout") || message.contains("timed out")) {
                return true;
            }
        }
        return false;
    }

    private static ApiProblem databaseUnavailable() {
        return ApiProblem.unavailable("the database is unreachable; provisioning is paused (routing continues from "
                + "memory) and resumes by itself when the database is back; retry shortly");
    }

    private static ApiProblem internal() {
        return new ApiProblem(500, "internal", "Internal error", "an unexpected error occurred; it has been logged", List.of());
    }
}
