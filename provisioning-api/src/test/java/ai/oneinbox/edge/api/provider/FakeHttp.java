package ai.oneinbox.edge.api.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A JDK HTTP server on 127.0.0.1 (ephemeral port) answering a provider's REST API, with scripted faults. */
public abstract class FakeHttp implements AutoCloseable {

    /** One request as received. */
    public record Call(String method, String path, Map<String, String> query, Map<String, String> form, String body,
                       String authorization) {}

    /** An answer. */
    public record Answer(int status, String body, Map<String, String> headers) {
        public static Answer json(int status, String body) {
            return new Answer(status, body, Map.of("Content-Type", "application/json"));
        }
    }

    private final HttpServer server;
    private final Deque<Answer> faults = new ArrayDeque<>();
    public final List<Call> calls = new CopyOnWriteArrayList<>();

    protected FakeHttp() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The next {@code times} requests get {@code answer} instead of the API's. */
    public synchronized void failNext(int times, Answer answer) {
        for (int i = 0; i < times; i++) {
            faults.add(answer);
        }
    }

    private synchronized Answer nextFault() {
        return faults.poll();
    }

    public long count(String method, String pathPart) {
        return calls.stream().filter(c -> c.method().equals(method) && c.path().contains(pathPart)).count();
    }

    protected abstract Answer answer(Call call);

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String contentType = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
            Call call = new Call(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), params(ex.getRequestURI().getRawQuery()),
                    contentType.startsWith("application/x-www-form-urlencoded") ? params(body) : Map.of(), body,
                    String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            calls.add(call);
            Answer a = nextFault();
            if (a == null) {
                synchronized (this) {
                    a = answer(call);
                }
            }
            a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            if (a.status() == 204 || out.length == 0) {
                ex.sendResponseHeaders(a.status(), -1);
            } else {
                ex.sendResponseHeaders(a.status(), out.length);
                ex.getResponseBody().write(out);
            }
        }
    }

    static Map<String, String> params(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
