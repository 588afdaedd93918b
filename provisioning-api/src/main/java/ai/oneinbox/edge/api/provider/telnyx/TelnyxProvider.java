package ai.oneinbox.edge.api.provider.telnyx;

import ai.oneinbox.edge.api.provider.AvailableNumber;
import ai.oneinbox.edge.api.provider.CredentialCheck;
import ai.oneinbox.edge.api.provider.NumberProvider;
import ai.oneinbox.edge.api.provider.NumberSearch;
import ai.oneinbox.edge.api.provider.OwnedNumber;
import ai.oneinbox.edge.api.provider.ProviderCalls;
import ai.oneinbox.edge.api.provider.ProviderException;
import ai.oneinbox.edge.api.provider.ProviderFault;
import ai.oneinbox.edge.api.provider.PurchaseRequest;
import ai.oneinbox.edge.api.provider.PurchaseResult;
import ai.oneinbox.edge.api.provider.Redaction;
import ai.oneinbox.edge.api.provider.Wiring;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.Provider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.telnyx.sdk.ApiClient;
import com.telnyx.sdk.ApiException;
import com.telnyx.sdk.api.FqdNsApi;
import com.telnyx.sdk.api.FqdnConnectionsApi;
import com.telnyx.sdk.api.NumberConfigurationsApi;
import com.telnyx.sdk.api.NumberOrdersApi;
import com.telnyx.sdk.api.NumberSearchApi;
import com.telnyx.sdk.model.AvailablePhoneNumber;
import com.telnyx.sdk.model.CreateNumberOrderRequest;
import com.telnyx.sdk.model.Fqdn;
import com.telnyx.sdk.model.FqdnConnection;
import com.telnyx.sdk.model.ListPhoneNumbersResponse;
import com.telnyx.sdk.model.NumberOrder;
import com.telnyx.sdk.model.PhoneNumber;
import com.telnyx.sdk.model.PhoneNumberDetailed;
import com.telnyx.sdk.model.RegionInformation;
import io.vertx.core.Future;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Numbers through Telnyx's v2 API with the official SDK: {@code available_phone_numbers} to search,
 * {@code number_orders} to buy (then polled until the order completes, a bounded number of times),
 * {@code phone_numbers} to list, find and release, and the FQDN connection and its FQDNs for wiring.
 *
 * <p>Orders carry {@code customer_reference = oneinbox:<intent>}: a retried purchase looks for its own
 * order first and never orders twice.
 */
public final class TelnyxProvider implements NumberProvider {

    /** Telnyx's public API. */
    public static final String PUBLIC_BASE = "https://api.telnyx.com/v2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE_SIZE = 250;
    private static final int MAX_PAGES = 400;

    private final String apiKey;
    private final Optional<String> connectionId;
    private final boolean customerAccount;
    private final ProviderCalls calls;
    private final Duration pollInterval;
    private final int maxPolls;
    private final ApiClient client;

    /**
     * @param baseUrl      including {@code /v2}; empty: {@link #PUBLIC_BASE}
     * @param connectionId the connection bought numbers are attached to (the platform's)
     * @param pollInterval pause between looks at a pending order
     * @param maxPolls     looks at a pending order before giving up (504; the reconciler finishes it)
     */
    public TelnyxProvider(String apiKey, String baseUrl, Optional<String> connectionId, boolean customerAccount,
                          ProviderCalls calls, Duration pollInterval, int maxPolls) {
        if (apiKey.isBlank()) {
            throw new IllegalArgumentException("provider.telnyx.api_key must be set");
        }
        if (maxPolls < 1 || maxPolls > 120) {
            throw new IllegalArgumentException("maxPolls must be 1..120");
        }
        this.apiKey = apiKey;
        this.connectionId = connectionId.filter(s -> !s.isBlank());
        this.customerAccount = customerAccount;
        this.calls = calls;
        this.pollInterval = pollInterval;
        this.maxPolls = maxPolls;
        this.client = new ApiClient();
        String base = baseUrl.isBlank() ? PUBLIC_BASE : baseUrl;
        client.setBasePath(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        client.setBearerToken(apiKey);
        // The API has grown enum values this SDK version does not know (e.g. phone_number_type "local"):
        // a field we do not read must not fail the whole answer.
        client.getJSON().getMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL);
        // This SDK sends the type as filter[number_type]; the API documents filter[phone_number_type].
        client.getHttpClient().register(new PhoneNumberTypeFilter());
        int timeout = (int) Math.min(Integer.MAX_VALUE, calls.policy().requestTimeout().toMillis());
        client.setConnectTimeout(timeout);
        client.setReadTimeout(timeout);
    }

