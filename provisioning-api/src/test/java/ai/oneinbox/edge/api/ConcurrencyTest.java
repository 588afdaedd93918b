package ai.oneinbox.edge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.api.ApiFixture.Response;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyTest {

    private ApiFixture node;

    @BeforeAll
    void start() {
        node = new ApiFixture();
        node.agent("a");
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private HttpRequest buy(JsonObject body) {
        return node.request("/v1/phone-numbers").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    }

    @Test
    void simultaneousPurchasesOfOneNumberHaveExactlyOneWinner() {
        for (int round = 0; round < 5; round++) {
            String number = "+13105550" + (100 + round * 7);
            List<CompletableFuture<Response>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racers.add(node.sendAsync(buy(new JsonObject().put("phone_number", number).put("agent_id", "a"))));
            }
            List<Integer> statuses = racers.stream().map(CompletableFuture::join).map(Response::status).toList();
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), number + ": " + statuses);
            assertEquals(7, statuses.stream().filter(s -> s == 409).count(), number + ": " + statuses);
        }
    }

    @Test
    void concurrentAutoAssignsNeverShareANumber() {
        int n = 60;
        List<CompletableFuture<Response>> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            requests.add(node.sendAsync(buy(new JsonObject().put("agent_id", "a").put("area_code", "512"))));
        }
        Set<String> numbers = new HashSet<>();
        for (CompletableFuture<Response> f : requests) {
            Response r = f.join();
            assertEquals(201, r.status(), r.body());
            assertTrue(numbers.add(r.json().getString("phone_number")), "handed out twice: " + r.body());
        }
        assertEquals(n, numbers.size());
        node.awaitTable();
        numbers.forEach(num -> assertTrue(node.table.number(
                ai.oneinbox.edge.routing.E164.of(Long.parseLong(num.substring(1)))).isPresent()));
    }

    @Test
    void oneIdempotencyKeySentInParallelBuysOneNumber() {
        JsonObject body = new JsonObject().put("agent_id", "a").put("area_code", "415");
        List<CompletableFuture<Response>> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(node.sendAsync(node.request("/v1/phone-numbers").header("Content-Type", "application/json")
                    .header("Idempotency-Key", "parallel-1").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build()));
        }
        Set<String> bought = new HashSet<>();
        int created = 0;
        for (CompletableFuture<Response> f : requests) {
            Response r = f.join();
            assertTrue(r.status() == 201 || r.status() == 409, r.toString());
            if (r.status() == 201) {
                created++;
                bought.add(r.json().getString("phone_number"));
            }
        }
        assertTrue(created >= 1);
        assertEquals(1, bought.size(), "every success names the same number: " + bought);
        Response replay = node.send(node.request("/v1/phone-numbers").header("Content-Type", "application/json")
                .header("Idempotency-Key", "parallel-1").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
        assertEquals(201, replay.status());
        assertEquals(bought.iterator().next(), replay.json().getString("phone_number"));
        Response numbers = node.get("/v1/phone-numbers?agent_id=a&contains=1415&limit=500");
        assertEquals(1, numbers.data().size(), numbers.body());
    }

    @Test
    void anExhaustedAreaIsAConflictNotAnError() {
        int bought = 0;
        for (int i = 0; i < 100; i++) {
            Response r = node.send(buy(new JsonObject().put("agent_id", "a").put("area_code", "604").put("country", "CA")));
            assertEquals(201, r.status(), r.body());
            bought++;
        }
        assertEquals(100, bought);
        Response none = node.send(buy(new JsonObject().put("agent_id", "a").put("area_code", "604").put("country", "CA")));
        assertEquals(409, none.status(), none.body());
    }
}
