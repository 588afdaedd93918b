package ai.oneinbox.edge.api.provider;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.charset.StandardCharsets;

/**
 * The subset of Twilio's REST API the adapter uses, in its documented shapes: 2010-04-01 list pages with
 * {@code next_page_uri}, trunking v1 pages with {@code meta.next_page_url}, errors as
 * {@code {code, message, more_info, status}}.
 */
public final class FakeTwilio extends FakeHttp {

    /** A number for sale in one of the {@code Local}, {@code TollFree} or {@code Mobile} lists. */
    public record Available(String number, String locality, String region, String list) {

        public Available(String number, String locality, String region) {
            this(number, locality, region, "Local");
        }
    }

    private static final java.util.Set<String> LISTS = java.util.Set.of("Local", "TollFree", "Mobile");

    public static final class Incoming {
        public final String sid;
        public final String accountSid;
        public final String number;
        public String friendlyName;
        public String trunkSid;

        Incoming(String sid, String accountSid, String number, String friendlyName, String trunkSid) {
            this.sid = sid;
            this.accountSid = accountSid;
            this.number = number;
            this.friendlyName = friendlyName;
            this.trunkSid = trunkSid;
        }
    }

    public static final class TrunkState {
        public String domain;
        public final List<String> originationUrls = new ArrayList<>();

        TrunkState(String domain) {
            this.domain = domain;
        }
    }

    private final Map<String, String> accounts = new LinkedHashMap<>();
    public final List<Available> available = new ArrayList<>();
    public final Map<String, Incoming> owned = new LinkedHashMap<>();
    public final Map<String, TrunkState> trunks = new LinkedHashMap<>();
    private final AtomicInteger sids = new AtomicInteger();
    /** Every account owns any number asked about, on a trunk wired to {@code permissiveOrigination}. */
    public volatile boolean permissive;
    public volatile String permissiveOrigination = "sip:voice.oneinbox.ai:5060";
    public volatile int pageSize = 2;
    /** The next purchases lose a race: another account buys the number first. */
    public volatile int raceNext;
    /** Releases fail with a 500 (a provider outage while undoing a purchase). */
    public volatile boolean failDeletes;

    public synchronized void account(String sid, String token) {
        accounts.put(sid, token);
    }

    public synchronized TrunkState trunk(String sid, String domain, String... origination) {
        TrunkState t = new TrunkState(domain);
        t.originationUrls.addAll(List.of(origination));
        trunks.put(sid, t);
        return t;
    }

    public synchronized Incoming own(String accountSid, String number, String trunkSid) {
        Incoming i = new Incoming(sid("PN"), accountSid, number, number, trunkSid);
        owned.put(number, i);
        return i;
    }

    private String sid(String prefix) {
        return prefix + String.format("%032x", sids.incrementAndGet());
    }

    static Answer error(int status, int code, String message) {
        return Answer.json(status, new JsonObject().put("code", code).put("message", message)
                .put("more_info", "https://www.twilio.com/docs/errors/" + code).put("status", status).encode());
    }

    private boolean authorized(Call call, String accountSid) {
        if (!call.authorization().startsWith("Basic ")) {
            return false;
        }
        String[] userPass = new String(Base64.getDecoder().decode(call.authorization().substring(6)), StandardCharsets.UTF_8).split(":", 2);
        if (!userPass[0].equals(accountSid)) {
            return false;
        }
        if (permissive && !userPass[1].startsWith("bad")) {
            return true;
        }
        return userPass.length == 2 && userPass[1].equals(accounts.get(accountSid));
    }

    private String user(Call call) {
        return new String(Base64.getDecoder().decode(call.authorization().substring(6)), StandardCharsets.UTF_8).split(":", 2)[0];
    }

