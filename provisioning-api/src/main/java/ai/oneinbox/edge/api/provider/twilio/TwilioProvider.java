package ai.oneinbox.edge.api.provider.twilio;

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
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.Account;
import com.twilio.rest.api.v2010.account.IncomingPhoneNumber;
import com.twilio.rest.api.v2010.account.IncomingPhoneNumberCreator;
import com.twilio.rest.api.v2010.account.availablephonenumbercountry.Local;
import com.twilio.rest.api.v2010.account.availablephonenumbercountry.Mobile;
import com.twilio.rest.api.v2010.account.availablephonenumbercountry.TollFree;
import com.twilio.rest.trunking.v1.Trunk;
import com.twilio.rest.trunking.v1.trunk.OriginationUrl;
import com.twilio.type.PhoneNumber;
import io.vertx.core.Future;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Numbers through Twilio's REST API with the official SDK: {@code AvailablePhoneNumbers/{country}/Local|TollFree|Mobile}
 * to search, {@code IncomingPhoneNumbers} to buy (attached to the platform's Elastic SIP trunk), list and
 * release, {@code Accounts/{sid}} to verify credentials, and {@code trunking/v1} for a number's trunk (its
 * phone numbers, termination domain and origination URLs).
 *
 * <p>A purchase is tagged with its intent ({@code FriendlyName = oneinbox:<intent>}) so a retried purchase
 * finds its own earlier success instead of buying twice or failing as "not available".
 */
public final class TwilioProvider implements NumberProvider {

    /** Twilio error codes meaning "someone else has this number / it is not for sale". */
    private static final Set<Integer> UNAVAILABLE_CODES = Set.of(21422, 21452, 21421);

    private final String accountSid;
    private final String authToken;
    private final Optional<String> trunkSid;
    private final boolean customerAccount;
    private final ProviderCalls calls;
    private final TwilioRestClient client;

    /**
     * @param baseUrl         empty: Twilio's public API
     * @param trunkSid        the Elastic SIP trunk bought numbers are attached to (the platform's)
     * @param customerAccount a customer's integration (Path C): rejected credentials are the caller's
     *                        mistake (422), not the platform's (502)
     */
    public TwilioProvider(String accountSid, String authToken, String baseUrl, Optional<String> trunkSid,
                          boolean customerAccount, ProviderCalls calls) {
        if (accountSid.isBlank() || authToken.isBlank()) {
            throw new IllegalArgumentException("provider.twilio: account_sid and auth_token must be set");
        }
        this.accountSid = accountSid;
        this.authToken = authToken;
        this.trunkSid = trunkSid.filter(s -> !s.isBlank());
        this.customerAccount = customerAccount;
        this.calls = calls;
        this.client = new TwilioRestClient.Builder(accountSid, authToken)
                .httpClient(new TwilioHttpClient(baseUrl, calls.policy().requestTimeout()))
                .build();
    }

    @Override
    public Provider kind() {
        return Provider.TWILIO;
    }

    @Override
    public Future<List<AvailableNumber>> search(NumberSearch search) {
        return calls.run("Twilio search", () -> {
            List<AvailableNumber> found = new ArrayList<>();
            for (Listing n : listings(search)) {
                E164 number = e164(n.number());
                Optional<String> area = search.areaCode().or(() -> nanpAreaCode(number));
                found.add(new AvailableNumber(number, n.isoCountry() == null ? search.country() : n.isoCountry(), area,
                        Optional.ofNullable(n.locality()).map(l -> n.region() == null ? l : l + ", " + n.region()), search.type()));
                if (found.size() == search.limit()) {
                    break;
                }
            }
            return List.copyOf(found);
        }, this::classify);
    }

    /** The fields read from one {@code AvailablePhoneNumbers} entry; the three SDK classes share no supertype. */
    private record Listing(PhoneNumber number, String isoCountry, String locality, String region) {}

