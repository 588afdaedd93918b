package ai.oneinbox.edge.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Input no route can take, refused before any route sees it, as problem+json naming where it is: a path or
 * query whose percent-escapes are broken or decode to invalid UTF-8 or to control characters (NUL above all:
 * PostgreSQL refuses it in text, and Vert.x's own path matching throws on a bad escape), and a JSON body with
 * a NUL character in a string. These are client errors: answered 400 and not logged as failures.
 */
final class InputGuard {

    private InputGuard() {}

    /** The first handler of every request: path and query. */
    static void request(RoutingContext ctx) {
        String path = ctx.request().path();
        Optional<String> problem = path == null ? Optional.empty() : check(path, false);
        if (problem.isPresent()) {
            Problems.send(ctx, ApiProblem.invalid("path", problem.get()));
            return;
        }
        String query = ctx.request().query();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                String rawName = eq < 0 ? pair : pair.substring(0, eq);
                Optional<String> nameProblem = check(rawName, true);
                String name = nameProblem.isPresent() ? "query" : URLDecoder.decode(rawName, StandardCharsets.UTF_8);
                Optional<String> valueProblem = nameProblem.isPresent() || eq < 0
                        ? nameProblem : check(pair.substring(eq + 1), true);
                if (valueProblem.isPresent()) {
                    Problems.send(ctx, ApiProblem.invalid(name.isEmpty() ? "query" : name, valueProblem.get()));
                    return;
                }
            }
        }
        ctx.next();
    }

    /** After the body handler: a JSON string holding NUL is named by its field. */
    static void body(RoutingContext ctx) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            ctx.next();
            return;
        }
        byte[] bytes = body.getBytes();
        for (byte b : bytes) {
            if (b == 0) {
                Problems.send(ctx, ApiProblem.invalid("body", "must not contain NUL bytes"));
                return;
            }
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.contains("\\u0000")) {
            Optional<String> field;
            try {
                field = nulField(Json.decodeValue(text), "");
            } catch (DecodeException e) {
                field = Optional.empty(); // not JSON at all: the route's own parsing says so, precisely
            }
            if (field.isPresent()) {
                Problems.send(ctx, ApiProblem.invalid(field.get().isEmpty() ? "body" : field.get(),
                        "must not contain the NUL character (\\u0000)"));
                return;
            }
        }
        ctx.next();
    }

    /** The dotted path (list items as [i]) of the first string holding NUL; "" for the top level. */
    private static Optional<String> nulField(Object value, String at) {
        if (value instanceof String s) {
            return s.indexOf('\0') >= 0 ? Optional.of(at) : Optional.empty();
        }
        if (value instanceof JsonObject o) {
            for (Map.Entry<String, Object> e : o) {
                String key = e.getKey();
                String here = at.isEmpty() ? key : at + "." + key;
                if (key.indexOf('\0') >= 0) {
                    return Optional.of(at.isEmpty() ? "body" : at);
                }
                Optional<String> found = nulField(e.getValue(), here);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (value instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                Optional<String> found = nulField(a.getValue(i), at + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** Why {@code raw} (a path, or a query name or value) is refused, if it is. */
    static Optional<String> check(String raw, boolean query) {
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    return Optional.of("has a bad percent-escape: '%' must be followed by two hex digits");
                }
                bytes[n++] = (byte) (hex(raw.charAt(i + 1)) << 4 | hex(raw.charAt(i + 2)));
                i += 2;
            } else if (c > 0x7f) {
                return Optional.of("must be percent-encoded UTF-8");
            } else {
                bytes[n++] = (byte) (query && c == '+' ? ' ' : c);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return Optional.of("is not valid UTF-8 once percent-decoded");
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return Optional.of(c == 0 ? "must not contain NUL (%00)" : "must not contain control characters");
            }
        }
        return Optional.empty();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