    @Override
    protected Answer answer(Call call) {
        String p = call.path();
        if (!call.authorization().startsWith("Basic ")) {
            return error(401, 20003, "Authenticate");
        }
        if (p.startsWith("/v1/Trunks/")) {
            if (!authorized(call, user(call))) {
                return error(401, 20003, "Authenticate");
            }
            return trunking(call, p.substring("/v1/Trunks/".length()).split("/"));
        }
        String[] seg = p.split("/");
        // /2010-04-01/Accounts/{sid}.json or /2010-04-01/Accounts/{sid}/...
        if (seg.length < 4 || !seg[1].equals("2010-04-01") || !seg[2].equals("Accounts")) {
            return error(404, 20404, "The requested resource " + p + " was not found");
        }
        String account = seg[3].replace(".json", "");
        if (!authorized(call, account)) {
            return error(401, 20003, "Authenticate");
        }
        if (seg.length == 4) {
            return Answer.json(200, new JsonObject().put("sid", account).put("friendly_name", "Fake account " + account.substring(0, 6))
                    .put("status", "active").put("type", "Full").put("owner_account_sid", account)
                    .put("uri", "/2010-04-01/Accounts/" + account + ".json").encode());
        }
        if (seg.length == 7 && seg[4].equals("AvailablePhoneNumbers") && seg[6].endsWith(".json")
                && LISTS.contains(seg[6].substring(0, seg[6].length() - ".json".length()))) {
            return search(call, account, seg[5], seg[6].substring(0, seg[6].length() - ".json".length()));
        }
        if (seg[4].equals("IncomingPhoneNumbers.json")) {
            return call.method().equals("POST") ? buy(call, account) : listIncoming(call, account);
        }
        if (seg.length == 6 && seg[4].equals("IncomingPhoneNumbers") && call.method().equals("DELETE")) {
            if (failDeletes) {
                return error(500, 20500, "Internal Server Error");
            }
            String pn = seg[5].replace(".json", "");
            boolean removed = owned.values().removeIf(i -> i.sid.equals(pn) && i.accountSid.equals(account));
            return removed ? new Answer(204, "", Map.of()) : error(404, 20404, "The requested resource was not found");
        }
        return error(404, 20404, "The requested resource " + p + " was not found");
    }

    private Answer search(Call call, String account, String country, String list) {
        String area = call.query().getOrDefault("AreaCode", "");
        String contains = call.query().getOrDefault("Contains", "");
        int size = Integer.parseInt(call.query().getOrDefault("PageSize", "50"));
        JsonArray items = new JsonArray();
        for (Available a : available) {
            String national = a.number().substring(2);
            if (a.list().equals(list) && (area.isEmpty() || national.startsWith(area)) && a.number().contains(contains) && !owned.containsKey(a.number())
                    && items.size() < size) {
                items.add(new JsonObject().put("friendly_name", "(" + national.substring(0, 3) + ") " + national.substring(3, 6) + "-" + national.substring(6))
                        .put("phone_number", a.number()).put("lata", "722").put("locality", a.locality()).put("rate_center", a.locality().toUpperCase())
                        .put("latitude", "37.780000").put("longitude", "-122.420000").put("region", a.region()).put("postal_code", "94103")
                        .put("iso_country", country).put("address_requirements", "none").put("beta", false)
                        .put("capabilities", new JsonObject().put("voice", true).put("SMS", true).put("MMS", true)));
            }
        }
        String uri = "/2010-04-01/Accounts/" + account + "/AvailablePhoneNumbers/" + country + "/" + list + ".json";
        return Answer.json(200, new JsonObject().put("available_phone_numbers", items).put("uri", uri)
                .put("end", Math.max(0, items.size() - 1)).put("first_page_uri", uri).put("next_page_uri", null)
                .put("page", 0).put("page_size", size).put("previous_page_uri", null).put("start", 0).encode());
    }

    private Answer buy(Call call, String account) {
        String number = call.form().getOrDefault("PhoneNumber", "");
        boolean forSale = available.stream().anyMatch(a -> a.number().equals(number));
        if (forSale && !owned.containsKey(number) && raceNext > 0) {
            raceNext--;
            own("AC" + "e".repeat(32), number, null);
        }
        if (!forSale || owned.containsKey(number)) {
            return error(400, 21422, "PhoneNumber requested is not available");
        }
        Incoming i = new Incoming(sid("PN"), account, number, call.form().getOrDefault("FriendlyName", number),
                call.form().get("TrunkSid"));
        owned.put(number, i);
        return Answer.json(201, incoming(i).encode());
    }

    private Answer listIncoming(Call call, String account) {
        String filter = call.query().getOrDefault("PhoneNumber", "");
        if (permissive && !filter.isEmpty() && !owned.containsKey(filter)) {
            String trunkSid = "TK" + String.format("%032x", Math.abs(account.hashCode()));
            trunks.computeIfAbsent(trunkSid, k -> {
                TrunkState t = new TrunkState("");
                t.originationUrls.add(permissiveOrigination);
                return t;
            });
            own(account, filter, trunkSid);
        }
        List<Incoming> mine = new ArrayList<>();
        for (Incoming i : owned.values()) {
            if (i.accountSid.equals(account) && (filter.isEmpty() || i.number.equals(filter))) {
                mine.add(i);
            }
        }
        int page = Integer.parseInt(call.query().getOrDefault("Page", "0"));
        int size = Math.min(pageSize, Integer.parseInt(call.query().getOrDefault("PageSize", "50")));
        String base = "/2010-04-01/Accounts/" + account + "/IncomingPhoneNumbers.json";
        JsonArray items = new JsonArray();
        for (int k = page * size; k < Math.min(mine.size(), (page + 1) * size); k++) {
            items.add(incoming(mine.get(k)));
        }
        boolean more = (page + 1) * size < mine.size();
        String q = "?PageSize=" + size + (filter.isEmpty() ? "" : "&PhoneNumber=" + filter.replace("+", "%2B"));
        return Answer.json(200, new JsonObject().put("incoming_phone_numbers", items)
                .put("uri", base + q + "&Page=" + page).put("first_page_uri", base + q + "&Page=0")
                .put("next_page_uri", more ? base + q + "&Page=" + (page + 1) + "&PageToken=PT" + (page + 1) : null)
                .put("previous_page_uri", page == 0 ? null : base + q + "&Page=" + (page - 1))
                .put("page", page).put("page_size", size).put("start", page * size).put("end", page * size + items.size() - 1).encode());
    }

