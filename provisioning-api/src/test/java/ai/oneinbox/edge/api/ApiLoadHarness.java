package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.RoutingTable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Serves the API for an external load generator (wrk): a fresh database with {@code n} numbers, the
 * follower and the API on 127.0.0.1; prints {@code port=.. key=.. number=..} and runs until stdin closes.
 *
 * <p>Usage: {@code ApiLoadHarness [n=10000]}
 */
public final class ApiLoadHarness {

    private ApiLoadHarness() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String name = TestDatabases.create();
        Vertx vertx = Vertx.vertx();
        var dataDir = Files.createTempDirectory("api-load");
        try (Database db = TestDatabases.start(name, dataDir)) {
            try (Connection c = db.openJdbc(); Statement st = c.createStatement()) {
                st.execute("insert into agents (id, sip_uris) values ('a0', array['sip:a0@192.0.2.1']), ('a1', array['sip:a1@192.0.2.2'])");
                st.execute("insert into numbers (e164, phone_number, agent_id, inbound, inbound_fallback_agent_id, provider)"
                        + " select 12000000000 + g, '+' || (12000000000 + g), 'a0', true, 'a1', 'sandbox' from generate_series(1, " + n + ") g");
            }
            RoutingTable table = RoutingTable.empty();
            String key = "api-load-key-0123456789abcdef";
            ApiConfig config = ApiConfig.defaults(dataDir).withListen("127.0.0.1", 0).withApiKey(key);
            try (RouteFeedFollower follower = RouteFeedFollower.start(vertx, db, table);
                 ProvisioningApi api = ProvisioningApi.start(vertx, config, db, table, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                System.out.println("port=" + api.port() + " key=" + key + " number=" + (12000000000L + n / 2));
                System.out.flush();
                while (System.in.read() >= 0) {
                    // serve until stdin closes
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
            TestDatabases.drop(name);
        }
    }
}
