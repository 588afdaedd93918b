package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.ApiProblem.FieldError;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Strict query-string reading: unknown or repeated parameters and bad values are 400s naming them. */
final class Query {

    private final RoutingContext ctx;
    private final List<FieldError> errors = new ArrayList<>();

    private Query(RoutingContext ctx) {
        this.ctx = ctx;
    }

    static Query of(RoutingContext ctx, Set<String> allowed) {
        Query q = new Query(ctx);
        for (String name : ctx.queryParams().names()) {
            if (!allowed.contains(name)) {
                q.error(name, "unknown query parameter");
            } else if (ctx.queryParams().getAll(name).size() > 1) {
                q.error(name, "given more than once");
            }
        }
        return q;
    }

    void error(String name, String reason) {
        errors.add(new FieldError(name, reason));
    }

    Optional<String> string(String name) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isBlank()) {
            error(name, "must not be empty");
            return Optional.empty();
        }
        return Optional.of(v.strip());
    }

    Optional<String> digits(String name, int min, int max) {
        Optional<String> v = string(name);
        if (v.isPresent() && !v.get().matches("[0-9]{" + min + "," + max + "}")) {
            error(name, "must be " + min + ".." + max + " digits");
            return Optional.empty();
        }
        return v;
    }

    Optional<Integer> integer(String name, int min, int max) {
        Optional<String> v = string(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n >= min && n <= max) {
                return Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(name, "must be an integer between " + min + " and " + max);
        return Optional.empty();
    }

    Optional<Boolean> bool(String name) {
        Optional<String> v = string(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return switch (v.get()) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> {
                error(name, "must be true or false");
                yield Optional.empty();
            }
        };
    }

    void done() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(List.copyOf(errors));
        }
    }
}