    private JsonObject incoming(Incoming i) {
        return new JsonObject().put("sid", i.sid).put("account_sid", i.accountSid).put("phone_number", i.number)
                .put("friendly_name", i.friendlyName).put("trunk_sid", i.trunkSid).put("status", "in-use")
                .put("voice_receive_mode", "voice").put("origin", "twilio").put("api_version", "2010-04-01")
                .put("capabilities", new JsonObject().put("voice", true).put("sms", true).put("mms", true).put("fax", false))
                .put("uri", "/2010-04-01/Accounts/" + i.accountSid + "/IncomingPhoneNumbers/" + i.sid + ".json");
    }

    private Answer trunking(Call call, String[] rest) {
        TrunkState t = trunks.get(rest[0]);
        if (t == null) {
            return error(404, 20404, "The requested resource /Trunks/" + rest[0] + " was not found");
        }
        String url = "https://trunking.twilio.com/v1/Trunks/" + rest[0];
        if (rest.length == 1) {
            return Answer.json(200, new JsonObject().put("sid", rest[0]).put("account_sid", "AC" + "0".repeat(32))
                    .put("domain_name", t.domain).put("friendly_name", "trunk").put("secure", false).put("cnam_lookup_enabled", false)
                    .put("auth_type", "").put("auth_type_set", new JsonArray()).put("symmetric_rtp_enabled", false)
                    .put("transfer_mode", "disable-all").put("url", url)
                    .put("links", new JsonObject().put("origination_urls", url + "/OriginationUrls")).encode());
        }
        if (rest.length == 2 && rest[1].equals("PhoneNumbers")) {
            List<Incoming> on = owned.values().stream().filter(i -> rest[0].equals(i.trunkSid)).toList();
            int page = Integer.parseInt(call.query().getOrDefault("Page", "0"));
            int size = pageSize;
            JsonArray items = new JsonArray();
            for (int k = page * size; k < Math.min(on.size(), (page + 1) * size); k++) {
                Incoming i = on.get(k);
                items.add(new JsonObject().put("sid", i.sid).put("account_sid", i.accountSid).put("trunk_sid", rest[0])
                        .put("phone_number", i.number).put("friendly_name", i.friendlyName).put("api_version", "2010-04-01")
                        .put("url", url + "/PhoneNumbers/" + i.sid));
            }
            boolean more = (page + 1) * size < on.size();
            String list = url + "/PhoneNumbers?PageSize=" + size;
            return Answer.json(200, new JsonObject().put("phone_numbers", items).put("meta", new JsonObject()
                    .put("page", page).put("page_size", size).put("first_page_url", list + "&Page=0")
                    .put("previous_page_url", page == 0 ? null : list + "&Page=" + (page - 1))
                    .put("next_page_url", more ? list + "&Page=" + (page + 1) + "&PageToken=PT" + (page + 1) : null)
                    .put("key", "phone_numbers").put("url", list + "&Page=" + page)).encode());
        }
        if (rest.length == 2 && rest[1].equals("OriginationUrls")) {
            JsonArray items = new JsonArray();
            int n = 0;
            for (String sip : t.originationUrls) {
                items.add(new JsonObject().put("sid", "OU" + String.format("%032x", ++n)).put("trunk_sid", rest[0])
                        .put("account_sid", "AC" + "0".repeat(32)).put("sip_url", sip).put("enabled", true).put("weight", 1)
                        .put("priority", 1).put("friendly_name", "edge").put("url", url + "/OriginationUrls/OU" + n));
            }
            return Answer.json(200, new JsonObject().put("origination_urls", items).put("meta", new JsonObject()
                    .put("page", 0).put("page_size", 50).put("first_page_url", url + "/OriginationUrls?PageSize=50&Page=0")
                    .put("previous_page_url", null).put("next_page_url", null).put("key", "origination_urls")
                    .put("url", url + "/OriginationUrls?PageSize=50&Page=0")).encode());
        }
        return error(404, 20404, "The requested resource was not found");
    }
}