    @Override
    public Provider kind() {
        return Provider.TELNYX;
    }

    @Override
    public Future<List<AvailableNumber>> search(NumberSearch search) {
        return calls.run("Telnyx search", () -> {
            var request = new NumberSearchApi(client).listAvailablePhoneNumbers()
                    .filterCountryCode(search.country())
                    .filterLimit(search.limit())
                    .filterNumberType(search.type().wireName());
            search.areaCode().ifPresent(request::filterNationalDestinationCode);
            search.contains().ifPresent(request::filterPhoneNumberContains);
            List<AvailableNumber> found = new ArrayList<>();
            var data = request.execute().getData();
            for (AvailablePhoneNumber n : data == null ? List.<AvailablePhoneNumber>of() : data) {
                E164 number = e164(n.getPhoneNumber());
                found.add(new AvailableNumber(number, region(n, RegionInformation.RegionTypeEnum.COUNTRY_CODE).orElse(search.country()),
                        search.areaCode().or(() -> nanpAreaCode(number)),
                        region(n, RegionInformation.RegionTypeEnum.RATE_CENTER)
                                .map(rc -> rc + region(n, RegionInformation.RegionTypeEnum.STATE).map(s -> ", " + s).orElse("")),
                        search.type()));
                if (found.size() == search.limit()) {
                    break;
                }
            }
            return List.copyOf(found);
        }, this::classify);
    }

    private static Optional<String> region(AvailablePhoneNumber n, RegionInformation.RegionTypeEnum type) {
        if (n.getRegionInformation() == null) {
            return Optional.empty();
        }
        return n.getRegionInformation().stream().filter(r -> r.getRegionType() == type && r.getRegionName() != null)
                .map(RegionInformation::getRegionName).findFirst();
    }

    @Override
    public Future<PurchaseResult> purchase(PurchaseRequest request) {
        String tag = Redaction.purchaseTag(request.intentId());
        E164 number = request.number();
        return calls.run("Telnyx order of " + number, () -> {
            NumberOrdersApi orders = new NumberOrdersApi(client);
            var earlier = orders.listNumberOrders().filterCustomerReference(tag).execute().getData();
            NumberOrder order = earlier == null ? null : earlier.stream()
                    .filter(o -> o.getStatus() != NumberOrder.StatusEnum.FAILURE)
                    .findFirst().orElse(null);
            if (order == null) {
                CreateNumberOrderRequest create = new CreateNumberOrderRequest()
                        .phoneNumbers(List.of(new PhoneNumber().phoneNumber(number.toString())))
                        .customerReference(tag);
                connectionId.ifPresent(create::connectionId);
                try {
                    order = orders.createNumberOrder(create).getData();
                } catch (ApiException e) {
                    if (e.getCode() == 400 || e.getCode() == 409 || e.getCode() == 422) {
                        return new PurchaseResult.Unavailable(number, "Telnyx: " + errors(e));
                    }
                    throw e;
                }
            }
            return awaitOrder(orders, order, number);
        }, this::classify);
    }

    /** Polls a pending order until it succeeds or fails, at most {@code maxPolls} times. */
    private PurchaseResult awaitOrder(NumberOrdersApi orders, NumberOrder order, E164 number) throws Exception {
        for (int polls = 0; order.getStatus() == NumberOrder.StatusEnum.PENDING; polls++) {
            if (polls == maxPolls) {
                throw new ProviderException(504, "Telnyx order " + order.getId() + " for " + number + " is still pending after "
                        + maxPolls + " checks; it will be reconciled when it completes");
            }
            calls.sleeper().sleep(pollInterval);
            NumberOrder current = order;
            order = calls.runBlocking("Telnyx order " + order.getId(),
                    () -> orders.retrieveNumberOrder(current.getId().toString()).getData(), this::classify);
        }
        if (order.getStatus() == NumberOrder.StatusEnum.SUCCESS) {
            return new PurchaseResult.Purchased(number, Optional.of(order.getId().toString()));
        }
        String why = order.getPhoneNumbers() == null ? "" : order.getPhoneNumbers().stream()
                .map(p -> p.getPhoneNumber() + " " + p.getStatus()).reduce((a, b) -> a + ", " + b).orElse("");
        return new PurchaseResult.Unavailable(number, "Telnyx order " + order.getId() + " failed" + (why.isEmpty() ? "" : ": " + why));
    }