    /** {@code AvailablePhoneNumbers/{country}/Local|TollFree|Mobile} with the same filters, at most one page. */
    private List<Listing> listings(NumberSearch search) {
        Integer areaCode = search.areaCode().map(Integer::valueOf).orElse(null);
        String contains = search.contains().orElse(null);
        long pageSize = search.limit();
        List<Listing> out = new ArrayList<>();
        switch (search.type()) {
            case LOCAL -> {
                var reader = Local.reader(accountSid, search.country()).setPageSize(pageSize);
                if (areaCode != null) {
                    reader.setAreaCode(areaCode);
                }
                if (contains != null) {
                    reader.setContains(contains);
                }
                for (Local n : reader.read(client).setLimit(search.limit())) {
                    out.add(new Listing(n.getPhoneNumber(), n.getIsoCountry(), n.getLocality(), n.getRegion()));
                }
            }
            case TOLL_FREE -> {
                var reader = TollFree.reader(accountSid, search.country()).setPageSize(pageSize);
                if (areaCode != null) {
                    reader.setAreaCode(areaCode);
                }
                if (contains != null) {
                    reader.setContains(contains);
                }
                for (TollFree n : reader.read(client).setLimit(search.limit())) {
                    out.add(new Listing(n.getPhoneNumber(), n.getIsoCountry(), n.getLocality(), n.getRegion()));
                }
            }
            case MOBILE -> {
                var reader = Mobile.reader(accountSid, search.country()).setPageSize(pageSize);
                if (areaCode != null) {
                    reader.setAreaCode(areaCode);
                }
                if (contains != null) {
                    reader.setContains(contains);
                }
                for (Mobile n : reader.read(client).setLimit(search.limit())) {
                    out.add(new Listing(n.getPhoneNumber(), n.getIsoCountry(), n.getLocality(), n.getRegion()));
                }
            }
        }
        return out;
    }

    @Override
    public Future<PurchaseResult> purchase(PurchaseRequest request) {
        String tag = Redaction.purchaseTag(request.intentId());
        E164 number = request.number();
        return calls.run("Twilio purchase of " + number, () -> {
            Optional<IncomingPhoneNumber> held = find(number);
            if (held.isPresent()) {
                return tag.equals(held.get().getFriendlyName())
                        ? new PurchaseResult.Purchased(number, Optional.of(held.get().getSid()))
                        : new PurchaseResult.Unavailable(number, "already held by this Twilio account (" + held.get().getSid() + ")");
            }
            IncomingPhoneNumberCreator creator = IncomingPhoneNumber.creator(accountSid, new PhoneNumber(number.toString()))
                    .setFriendlyName(tag);
            trunkSid.ifPresent(creator::setTrunkSid);
            try {
                IncomingPhoneNumber bought = creator.create(client);
                return new PurchaseResult.Purchased(number, Optional.of(bought.getSid()));
            } catch (ApiException e) {
                if (unavailable(e)) {
                    return new PurchaseResult.Unavailable(number, "Twilio: " + message(e));
                }
                throw e;
            }
        }, this::classify);
    }

    private static boolean unavailable(ApiException e) {
        Integer status = e.getStatusCode();
        return status != null && (status == 400 || status == 404 || status == 409)
                && ((e.getCode() != null && UNAVAILABLE_CODES.contains(e.getCode()))
                    || String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("not available"));
    }

    @Override
    public Future<Void> release(E164 number) {
        return calls.run("Twilio release of " + number, () -> {
            for (IncomingPhoneNumber n : IncomingPhoneNumber.reader(accountSid).setPhoneNumber(number.toString()).read(client)) {
                try {
                    IncomingPhoneNumber.deleter(accountSid, n.getSid()).delete(client);
                } catch (ApiException e) {
                    if (e.getStatusCode() == null || e.getStatusCode() != 404) {
                        throw e;
                    }
                }
            }
            return (Void) null;
        }, this::classify);
    }

    @Override
    public Future<List<OwnedNumber>> listOwned() {
        return calls.run("Twilio list of owned numbers", () -> {
            List<OwnedNumber> owned = new ArrayList<>();
            for (IncomingPhoneNumber n : IncomingPhoneNumber.reader(accountSid).setPageSize(1000L).read(client)) {
                owned.add(new OwnedNumber(e164(n.getPhoneNumber()), Optional.ofNullable(n.getSid())));
            }
            return List.copyOf(owned);
        }, this::classify);
    }

    @Override
    public Future<CredentialCheck> verifyCredentials() {
        return calls.run("Twilio credential check", () -> {
            try {
                Account account = Account.fetcher(accountSid).fetch(client);
                return (CredentialCheck) new CredentialCheck.Accepted(
                        account.getFriendlyName() == null ? accountSid : account.getFriendlyName());
            } catch (ApiException e) {
                if (e.getStatusCode() != null && (e.getStatusCode() == 401 || e.getStatusCode() == 403 || e.getStatusCode() == 404)) {
                    return new CredentialCheck.Rejected("Twilio rejected these credentials: " + message(e));
                }
                throw e;
            }
        }, this::classify);
    }

