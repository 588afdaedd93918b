package ai.oneinbox.edge.api.provider;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The subset of Telnyx's v2 API the adapter uses, in its documented shapes: {@code {"data": ..., "meta":
 * {total_pages, total_results, page_number, page_size}}}, errors as {@code {"errors": [{code, title, detail}]}},
 * number orders that stay {@code pending} for {@code pendingPolls} looks before they succeed.
 */
public final class FakeTelnyx extends FakeHttp {

    public static final class Owned {
        public final String id;
        public final String number;
        public String connectionId;
        public String customerReference;

        Owned(String id, String number, String connectionId, String customerReference) {
            this.id = id;
            this.number = number;
            this.connectionId = connectionId;
            this.customerReference = customerReference;
        }
    }

    public static final class Connection {
        public String dnisFormat = "+e164";
        public final List<String[]> fqdns = new ArrayList<>();
    }

    public final Set<String> keys = new HashSet<>();
    public final List<String> available = new ArrayList<>();
    /** phone_number_type of an available number; absent means local. */
    public final Map<String, String> types = new LinkedHashMap<>();
    public final Map<String, Owned> owned = new LinkedHashMap<>();
    public final Map<String, Connection> connections = new LinkedHashMap<>();
    private final Map<String, JsonObject> orders = new LinkedHashMap<>();
    private final Map<String, Integer> looks = new LinkedHashMap<>();
    public volatile int pendingPolls = 2;
    /** Any key not starting with "bad" is accepted, and every number asked about is owned, wired well. */
    public volatile boolean permissive;
    private long ids = 1293384261075731000L;

    public synchronized Owned own(String number, String connectionId) {
        Owned o = new Owned(String.valueOf(++ids), number, connectionId, null);
        owned.put(number, o);
        return o;
    }

    public synchronized Connection connection(String id, String fqdn, int port) {
        Connection c = new Connection();
        if (fqdn != null) {
            c.fqdns.add(new String[] {fqdn, String.valueOf(port)});
        }
        connections.put(id, c);
        return c;
    }

    static Answer error(int status, String code, String title, String detail) {
        return Answer.json(status, new JsonObject().put("errors", new JsonArray().add(new JsonObject()
                .put("code", code).put("title", title).put("detail", detail))).encode());
    }

    private static JsonObject meta(int total, int page, int size) {
        return new JsonObject().put("total_pages", Math.max(1, (total + size - 1) / size)).put("total_results", total)
                .put("page_number", page).put("page_size", size);
    }

