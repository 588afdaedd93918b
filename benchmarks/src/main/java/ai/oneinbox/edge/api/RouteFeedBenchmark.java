package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.RouteChange;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The two per-row costs of keeping a routing table fed: a snapshot row of {@code COPY ... TO STDOUT}
 * parsed into a route (start-up: a million of them), and a {@code route_changes} payload decoded into a
 * change (every PATCH on every node).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouteFeedBenchmark {

    private SnapshotRows.Numbers numbers;
    private byte[] outboundRow;
    private byte[] inboundRow;
    private byte[] importedRow;
    private JsonObject payload;
    private String payloadText;

    @Setup
    public void setup() {
        numbers = new SnapshotRows.Numbers();
        outboundRow = "14155550100\tsales\tf\t\\N\t\\N\t\\N\tsandbox\t\\N\t\\N\t\\N\t\\N".getBytes(StandardCharsets.UTF_8);
        inboundRow = "14155550101\tsales\tt\tsupport\toverflow\t\\N\tsandbox\t\\N\t\\N\t\\N\t\\N".getBytes(StandardCharsets.UTF_8);
        importedRow = ("14155550102\tsales\tt\t\\N\toverflow\tPlease leave a message\\, thanks\ttwilio\tint_1\ttrk_1"
                + "\tAC0123456789abcdef0123456789abcdef\tacme.pstn.twilio.com").getBytes(StandardCharsets.UTF_8);
        NumberRoute route = numbers.route(importedRow);
        payload = RouteJson.number(route);
        payloadText = payload.encode();
    }

    @Benchmark
    public NumberRoute copyRowOutboundOnly() {
        return numbers.route(outboundRow);
    }

    @Benchmark
    public NumberRoute copyRowInboundWithFallback() {
        return numbers.route(inboundRow);
    }

    @Benchmark
    public NumberRoute copyRowImportedTwilio() {
        return numbers.route(importedRow);
    }

    /** What the follower does per change after the driver has decoded the jsonb column. */
    @Benchmark
    public RouteChange feedPayloadToChange() {
        return RouteJson.change(42, RouteJson.NUMBER_UPSERTED, payload);
    }

    /** The same including the JSON text decoding (the driver's share). */
    @Benchmark
    public RouteChange feedTextToChange() {
        return RouteJson.change(42, RouteJson.NUMBER_UPSERTED, new JsonObject(payloadText));
    }
}