    @Override
    public Future<Void> release(E164 number) {
        return calls.run("Telnyx release of " + number, () -> {
            Optional<PhoneNumberDetailed> held = find(number);
            if (held.isPresent()) {
                try {
                    new NumberConfigurationsApi(client).deletePhoneNumber(held.get().getId());
                } catch (ApiException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                }
            }
            return (Void) null;
        }, this::classify);
    }

    @Override
    public Future<List<OwnedNumber>> listOwned() {
        return calls.run("Telnyx list of owned numbers", () -> {
            List<OwnedNumber> owned = new ArrayList<>();
            NumberConfigurationsApi api = new NumberConfigurationsApi(client);
            for (int page = 1; page <= MAX_PAGES; page++) {
                int p = page;
                ListPhoneNumbersResponse r = calls.runBlocking("Telnyx phone_numbers page " + p,
                        () -> api.listPhoneNumbers().pageNumber(p).pageSize(PAGE_SIZE).execute(), this::classify);
                if (r.getData() != null) {
                    for (PhoneNumberDetailed n : r.getData()) {
                        owned.add(new OwnedNumber(e164(n.getPhoneNumber()), Optional.ofNullable(n.getId())));
                    }
                }
                Integer total = r.getMeta() == null ? null : r.getMeta().getTotalPages();
                if (total == null || page >= total || r.getData() == null || r.getData().isEmpty()) {
                    break;
                }
            }
            return List.copyOf(owned);
        }, this::classify);
    }

    @Override
    public Future<CredentialCheck> verifyCredentials() {
        return calls.run("Telnyx credential check", () -> {
            try {
                new NumberConfigurationsApi(client).listPhoneNumbers().pageSize(1).execute();
                return (CredentialCheck) new CredentialCheck.Accepted("Telnyx account");
            } catch (ApiException e) {
                if (e.getCode() == 401 || e.getCode() == 403) {
                    return new CredentialCheck.Rejected("Telnyx rejected this API key: " + errors(e));
                }
                throw e;
            }
        }, this::classify);
    }