    @Override
    protected Answer answer(Call call) {
        String key = call.authorization().startsWith("Bearer ") ? call.authorization().substring(7) : "";
        if (!(keys.contains(key) || (permissive && !key.isEmpty() && !key.startsWith("bad")))) {
            return error(401, "10009", "Authentication failed", "The API key provided is invalid or missing.");
        }
        String p = call.path();
        Map<String, String> q = call.query();
        if (p.equals("/v2/available_phone_numbers")) {
            String cc = q.getOrDefault("filter[country_code]", "US");
            String ndc = q.getOrDefault("filter[national_destination_code]", "");
            String contains = q.getOrDefault("filter[phone_number][contains]", "");
            int limit = Integer.parseInt(q.getOrDefault("filter[limit]", "20"));
            String type = q.getOrDefault("filter[phone_number_type]", "");
            JsonArray data = new JsonArray();
            for (String n : available) {
                String its = types.getOrDefault(n, "local");
                if ((type.isEmpty() || its.equals(type)) && n.substring(2).startsWith(ndc) && n.contains(contains) && !owned.containsKey(n) && data.size() < limit) {
                    data.add(new JsonObject().put("record_type", "available_phone_number").put("phone_number", n)
                            .put("phone_number_type", its)
                            .put("vanity_format", "").put("best_effort", false).put("quickship", true).put("reservable", true)
                            .put("region_information", new JsonArray()
                                    .add(new JsonObject().put("region_type", "country_code").put("region_name", cc))
                                    .add(new JsonObject().put("region_type", "rate_center").put("region_name", "SAN FRANCISCO"))
                                    .add(new JsonObject().put("region_type", "state").put("region_name", "CA")))
                            .put("cost_information", new JsonObject().put("upfront_cost", "1.00").put("monthly_cost", "1.00").put("currency", "USD")));
                }
            }
            return Answer.json(200, new JsonObject().put("data", data)
                    .put("meta", new JsonObject().put("total_results", data.size()).put("best_effort_results", 0)).encode());
        }
        if (p.equals("/v2/number_orders") && call.method().equals("POST")) {
            JsonObject body = new JsonObject(call.body());
            String number = body.getJsonArray("phone_numbers").getJsonObject(0).getString("phone_number");
            if (!available.contains(number) || owned.containsKey(number)) {
                return error(422, "85001", "Number not available", number + " is no longer available for purchase");
            }
            available.remove(number);
            String id = UUID.randomUUID().toString();
            JsonObject order = new JsonObject().put("id", id).put("record_type", "number_order")
                    .put("phone_numbers", new JsonArray().add(new JsonObject().put("id", UUID.randomUUID().toString())
                            .put("record_type", "number_order_phone_number").put("phone_number", number).put("status", "pending")))
                    .put("phone_numbers_count", 1).put("connection_id", body.getString("connection_id"))
                    .put("customer_reference", body.getString("customer_reference")).put("status", "pending")
                    .put("created_at", "2026-11-27T22:00:00.000Z").put("updated_at", "2026-11-27T22:00:00.000Z").put("requirements_met", true);
            orders.put(id, order);
            looks.put(id, 0);
            if (pendingPolls == 0) {
                complete(order);
            }
            return Answer.json(200, new JsonObject().put("data", order).encode());
        }
        if (p.equals("/v2/number_orders")) {
            String ref = q.get("filter[customer_reference]");
            JsonArray data = new JsonArray();
            orders.values().stream().filter(o -> ref == null || ref.equals(o.getString("customer_reference"))).forEach(data::add);
            return Answer.json(200, new JsonObject().put("data", data).put("meta", meta(data.size(), 1, 20)).encode());
        }
        if (p.startsWith("/v2/number_orders/")) {
            String id = p.substring("/v2/number_orders/".length());
            JsonObject order = orders.get(id);
            if (order == null) {
                return error(404, "10005", "Resource not found", "number order " + id + " not found");
            }
            int n = looks.merge(id, 1, Integer::sum);
            if (n >= pendingPolls && order.getString("status").equals("pending")) {
                complete(order);
            }
            return Answer.json(200, new JsonObject().put("data", order).encode());
        }
        if (p.equals("/v2/phone_numbers")) {
            String filter = q.get("filter[phone_number]");
            if (permissive && filter != null && !owned.containsKey(filter)) {
                connections.computeIfAbsent("1684641123236054244", k -> connection(k, "voice.oneinbox.ai", 5060));
                own(filter, "1684641123236054244");
            }
            List<Owned> mine = owned.values().stream().filter(o -> filter == null || o.number.equals(filter)).toList();
            int page = Integer.parseInt(q.getOrDefault("page[number]", "1"));
            int size = Integer.parseInt(q.getOrDefault("page[size]", "20"));
            JsonArray data = new JsonArray();
            for (int k = (page - 1) * size; k < Math.min(mine.size(), page * size); k++) {
                Owned o = mine.get(k);
                data.add(new JsonObject().put("id", o.id).put("record_type", "phone_number").put("phone_number", o.number)
                        .put("status", "active").put("tags", new JsonArray()).put("connection_id", o.connectionId)
                        .put("customer_reference", o.customerReference).put("phone_number_type", "local")
                        .put("purchased_at", "2026-11-27T22:00:00Z").put("created_at", "2026-11-27T22:00:00Z"));
            }
            return Answer.json(200, new JsonObject().put("data", data).put("meta", meta(mine.size(), page, size)).encode());
        }
        if (p.startsWith("/v2/phone_numbers/") && call.method().equals("DELETE")) {
            String id = p.substring("/v2/phone_numbers/".length());
            Owned gone = owned.values().stream().filter(o -> o.id.equals(id)).findFirst().orElse(null);
            if (gone == null) {
                return error(404, "10005", "Resource not found", "phone number " + id + " not found");
            }
            owned.remove(gone.number);
            return Answer.json(200, new JsonObject().put("data", new JsonObject().put("id", id).put("record_type", "phone_number")
                    .put("phone_number", gone.number).put("status", "deleted")).encode());
        }
        if (p.startsWith("/v2/fqdn_connections/")) {
            String id = p.substring("/v2/fqdn_connections/".length());
            Connection c = connections.get(id);
            if (c == null) {
                return error(404, "10005", "Resource not found", "connection " + id + " not found");
            }
            return Answer.json(200, new JsonObject().put("data", new JsonObject().put("id", id).put("record_type", "fqdn_connection")
                    .put("active", true).put("connection_name", "edge")
                    .put("inbound", new JsonObject().put("dnis_number_format", c.dnisFormat))).encode());
        }
        if (p.equals("/v2/fqdns")) {
            String id = q.getOrDefault("filter[connection_id]", "");
            Connection c = connections.get(id);
            JsonArray data = new JsonArray();
            if (c != null) {
                int n = 0;
                for (String[] f : c.fqdns) {
                    data.add(new JsonObject().put("id", id + "-" + (++n)).put("record_type", "fqdn").put("connection_id", id)
                            .put("fqdn", f[0]).put("port", Integer.parseInt(f[1])).put("dns_record_type", "a"));
                }
            }
            return Answer.json(200, new JsonObject().put("data", data).put("meta", meta(data.size(), 1, 20)).encode());
        }
        return error(404, "10005", "Resource not found", p + " not found");
    }

    private void complete(JsonObject order) {
        order.put("status", "success");
        JsonObject pn = order.getJsonArray("phone_numbers").getJsonObject(0);
        pn.put("status", "success");
        Owned o = own(pn.getString("phone_number"), order.getString("connection_id"));
        o.customerReference = order.getString("customer_reference");
    }
}
