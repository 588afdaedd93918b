package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.ApiProblem.FieldError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A strict reader of one JSON object of a request: every problem is collected with its field path, and
 * {@link #done()} throws them all at once as one 400. Unknown fields are errors, so a typo is never
 * silently ignored.
 */
final class Body {

    private final JsonObject json;
    private final String prefix;
    private final List<FieldError> errors;

    private Body(JsonObject json, String prefix, List<FieldError> errors) {
        this.json = json;
        this.prefix = prefix;
        this.errors = errors;
    }

    static Body parse(Buffer buffer) {
        if (buffer == null || buffer.length() == 0) {
            throw ApiProblem.invalid("body", "a JSON object is required");
        }
        Object value;
        try {
            value = io.vertx.core.json.Json.decodeValue(buffer);
        } catch (DecodeException e) {
            throw ApiProblem.invalid("body", "not valid JSON");
        }
        if (!(value instanceof JsonObject object)) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        return new Body(object, "", new ArrayList<>());
    }

    String path(String name) {
        return prefix + name;
    }

    void error(String name, String reason) {
        errors.add(new FieldError(path(name), reason));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Rejects every field not in {@code allowed}. */
    Body allow(Set<String> allowed) {
        for (String name : json.fieldNames()) {
            if (!allowed.contains(name)) {
                error(name, "unknown field");
            }
        }
        return this;
    }

    boolean has(String name) {
        return json.containsKey(name);
    }

    boolean isNull(String name) {
        return json.containsKey(name) && json.getValue(name) == null;
    }

    String requiredString(String name) {
        if (!has(name) || isNull(name)) {
            error(name, "is required");
            return "";
        }
        return optString(name).orElse("");
    }

    Optional<String> optString(String name) {
        Object v = json.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            error(name, "must be a string");
            return Optional.empty();
        }
        if (s.isBlank()) {
            error(name, "must not be empty");
            return Optional.empty();
        }
        if (s.length() > 2048) {
            error(name, "must be at most 2048 characters");
            return Optional.empty();
        }
        return Optional.of(s.strip());
    }

    Optional<Integer> optInt(String name, int min, int max) {
        Object v = json.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Integer || v instanceof Long) ) {
            error(name, "must be an integer");
            return Optional.empty();
        }
        long n = ((Number) v).longValue();
        if (n < min || n > max) {
            error(name, "must be between " + min + " and " + max);
            return Optional.empty();
        }
        return Optional.of((int) n);
    }

    Optional<Boolean> optBoolean(String name) {
        Object v = json.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Boolean b)) {
            error(name, "must be true or false");
            return Optional.empty();
        }
        return Optional.of(b);
    }

    Optional<Body> optObject(String name) {
        Object v = json.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof JsonObject object)) {
            error(name, "must be an object");
            return Optional.empty();
        }
        return Optional.of(new Body(object, path(name) + ".", errors));
    }

    Optional<List<String>> optStringList(String name, int maxItems) {
        Object v = json.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof JsonArray array)) {
            error(name, "must be an array of strings");
            return Optional.empty();
        }
        if (array.size() > maxItems) {
            error(name, "must have at most " + maxItems + " items");
            return Optional.empty();
        }
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            if (!(item instanceof String s) || s.isBlank()) {
                errors.add(new FieldError(path(name) + "[" + i + "]", "must be a non-empty string"));
                return Optional.empty();
            }
            out.add(s.strip());
        }
        return Optional.of(List.copyOf(out));
    }

    /** Copies an object of string values (SIP headers) into {@code into}, reporting non-strings. */
    void headerValues(java.util.Map<String, String> into) {
        if (json.size() > 64) {
            errors.add(new FieldError(prefix.isEmpty() ? "headers" : prefix.substring(0, prefix.length() - 1),
                    "must have at most 64 entries"));
            return;
        }
        for (String name : json.fieldNames()) {
            Object v = json.getValue(name);
            if (v instanceof String s) {
                into.put(name, s);
            } else {
                error(name, "must be a string");
            }
        }
    }

    /** Throws the collected problems as one 400, if any. */
    void done() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(List.copyOf(errors));
        }
    }
}
