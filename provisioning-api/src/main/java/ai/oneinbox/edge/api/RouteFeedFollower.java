package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.AgentCredentials;
import ai.oneinbox.edge.routing.ApplyResult;
import ai.oneinbox.edge.routing.RouteChange;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Snapshot;
import ai.oneinbox.edge.routing.TrunkCredentials;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RoutingTable} equal to the store: loads the whole table once (one consistent snapshot,
 * streamed with a cursor), then applies the {@code route_changes} feed in version order.
 *
 * <p>It reads changes after the table's version whenever a {@code NOTIFY route_changes} arrives, when
 * its LISTEN connection is (re)established, and on a periodic poll, so a lost notification or a dropped
 * connection delays a change by at most one poll interval and never loses it. A gap in the versions
 * (which the store does not produce, but a table may have been touched by someone else) reloads the
 * snapshot. All catch-up work runs on one Vert.x context, one pass at a time.
 */
public final class RouteFeedFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RouteFeedFollower.class);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    static final int BATCH = 5_000;
    private static final int SNAPSHOT_FETCH = 10_000;

    private final Vertx vertx;
    private final Database db;
    private final RoutingTable table;
    private final Context context;
    private final Pool pool;
    private final PgSubscriber subscriber;
    private final Duration pollInterval;
    private final Optional<SecretBox> secrets;
    private final AtomicLong reloads = new AtomicLong();
    private long timerId = -1;
    // Confined to {@link #context}.
    private boolean running;
    private boolean again;
    private int failing;
    private List<Promise<Long>> waiting = new ArrayList<>();
    private volatile boolean closed;
    private volatile boolean loaded;

    private RouteFeedFollower(Vertx vertx, Database db, RoutingTable table, Duration pollInterval,
            Optional<SecretBox> secrets) {
        this.secrets = secrets;
        this.vertx = vertx;
        this.db = db;
        this.table = table;
        this.pollInterval = pollInterval;
        this.context = vertx.getOrCreateContext();
        this.pool = db.pool(vertx, 2);
        this.subscriber = db.subscriber(vertx);
    }

    /** Loads the table and follows the feed; returns when the table is loaded (blocking, not on an event loop). */
    public static RouteFeedFollower start(Vertx vertx, Database db, RoutingTable table) {
        return start(vertx, db, table, DEFAULT_POLL_INTERVAL);
    }

    public static RouteFeedFollower start(Vertx vertx, Database db, RoutingTable table, Duration pollInterval) {
        return start(vertx, db, table, pollInterval, Optional.empty());
    }

    /**
     * As {@link #start(Vertx, Database, RoutingTable)}, and the trunks in the table carry their SIP credentials
     * (for the edge's outbound calls), decrypted here with the secrets key ({@code api.secrets_key}, else the
     * data directory's key file): the feed itself never carries them.
     */
    public static RouteFeedFollower start(Vertx vertx, Database db, RoutingTable table, String secretsKey,
            java.nio.file.Path dataDir) {
        return start(vertx, db, table, DEFAULT_POLL_INTERVAL, Optional.of(SecretBox.load(secretsKey, dataDir)));
    }

    static RouteFeedFollower start(Vertx vertx, Database db, RoutingTable table, Duration pollInterval,
            Optional<SecretBox> secrets) {
        try {
            return startAsync(vertx, db, table, pollInterval, secrets).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the routing table", e);
        } catch (Exception e) {
            throw new IllegalStateException("routing table not loaded: " + e.getMessage(), e);
        }
    }

    public static Future<RouteFeedFollower> startAsync(Vertx vertx, Database db, RoutingTable table, Duration pollInterval) {
        return startAsync(vertx, db, table, pollInterval, Optional.empty());
    }

    static Future<RouteFeedFollower> startAsync(Vertx vertx, Database db, RoutingTable table, Duration pollInterval,
            Optional<SecretBox> secrets) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
        RouteFeedFollower follower = new RouteFeedFollower(vertx, db, table, pollInterval, secrets);
        return follower.begin().map(follower).recover(e -> {
            follower.close();
            return Future.failedFuture(e);
        });
    }

    private Future<Void> begin() {
        long started = System.nanoTime();
        // LISTEN first: a change committed while the snapshot loads is then either in the snapshot or
        // notified (or found by the first catch-up), never in neither.
        var channel = subscriber.channel(FeedWriter.CHANNEL);
        channel.handler(payload -> catchUp());
        channel.subscribeHandler(v -> catchUp());
        Promise<Void> connected = Promise.promise();
        context.runOnContext(v -> subscriber.connect().onComplete(connected));
        return connected.future()
                .compose(v -> reload())
                .compose(v -> {
                    loaded = true;
                    return catchUp();
                })
                .map(version -> {
                    timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> catchUp());
                    log.info("Routing table ready at version {} with {} numbers in {} ms; following the feed",
                            version, table.size(), Duration.ofNanos(System.nanoTime() - started).toMillis());
                    return null;
                });
    }

    /** The version of the table (the last change applied). */
    public long version() {
        return table.version();
    }

    /** How many times the whole table was (re)loaded. */
    public long reloads() {
        return reloads.get();
    }

    /**
     * Reads and applies every change after the table's version; completes with the table's version after
     * the pass (a pass requested while one runs is merged into the next).
     */
    public Future<Long> catchUp() {
        Promise<Long> done = Promise.promise();
        context.runOnContext(v -> {
            waiting.add(done);
            if (running) {
                again = true;
                return;
            }
            pass();
        });
        return done.future();
    }

    private void pass() {
        if (!loaded) {
            // Notifications before the snapshot is in: the first pass after it reads them anyway, and
            // reading the feed's whole history onto an empty table would only be thrown away.
            List<Promise<Long>> served = waiting;
            waiting = new ArrayList<>();
            served.forEach(p -> p.tryComplete(table.version()));
            return;
        }
        running = true;
        again = false;
        List<Promise<Long>> served = waiting;
        waiting = new ArrayList<>();
        readAfter(table.version()).onComplete(ar -> {
            running = false;
            if (ar.failed() && !closed) {
                // One warning per outage, not one per poll.
                if (failing++ == 0) {
                    log.warn("Route feed catch-up failed at version {}: {} (retrying on every notification and poll;"
                            + " routing continues from memory)", table.version(), ar.cause().toString());
                } else {
                    log.debug("Route feed catch-up failed again: {}", ar.cause().toString());
                }
            } else if (ar.succeeded() && failing > 0) {
                log.info("Route feed caught up again at version {} after {} failed attempts", table.version(), failing);
                failing = 0;
            }
            served.forEach(p -> {
                if (ar.succeeded()) {
                    p.tryComplete(table.version());
                } else {
                    p.tryFail(ar.cause());
                }
            });
            if ((again || !waiting.isEmpty()) && !closed) {
                pass();
            }
        });
    }

    private Future<Void> readAfter(long version) {
        return pool.preparedQuery("select version, kind, payload from route_changes where version > $1 order by version limit $2")
                .execute(Tuple.of(version, BATCH))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(List.<RouteChange>of());
                    }
                    List<RouteChange> changes = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        changes.add(RouteJson.change(row.getLong(0), row.getString(1), (JsonObject) row.getValue(2)));
                    }
                    return withCredentials(changes);
                })
                .compose(changes -> {
                    if (changes.isEmpty()) {
                        return Future.succeededFuture();
                    }
                    ApplyResult result = table.applyAll(changes);
                    if (result instanceof ApplyResult.Gap gap) {
                        log.warn("Route feed gap (expected version {}, got {}): reloading the table", gap.expected(), gap.got());
                        return reload().compose(v -> readAfter(table.version()));
                    }
                    return changes.size() == BATCH ? readAfter(table.version()) : Future.succeededFuture();
                });
    }

    /**
     * The changes with each upserted trunk's SIP credentials filled in from its row (decrypted). A row read
     * now may be newer than the change; the change that made it newer follows, so the table converges.
     */
    private Future<List<RouteChange>> withCredentials(List<RouteChange> changes) {
        if (secrets.isEmpty()) {
            return Future.succeededFuture(changes);
        }
        List<String> trunkIds = new ArrayList<>();
        List<String> agentIds = new ArrayList<>();
        for (RouteChange change : changes) {
            if (change instanceof RouteChange.TrunkUpserted t) {
                trunkIds.add(t.trunk().id());
            } else if (change instanceof RouteChange.AgentUpserted a) {
                agentIds.add(a.agent().id());
            }
        }
        if (trunkIds.isEmpty() && agentIds.isEmpty()) {
            return Future.succeededFuture(changes);
        }
        Future<java.util.Map<String, Optional<TrunkCredentials>>> trunks = sealedCredentials("trunks", trunkIds)
                .map(rows -> mapValues(rows, (user, sealed) -> credentials(user, sealed)));
        Future<java.util.Map<String, Optional<AgentCredentials>>> agents = sealedCredentials("agents", agentIds)
                .map(rows -> mapValues(rows, (user, sealed) -> credentials(user, sealed)
                        .map(c -> new AgentCredentials(c.username(), c.password()))));
        return Future.all(trunks, agents).map(both -> {
            List<RouteChange> out = new ArrayList<>(changes.size());
            for (RouteChange change : changes) {
                if (change instanceof RouteChange.TrunkUpserted t) {
                    out.add(new RouteChange.TrunkUpserted(t.version(),
                            t.trunk().withCredentials(trunks.result().getOrDefault(t.trunk().id(), Optional.empty()))));
                } else if (change instanceof RouteChange.AgentUpserted a) {
                    out.add(new RouteChange.AgentUpserted(a.version(),
                            a.agent().withCredentials(agents.result().getOrDefault(a.agent().id(), Optional.empty()))));
                } else {
                    out.add(change);
                }
            }
            return out;
        });
    }

    private record Sealed(String username, byte[] password) {}

    /** {@code sip_username} and sealed {@code sip_password} of the rows of {@code table} with {@code ids}. */
    private Future<java.util.Map<String, Sealed>> sealedCredentials(String table, List<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(java.util.Map.of());
        }
        return pool.preparedQuery("select id, sip_username, sip_password from " + table + " where id = any($1)")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    java.util.Map<String, Sealed> found = new java.util.HashMap<>();
                    for (Row row : rows) {
                        Buffer sealed = row.getBuffer(2);
                        found.put(row.getString(0), new Sealed(row.getString(1), sealed == null ? null : sealed.getBytes()));
                    }
                    return found;
                });
    }

    private static <T> java.util.Map<String, T> mapValues(java.util.Map<String, Sealed> rows,
            java.util.function.BiFunction<String, byte[], T> open) {
        java.util.Map<String, T> out = new java.util.HashMap<>();
        rows.forEach((id, s) -> out.put(id, open.apply(s.username(), s.password())));
        return out;
    }

    /** Both set and the password opens with our key: credentials; otherwise none (and a warning once per row). */
    private Optional<TrunkCredentials> credentials(String username, byte[] sealed) {
        if (username == null || username.isEmpty() || sealed == null || secrets.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TrunkCredentials(username, secrets.get().open(sealed)));
        } catch (RuntimeException e) {
            log.warn("A sip_password does not open with this node's secrets key; it is ignored");
            return Optional.empty();
        }
    }

    /** Loads the whole table at one consistent version and swaps it in. */
    Future<Void> reload() {
        return vertx.executeBlocking(this::loadSnapshot, false).map(snapshot -> {
            table.replace(snapshot);
            reloads.incrementAndGet();
            return null;
        });
    }

    private Snapshot loadSnapshot() throws SQLException {
        try (Connection c = db.openJdbc()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            // One snapshot for the version and every row: what the table holds is exactly that version.
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = c.createStatement()) {
                st.setFetchSize(SNAPSHOT_FETCH);
                long version;
                try (ResultSet rs = st.executeQuery("select version from feed_head")) {
                    rs.next();
                    version = rs.getLong(1);
                }
                Snapshot.Builder builder = Snapshot.builder(version);
                try (ResultSet rs = st.executeQuery("select " + AgentRepository.COLUMNS
                        + ", sip_username, sip_password from agents")) {
                    while (rs.next()) {
                        builder.agent(SnapshotRows.agent(rs).withCredentials(credentials(rs.getString(6), rs.getBytes(7))
                                .map(t -> new AgentCredentials(t.username(), t.password()))));
                    }
                }
                try (ResultSet rs = st.executeQuery("select " + TrunkRepository.COLUMNS
                        + ", sip_username, sip_password from trunks")) {
                    while (rs.next()) {
                        builder.trunk(SnapshotRows.trunk(rs).withCredentials(credentials(rs.getString(8), rs.getBytes(9))));
                    }
                }
                long rowsStarted = System.nanoTime();
                CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI()
                        .copyOut("copy (select " + NumberRepository.COLUMNS + " from numbers) to stdout");
                SnapshotRows.Numbers numbers = new SnapshotRows.Numbers();
                byte[] row;
                while ((row = copy.readFromCopy()) != null) {
                    builder.number(numbers.route(row));
                }
                c.commit();
                long built = System.nanoTime();
                Snapshot snapshot = builder.build();
                log.info("Snapshot at version {}: {} numbers read and parsed in {} ms, table built in {} ms", version,
                        snapshot.numberCount(), Duration.ofNanos(built - rowsStarted).toMillis(),
                        Duration.ofNanos(System.nanoTime() - built).toMillis());
                return snapshot;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        // Wait for both: the database may be stopped right after this returns (the launcher's order).
        awaitQuietly(subscriber.close());
        awaitQuietly(pool.close());
    }

    private static void awaitQuietly(Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("route feed close: {}", e.toString());
        }
    }
}
