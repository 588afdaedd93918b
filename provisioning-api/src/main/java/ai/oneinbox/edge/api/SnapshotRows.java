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
 * Rows of the snapshot load mapped to the routing records: the same columns as the repositories
 * ({@code *Repository.COLUMNS}), read with the blocking JDBC driver on a worker thread; numbers come
 * through {@code COPY ... TO STDOUT}, the fastest way out of PostgreSQL.
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

    /**
     * Number rows of {@code COPY (select NumberRepository.COLUMNS ...) TO STDOUT} in text format, parsed
     * straight from the bytes: several times faster than a JDBC result set for a million rows. Equal
     * ownerships and ids are shared, since most numbers have one of a few.
     */
    static final class Numbers {
        private static final int COLUMNS = 11;
        private final Map<List<String>, Ownership> ownerships = new HashMap<>();
        private final Map<String, String> ids = new HashMap<>();
        private final int[] starts = new int[COLUMNS];
        private final int[] ends = new int[COLUMNS];

        /** One row, without its trailing newline or with it. */
        NumberRoute route(byte[] row) {
            int col = 0;
            int start = 0;
            int end = row.length;
            if (end > 0 && row[end - 1] == '\n') {
                end--;
            }
            for (int i = 0; i <= end && col < COLUMNS; i++) {
                if (i == end || row[i] == '\t') {
                    starts[col] = start;
                    ends[col] = i;
                    col++;
                    start = i + 1;
                }
            }
            if (col != COLUMNS) {
                throw new IllegalStateException("COPY row with " + col + " columns, expected " + COLUMNS);
            }
            long e164 = 0;
            for (int i = starts[0]; i < ends[0]; i++) {
                e164 = e164 * 10 + (row[i] - '0');
            }
            Optional<InboundRouting> inbound = row[starts[2]] == 't'
                    ? Optional.of(inbound(text(row, 3), text(row, 4), text(row, 5)))
                    : Optional.empty();
            return new NumberRoute(E164.of(e164), id(text(row, 1)), inbound,
                    ownership(text(row, 6), text(row, 7), text(row, 8), text(row, 9), text(row, 10)));
        }

        private String id(String value) {
            if (value == null) {
                return null;
            }
            String known = ids.putIfAbsent(value, value);
            return known == null ? value : known;
        }

        /** A text-format field: {@code \N} is null; backslash escapes decoded (COPY text format). */
        private String text(byte[] row, int col) {
            int from = starts[col];
            int to = ends[col];
            if (to - from == 2 && row[from] == '\\' && row[from + 1] == 'N') {
                return null;
            }
            boolean escaped = false;
            for (int i = from; i < to; i++) {
                if (row[i] == '\\') {
                    escaped = true;
                    break;
                }
            }
            if (!escaped) {
                return new String(row, from, to - from, java.nio.charset.StandardCharsets.UTF_8);
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(to - from);
            for (int i = from; i < to; i++) {
                byte b = row[i];
                if (b != '\\' || i + 1 == to) {
                    out.write(b);
                    continue;
                }
                byte c = row[++i];
                switch (c) {
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'v' -> out.write(0x0b);
                    case 'x' -> {
                        int v = 0;
                        int k = 0;
                        while (k < 2 && i + 1 < to && Character.digit(row[i + 1], 16) >= 0) {
                            v = v * 16 + Character.digit(row[++i], 16);
                            k++;
                        }
                        out.write(v);
                    }
                    default -> {
                        if (c >= '0' && c <= '7') {
                            int v = c - '0';
                            int k = 1;
                            while (k < 3 && i + 1 < to && row[i + 1] >= '0' && row[i + 1] <= '7') {
                                v = v * 8 + (row[++i] - '0');
                                k++;
                            }
                            out.write(v);
                        } else {
                            out.write(c);
                        }
                    }
                }
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }

        private InboundRouting inbound(String agent, String fallback, String voicemail) {
            if (agent == null && fallback == null && voicemail == null) {
                return InboundRouting.DEFAULT;
            }
            return new InboundRouting(Optional.ofNullable(id(agent)), Optional.ofNullable(id(fallback)), Optional.ofNullable(voicemail));
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
