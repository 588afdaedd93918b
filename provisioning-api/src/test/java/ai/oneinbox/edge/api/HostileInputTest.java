package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Every route of {@code /openapi.json}, walked with hostile input: NUL bytes, broken percent-escapes,
 * invalid UTF-8, control characters, huge values, wrong JSON types, malformed JSON, cursors that decode to
 * garbage. No answer is a 5xx; every refusal is problem+json; nothing is logged at ERROR. The walk reads the
 * routes from the document the node serves, so a new route is walked without touching this test. Requests go
 * over a raw socket: a well-behaved HTTP client will not send a broken escape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileInputTest {

    /** Path and query values, as they go on the wire (not encoded again). */
    private static final List<String> RAW_VALUES = List.of("a%00b", "%00", "%", "%zz", "%4", "%C3%28", "a%0Ab",
            "%7F", "%FF%FE", "%E2%82", "x".repeat(6000), "%2e%2e%2f%2e%2e", "'%20OR%201=1--", "%F0%9F%98%80",
            "AAAA", "AAAAAAAA", "-1", "99999999999999999999999");
    /** JSON values put into every property of a request body. */
    private static final List<Object> JSON_VALUES = List.of("a\u0000b", "\u0000", "x".repeat(3000), 12345, -1,
            1e308, true, new JsonArray().add("a\u0000"), new JsonObject().put("k\u0000", 1), "\ud83d\ude00",
            "+1415555\u00000100");
    /** Whole bodies that are not what any route takes. */
    private static final List<byte[]> RAW_BODIES = List.of(bytes("{"), bytes("[]"), bytes("null"), bytes("\"s\""),
            bytes("{\"a\":1,\"a\":2}"), bytes("{\"a\":\"\u0000\"}"), new byte[] {'{', 0, '}'}, bytes("\u0000"),
            bytes("[".repeat(3000)), bytes("{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}"),
            new byte[] {(byte) 0xC3, (byte) 0x28});

    private ApiFixture node;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<String> failures = new ArrayList<>();
    private int requests;

    @BeforeAll
    void start() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        node = new ApiFixture(ApiConfig.defaults(java.nio.file.Path.of("unused")).withMaxBodyBytes(8192));
        node.agent("hostile-agent");
    }

    @AfterAll
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        node.close();
    }

    @Test
    void noRouteAnswers5xxToHostileInputAndEveryRefusalIsProblemJson() throws Exception {
        JsonObject doc = node.get("/openapi.json").json();
        JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
        for (Map.Entry<String, Object> path : doc.getJsonObject("paths")) {
            JsonObject operations = (JsonObject) path.getValue();
            for (Map.Entry<String, Object> op : operations) {
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                walk(op.getKey().toUpperCase(Locale.ROOT), path.getKey(), (JsonObject) op.getValue(), schemas);
            }
        }
        assertTrue(requests > 1000, "walked " + requests + " requests");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + requests + " hostile requests were answered wrongly:\n"
                    + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
        }
        List<String> errors = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        assertEquals(List.of(), errors, "bad input is a client's error: nothing logged at ERROR");
    }

    private void walk(String method, String template, JsonObject op, JsonObject schemas) throws IOException {
        String plain = template.replaceAll("\\{[^}]+}", "x1");
        // Every path parameter, one at a time, with every hostile value.
        for (String raw : RAW_VALUES) {
            if (template.contains("{")) {
                String path = template.replaceAll("\\{[^}]+}", raw);
                check(method, path, method.equals("GET") || method.equals("DELETE") ? null : bytes("{}"));
            }
            // Every query parameter the route declares, and one it does not.
            List<String> names = new ArrayList<>(List.of("unknown"));
            for (Object p : op.getJsonArray("parameters", new JsonArray())) {
                JsonObject param = (JsonObject) p;
                if ("query".equals(param.getString("in"))) {
                    names.add(param.getString("name"));
                }
            }
            for (String name : names) {
                check(method, plain + "?" + name + "=" + raw, null);
            }
            check(method, plain + "?" + raw + "=1", null);
        }
        JsonObject body = op.getJsonObject("requestBody");
        if (body == null) {
            return;
        }
        for (byte[] raw : RAW_BODIES) {
            check(method, plain, raw);
        }
        JsonObject schema = body.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema");
        if (schema.containsKey("$ref")) {
            schema = schemas.getJsonObject(schema.getString("$ref").substring("#/components/schemas/".length()));
        }
        for (String property : schema.getJsonObject("properties", new JsonObject()).fieldNames()) {
            for (Object value : JSON_VALUES) {
                check(method, plain, bytes(new JsonObject().put(property, value).encode()));
                check(method, plain, bytes(new JsonObject().put(property, new JsonObject().put("agent_id", value)).encode()));
            }
        }
    }

    private void check(String method, String target, byte[] body) throws IOException {
        requests++;
        String where = method + " " + abbreviate(target) + (body == null ? "" : " " + abbreviate(new String(body, StandardCharsets.UTF_8)));
        Answer a = send(method, target, body);
        if (a.status >= 500) {
            failures.add(a.status + " for " + where + ": " + abbreviate(a.body));
        } else if (a.status >= 400 && a.status != 414 && a.status != 431) {
            // 414/431 come from the HTTP codec for a request line or headers over its limits, before the router.
            if (!a.contentType.startsWith(Problems.MEDIA_TYPE)) {
                failures.add(a.status + " without problem+json (" + a.contentType + ") for " + where);
            } else {
                JsonObject problem = new JsonObject(a.body);
                if (problem.getInteger("status") != a.status) {
                    failures.add("problem status " + problem.getInteger("status") + " != " + a.status + " for " + where);
                }
                if (a.status == 400 && problem.getJsonArray("errors").isEmpty()) {
                    failures.add("400 naming no field for " + where + ": " + a.body);
                }
            }
        }
    }

    private record Answer(int status, String contentType, String body) {}

    private Answer send(String method, String target, byte[] body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", node.api.port()), 5000);
            s.setSoTimeout(10_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(bytes(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + ApiFixture.KEY + "\r\nConnection: close\r\n"
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                    + "\r\n"));
            if (body != null) {
                request.writeBytes(body);
            }
            OutputStream out = s.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || headEnd < 0) {
                return new Answer(599, "", "no HTTP answer: " + abbreviate(response));
            }
            String head = response.substring(0, headEnd);
            String contentType = "";
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                    contentType = line.substring(13).strip();
                }
            }
            return new Answer(Integer.parseInt(head.substring(9, 12)), contentType, response.substring(headEnd + 4));
        }
    }

    private static String abbreviate(String s) {
        String printable = s.replace("\u0000", "\\0").replace("\n", "\\n").replace("\r", "\\r");
        return printable.length() <= 120 ? printable : printable.substring(0, 117) + "...";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
