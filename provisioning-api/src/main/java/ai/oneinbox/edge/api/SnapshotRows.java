package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.Cidr;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.InboundRouting;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.Trunk;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JDBC rows of the snapshot load mapped to the routing records: the same columns as the repositories
 * ({@code *Repository.COLUMNS}), read with the blocking driver because a million rows stream faster
 * through one server-side cursor on a worker thread than through an event loop.
 */
final class SnapshotRows {

    private SnapshotRows() {}

    static Agent agent(ResultSet rs) throws SQLException {
        return new Agent(rs.getString(1), Arrays.asList(strings(rs.getArray(2))), rs.getInt(3),
                Optional.ofNullable(rs.getString(4)), rs.getBoolean(5));
    }

    static Trunk trunk(ResultSet rs) throws SQLException {
        List<Cidr> cidrs = new ArrayList<>();
        for (String c : strings(rs.getArray(4))) {
            cidrs.add(Cidr.parse(c));
        }
        return new Trunk(rs.getString(1), RouteJson.provider(rs.getString(2)), rs.getString(3), cidrs,
                Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)), rs.getInt(7));
    }

    private static String[] strings(Array array) throws SQLException {
        return array == null ? new String[0] : (String[]) array.getArray();
    }

    /** Number rows; equal ownerships are shared, since most numbers have one of a few. */
    static final class Numbers {
        private final Map<List<String>, Ownership> ownerships = new HashMap<>();

        NumberRoute route(ResultSet rs) throws SQLException {
            Optional<InboundRouting> inbound = rs.getBoolean(3)
                    ? Optional.of(inbound(rs.getString(4), rs.getString(5), rs.getString(6)))
                    : Optional.empty();
            return new NumberRoute(E164.of(rs.getLong(1)), rs.getString(2), inbound,
                    ownership(rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11)));
        }

        private static InboundRouting inbound(String agent, String fallback, String voicemail) {
            if (agent == null && fallback == null && voicemail == null) {
                return InboundRouting.DEFAULT;
            }
            return new InboundRouting(Optional.ofNullable(agent), Optional.ofNullable(fallback), Optional.ofNullable(voicemail));
        }

        private Ownership ownership(String provider, String integration, String trunk, String binding, String sipTrunk) {
            if (provider.equals("sandbox") && integration == null && trunk == null && binding == null && sipTrunk == null) {
                return Ownership.SANDBOX;
            }
            return ownerships.computeIfAbsent(Arrays.asList(provider, integration, trunk, binding, sipTrunk), k -> new Ownership(
                    Provider.valueOf(provider.toUpperCase(java.util.Locale.ROOT)), Optional.ofNullable(integration),
                    Optional.ofNullable(trunk), Optional.ofNullable(binding), Optional.ofNullable(sipTrunk)));
        }
    }
}