    @Override
    public Future<Wiring> wiring(E164 number) {
        return calls.run("Twilio wiring of " + number, () -> {
            IncomingPhoneNumber n = find(number).orElseThrow(() ->
                    new ProviderException(422, "this number is not in that Twilio account"));
            Optional<String> trunk = Optional.ofNullable(n.getTrunkSid()).filter(s -> !s.isBlank());
            if (trunk.isEmpty()) {
                return new Wiring(number, Optional.empty(), Optional.empty(), List.of(), Optional.of("+e164"));
            }
            // The trunk's own number list is what Twilio routes by: a number it does not list is not on it.
            boolean listed = false;
            for (com.twilio.rest.trunking.v1.trunk.PhoneNumber p : com.twilio.rest.trunking.v1.trunk.PhoneNumber.reader(trunk.get()).read(client)) {
                if (p.getPhoneNumber() != null && number.toString().equals(p.getPhoneNumber().getEndpoint())) {
                    listed = true;
                    break;
                }
            }
            if (!listed) {
                return new Wiring(number, Optional.empty(), Optional.empty(), List.of(), Optional.of("+e164"));
            }
            Trunk t = Trunk.fetcher(trunk.get()).fetch(client);
            List<String> origination = new ArrayList<>();
            for (OriginationUrl o : OriginationUrl.reader(trunk.get()).read(client)) {
                if (!Boolean.FALSE.equals(o.getEnabled()) && o.getSipUrl() != null) {
                    origination.add(o.getSipUrl().toString());
                }
            }
            // Twilio always presents the called number as +E.164 in the Request-URI of trunk calls.
            return new Wiring(number, trunk, Optional.ofNullable(t.getDomainName()).filter(d -> !d.isBlank()), origination, Optional.of("+e164"));
        }, this::classify);
    }

    private Optional<IncomingPhoneNumber> find(E164 number) {
        for (IncomingPhoneNumber n : IncomingPhoneNumber.reader(accountSid).setPhoneNumber(number.toString()).read(client)) {
            if (n.getPhoneNumber() != null && number.toString().equals(n.getPhoneNumber().getEndpoint())) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    static E164 e164(PhoneNumber phone) {
        String text = phone == null ? "" : phone.getEndpoint();
        if (!text.matches("\\+[1-9][0-9]{6,14}")) {
            throw new ProviderException(502, "Twilio returned a phone number that is not E.164: '" + text + "'");
        }
        return E164.of(Long.parseLong(text.substring(1)));
    }

    private static Optional<String> nanpAreaCode(E164 number) {
        String d = number.digits();
        return d.length() == 11 && d.startsWith("1") ? Optional.of(d.substring(1, 4)) : Optional.empty();
    }

    private String message(ApiException e) {
        String text = e.getMessage() + (e.getCode() == null ? "" : " (Twilio error " + e.getCode() + ")");
        return Redaction.redact(text, List.of(authToken));
    }

    /** Maps one failed request: 401 → credentials, 429/5xx/connection → retry, else give up. */
    ProviderFault classify(Exception e) {
        if (e instanceof ProviderException pe) {
            return new ProviderFault.Final(pe);
        }
        if (e instanceof ApiConnectionException c) {
            boolean timeout = c.getCause() instanceof HttpTimeoutException;
            return new ProviderFault.Transient(timeout
                    ? new ProviderException(504, "Twilio did not answer in time; retry later")
                    : new ProviderException(503, "Twilio is unreachable; retry later"), Optional.empty());
        }
        if (e instanceof ApiException a && a.getStatusCode() != null) {
            int status = a.getStatusCode();
            if (status == 401 || status == 403) {
                return new ProviderFault.Final(new ProviderException(customerAccount ? 422 : 502,
                        (customerAccount ? "Twilio rejected these credentials: " : "Twilio rejected the platform's configured credentials: ")
                                + message(a)));
            }
            if (status == 429) {
                return new ProviderFault.Transient(new ProviderException(503, "Twilio is rate limiting requests: " + message(a)),
                        Optional.empty());
            }
            if (status >= 500) {
                return new ProviderFault.Transient(new ProviderException(502, "Twilio answered " + status + ": " + message(a)),
                        Optional.empty());
            }
            return new ProviderFault.Final(new ProviderException(502, "Twilio answered " + status + ": " + message(a)));
        }
        return new ProviderFault.Final(new ProviderException(502, "Twilio's answer could not be read: "
                + Redaction.redact(String.valueOf(e.getMessage()), List.of(authToken)), e));
    }
}