    @Override
    public Future<Wiring> wiring(E164 number) {
        return calls.run("Telnyx wiring of " + number, () -> {
            PhoneNumberDetailed n = find(number).orElseThrow(() ->
                    new ProviderException(422, "this number is not in that Telnyx account"));
            Optional<String> connection = Optional.ofNullable(n.getConnectionId()).filter(s -> !s.isBlank());
            if (connection.isEmpty()) {
                return new Wiring(number, Optional.empty(), Optional.empty(), List.of(), Optional.empty());
            }
            Optional<String> format = Optional.empty();
            try {
                FqdnConnection c = new FqdnConnectionsApi(client).retrieveFqdnConnection(connection.get()).getData();
                if (c != null && c.getInbound() != null && c.getInbound().getDnisNumberFormat() != null) {
                    format = Optional.of(c.getInbound().getDnisNumberFormat().getValue());
                }
            } catch (ApiException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
            List<String> origination = new ArrayList<>();
            var fqdns = new FqdNsApi(client).listFqdns().filterConnectionId(connection.get()).pageSize(PAGE_SIZE).execute().getData();
            for (Fqdn f : fqdns == null ? List.<Fqdn>of() : fqdns) {
                if (f.getFqdn() != null) {
                    origination.add("sip:" + f.getFqdn() + (f.getPort() == null ? "" : ":" + f.getPort()));
                }
            }
            return new Wiring(number, connection, Optional.empty(), origination, format);
        }, this::classify);
    }

    private Optional<PhoneNumberDetailed> find(E164 number) throws ApiException {
        var data = new NumberConfigurationsApi(client).listPhoneNumbers().filterPhoneNumber(number.toString()).execute().getData();
        return data == null ? Optional.empty()
                : data.stream().filter(n -> number.toString().equals(n.getPhoneNumber())).findFirst();
    }

    static E164 e164(String text) {
        if (text == null || !text.matches("\\+[1-9][0-9]{6,14}")) {
            throw new ProviderException(502, "Telnyx returned a phone number that is not E.164: '" + text + "'");
        }
        return E164.of(Long.parseLong(text.substring(1)));
    }

    private static Optional<String> nanpAreaCode(E164 number) {
        String d = number.digits();
        return d.length() == 11 && d.startsWith("1") ? Optional.of(d.substring(1, 4)) : Optional.empty();
    }

    /** Telnyx's {@code errors[]} as "title: detail (code)", or the HTTP status. */
    private String errors(ApiException e) {
        StringBuilder out = new StringBuilder();
        try {
            JsonNode body = JSON.readTree(e.getResponseBody() == null ? "" : e.getResponseBody());
            for (JsonNode err : body.path("errors")) {
                if (out.length() > 0) {
                    out.append("; ");
                }
                out.append(err.path("title").asText(""));
                if (!err.path("detail").asText("").isEmpty()) {
                    out.append(": ").append(err.path("detail").asText());
                }
                if (!err.path("code").asText("").isEmpty()) {
                    out.append(" (Telnyx error ").append(err.path("code").asText()).append(')');
                }
            }
        } catch (Exception ignored) {
            // Not JSON (a proxy's HTML page): the status says enough.
        }
        if (out.length() == 0) {
            out.append("HTTP ").append(e.getCode());
        }
        return Redaction.redact(out.toString(), List.of(apiKey));
    }

    private static Optional<Duration> retryAfter(ApiException e) {
        Map<String, List<String>> headers = e.getResponseHeaders();
        if (headers == null) {
            return Optional.empty();
        }
        for (var h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase("Retry-After") && !h.getValue().isEmpty()) {
                try {
                    return Optional.of(Duration.ofSeconds(Long.parseLong(h.getValue().get(0).strip())));
                } catch (NumberFormatException ignored) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Maps one failed request: 401 → credentials, 429/5xx/connection → retry, else give up. */
    ProviderFault classify(Exception e) {
        if (e instanceof ProviderException pe) {
            return new ProviderFault.Final(pe);
        }
        if (e instanceof ApiException a && a.getCode() > 0) {
            int status = a.getCode();
            if (status == 401 || status == 403) {
                return new ProviderFault.Final(new ProviderException(customerAccount ? 422 : 502,
                        (customerAccount ? "Telnyx rejected this API key: " : "Telnyx rejected the platform's configured API key: ")
                                + errors(a)));
            }
            if (status == 429) {
                return new ProviderFault.Transient(new ProviderException(503, "Telnyx is rate limiting requests: " + errors(a)),
                        retryAfter(a));
            }
            if (status >= 500) {
                return new ProviderFault.Transient(new ProviderException(502, "Telnyx answered " + status + ": " + errors(a)),
                        Optional.empty());
            }
            return new ProviderFault.Final(new ProviderException(502, "Telnyx answered " + status + ": " + errors(a)));
        }
        // Connection refused, reset or timed out: Jersey's ProcessingException, or an ApiException without status.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.fasterxml.jackson.core.JacksonException) {
                return new ProviderFault.Final(new ProviderException(502, "Telnyx's answer could not be read: "
                        + Redaction.redact(String.valueOf(t.getMessage()), List.of(apiKey)), e));
            }
            if (t instanceof SocketTimeoutException) {
                return new ProviderFault.Transient(new ProviderException(504, "Telnyx did not answer in time; retry later", e),
                        Optional.empty());
            }
        }
        if (e instanceof javax.ws.rs.ProcessingException || e instanceof ApiException) {
            return new ProviderFault.Transient(new ProviderException(503, "Telnyx is unreachable; retry later", e), Optional.empty());
        }
        return new ProviderFault.Final(new ProviderException(502, "Telnyx's answer could not be read: "
                + Redaction.redact(String.valueOf(e.getMessage()), List.of(apiKey)), e));
    }
}
