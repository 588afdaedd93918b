package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.RoutingTable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * PATCH → change applied in a second edge process's routing table. Starts the API here (fresh database on
 * the local PostgreSQL), a {@link FeedProbeMain} in another JVM, then PATCHes one number's agent
 * {@code n} times, one at a time, and measures from sending the PATCH to the probe reporting the new
 * version. Prints median, p90, p99 and max.
 *
 * <p>Usage: {@code FeedLatencyHarness [n=1000]}
 */
public final class FeedLatencyHarness {

    private FeedLatencyHarness() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String name = TestDatabases.create();
        Path dataDir = Files.createTempDirectory("feed-latency");
        Vertx vertx = Vertx.vertx();
        Process probe = null;
        try (Database db = TestDatabases.start(name, dataDir)) {
            RoutingTable table = RoutingTable.empty();
            String key = "feed-latency-key-0123456789";
            ApiConfig config = ApiConfig.defaults(dataDir).withListen("127.0.0.1", 0).withApiKey(key);
            try (RouteFeedFollower follower = RouteFeedFollower.start(vertx, db, table);
                 ProvisioningApi api = ProvisioningApi.start(vertx, config, db, table, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = "http://127.0.0.1:" + api.port();
                send(http, key, "POST", base + "/v1/agents", "{\"agent_id\":\"a0\",\"sip_uri\":\"sip:a0@192.0.2.1\"}");
                send(http, key, "POST", base + "/v1/agents", "{\"agent_id\":\"a1\",\"sip_uri\":\"sip:a1@192.0.2.2\"}");
                String number = new io.vertx.core.json.JsonObject(send(http, key, "POST", base + "/v1/phone-numbers",
                        "{\"agent_id\":\"a0\",\"inbound_routing\":{}}")).getString("phone_number");
                String path = base + "/v1/phone-numbers/" + number.substring(1);

                probe = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), FeedProbeMain.class.getName(), TestDatabases.url(name)))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BufferedReader lines = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII));
                String line;
                long version = -1;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("ready ")) {
                        version = Long.parseLong(line.substring(6));
                        break;
                    }
                }
                if (version < 0) {
                    throw new IllegalStateException("probe did not start");
                }
                Histogram propagation = new Histogram(60_000_000_000L, 3);
                Histogram patchOnly = new Histogram(60_000_000_000L, 3);
                Histogram afterResponse = new Histogram(60_000_000_000L, 3);
                int warmup = Math.min(100, n / 10);
                for (int i = 0; i < warmup + n; i++) {
                    long t0 = System.nanoTime();
                    send(http, key, "PATCH", path, "{\"agent_id\":\"a" + ((i + 1) % 2) + "\"}");
                    long t1 = System.nanoTime();
                    long target = ++version;
                    long seen = -1;
                    while (seen < target && (line = lines.readLine()) != null) {
                        if (line.startsWith("v ")) {
                            seen = Long.parseLong(line.substring(2));
                        }
                    }
                    long t2 = System.nanoTime();
                    if (i >= warmup) {
                        propagation.recordValue(t2 - t0);
                        patchOnly.recordValue(t1 - t0);
                        afterResponse.recordValue(Math.max(0, t2 - t1));
                    }
                }
                System.out.printf("PATCH -> applied in a second process, %d updates: median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                        n, ms(propagation.getValueAtPercentile(50)), ms(propagation.getValueAtPercentile(90)),
                        ms(propagation.getValueAtPercentile(99)), ms(propagation.getMaxValue()));
                System.out.printf("PATCH response alone: median %.2f ms, p99 %.2f ms%n",
                        ms(patchOnly.getValueAtPercentile(50)), ms(patchOnly.getValueAtPercentile(99)));
                System.out.printf("from the PATCH response to applied in the other process: median %.2f ms, p99 %.2f ms%n",
                        ms(afterResponse.getValueAtPercentile(50)), ms(afterResponse.getValueAtPercentile(99)));
            }
        } finally {
            if (probe != null) {
                probe.getOutputStream().close();
                probe.destroy();
                probe.waitFor();
            }
            vertx.close().toCompletionStage().toCompletableFuture().join();
            TestDatabases.drop(name);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static String send(HttpClient http, String key, String method, String uri, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + uri + " → " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
