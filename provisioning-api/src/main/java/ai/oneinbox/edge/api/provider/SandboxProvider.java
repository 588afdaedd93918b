package ai.oneinbox.edge.api.provider;

import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.Provider;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The offline provider: a fixed, deterministic inventory of fictional numbers, NPA-555-0100..0199 for a set
 * of North American area codes (the 555-01xx lines are reserved for fiction), and toll-free 800/888-555-0100..0199
 * (US); no mobile numbers, as North American mobiles share the geographic codes. What is sold is kept in
 * PostgreSQL ({@code sandbox_sold}), so a sale survives restarts and two concurrent buyers of one number
 * cannot both win: the insert is the arbiter.
 */
public final class SandboxProvider implements NumberProvider {

    /** Area code → (country, locality), in inventory order. */
    static final Map<String, String[]> AREAS = orderedAreas();
    static final int FIRST_LINE = 100;
    static final int LAST_LINE = 199;
    /** Toll-free codes in the inventory, in order. */
    static final List<String> TOLL_FREE = List.of("800", "888");

    private final SqlClient db;
    private final List<AvailableNumber> inventory;
    private final Set<Long> inInventory;

    public SandboxProvider(SqlClient db) {
        this.db = db;
        List<AvailableNumber> all = new ArrayList<>();
        AREAS.forEach((npa, where) -> {
            for (int line = FIRST_LINE; line <= LAST_LINE; line++) {
                long digits = Long.parseLong("1" + npa + "5550" + line);
                all.add(new AvailableNumber(E164.of(digits), where[0], Optional.of(npa), Optional.of(where[1])));
            }
        });
        for (String npa : TOLL_FREE) {
            for (int line = FIRST_LINE; line <= LAST_LINE; line++) {
                long digits = Long.parseLong("1" + npa + "5550" + line);
                all.add(new AvailableNumber(E164.of(digits), "US", Optional.of(npa), Optional.empty(), NumberType.TOLL_FREE));
            }
        }
        this.inventory = List.copyOf(all);
        Set<Long> keys = new HashSet<>();
        all.forEach(n -> keys.add(n.number().value()));
        this.inInventory = Set.copyOf(keys);
    }

    private static Map<String, String[]> orderedAreas() {
        var areas = new java.util.LinkedHashMap<String, String[]>();
        areas.put("415", new String[] {"US", "San Francisco, CA"});
        areas.put("212", new String[] {"US", "New York, NY"});
        areas.put("310", new String[] {"US", "Los Angeles, CA"});
        areas.put("312", new String[] {"US", "Chicago, IL"});
        areas.put("512", new String[] {"US", "Austin, TX"});
        areas.put("617", new String[] {"US", "Boston, MA"});
        areas.put("206", new String[] {"US", "Seattle, WA"});
        areas.put("305", new String[] {"US", "Miami, FL"});
        areas.put("416", new String[] {"CA", "Toronto, ON"});
        areas.put("604", new String[] {"CA", "Vancouver, BC"});
        return java.util.Collections.unmodifiableMap(areas);
    }

    /** Whether {@code number} belongs to the sandbox inventory at all (sold or not). */
    public boolean sells(E164 number) {
        return inInventory.contains(number.value());
    }

    @Override
    public Provider kind() {
        return Provider.SANDBOX;
    }

    @Override
    public Future<List<AvailableNumber>> search(NumberSearch search) {
        List<AvailableNumber> candidates = new ArrayList<>();
        for (AvailableNumber n : inventory) {
            if (n.type() == search.type()
                    && n.country().equals(search.country())
                    && search.areaCode().map(ac -> n.areaCode().orElse("").equals(ac)).orElse(true)
                    && search.contains().map(c -> n.number().digits().contains(c)).orElse(true)) {
                candidates.add(n);
            }
        }
        if (candidates.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Long[] keys = candidates.stream().map(n -> n.number().value()).toArray(Long[]::new);
        // A number registered by another path (imported) is not for sale either.
        return db.preparedQuery("select e164 from sandbox_sold where e164 = any($1)"
                        + " union select e164 from numbers where e164 = any($1)")
                .execute(Tuple.of(keys))
                .map(rows -> {
                    Set<Long> taken = new HashSet<>();
                    for (Row row : rows) {
                        taken.add(row.getLong(0));
                    }
                    List<AvailableNumber> free = new ArrayList<>(search.limit());
                    for (AvailableNumber n : candidates) {
                        if (!taken.contains(n.number().value())) {
                            free.add(n);
                            if (free.size() == search.limit()) {
                                break;
                            }
                        }
                    }
                    return List.copyOf(free);
                });
    }

    @Override
    public Future<PurchaseResult> purchase(PurchaseRequest request) {
        E164 number = request.number();
        if (!sells(number)) {
            return Future.succeededFuture(new PurchaseResult.Unavailable(number, "not in the sandbox inventory"));
        }
        // The same intent buying again is a replay: the row comes back; another intent finds no row.
        return db.preparedQuery("insert into sandbox_sold (e164, intent_id) values ($1, $2)"
                        + " on conflict (e164) do update set intent_id = excluded.intent_id"
                        + " where sandbox_sold.intent_id = excluded.intent_id returning e164")
                .execute(Tuple.of(number.value(), request.intentId()))
                .map(rows -> rows.rowCount() == 1
                        ? new PurchaseResult.Purchased(number, Optional.of("sandbox:" + request.intentId()))
                        : new PurchaseResult.Unavailable(number, "already sold"));
    }

    @Override
    public Future<Void> release(E164 number) {
        return db.preparedQuery("delete from sandbox_sold where e164 = $1")
                .execute(Tuple.of(number.value()))
                .mapEmpty();
    }

    @Override
    public Future<List<OwnedNumber>> listOwned() {
        return db.query("select e164, intent_id from sandbox_sold order by e164")
                .execute()
                .map(rows -> {
                    List<OwnedNumber> owned = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        owned.add(new OwnedNumber(E164.of(row.getLong(0)), Optional.of("sandbox:" + row.getString(1))));
                    }
                    return List.copyOf(owned);
                });
    }

    /** The sandbox has no credentials to reject. */
    @Override
    public Future<CredentialCheck> verifyCredentials() {
        return Future.succeededFuture(new CredentialCheck.Accepted("sandbox"));
    }

    /** Sandbox numbers reach the edge directly: no trunk, no origination settings to read. */
    @Override
    public Future<Wiring> wiring(E164 number) {
        return Future.succeededFuture(new Wiring(number, Optional.empty(), Optional.empty(), List.of(), Optional.of("+e164")));
    }
}
