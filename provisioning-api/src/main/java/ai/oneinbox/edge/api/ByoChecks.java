package ai.oneinbox.edge.api;

import ai.oneinbox.edge.api.IntegrationRepository.IntegrationRecord;
import ai.oneinbox.edge.api.provider.CredentialCheck;
import ai.oneinbox.edge.api.provider.NumberProvider;
import ai.oneinbox.edge.api.provider.Wiring;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Path C done properly: an integration's credentials are verified with its provider before they are
 * stored; a registered number must be in that account; and the provider side of its wiring is read and
 * compared with what this edge needs, each difference reported with the fix in words. The same findings
 * are registration's warnings and {@code GET /v1/phone-numbers/{e164}/diagnostics}.
 */
final class ByoChecks {

    /** Twilio's Termination URI: {@code <name>.pstn.twilio.com} (optionally a regional {@code <name>.pstn.<edge>.twilio.com}). */
    private static final Pattern TWILIO_TERMINATION = Pattern.compile("(sips?:)?[a-z0-9][a-z0-9-]*\\.pstn(\\.[a-z0-9-]+)?\\.twilio\\.com(:[0-9]{1,5})?");

    /** One problem on the provider's side, with what to do about it. */
    record Finding(String code, String problem, String fix) {
        JsonObject json() {
            return new JsonObject().put("code", code).put("problem", problem).put("fix", fix);
        }
    }

    private final Pool pool;
    private final SecretBox secrets;
    private final Providers providers;
    private final NumberProvider platform;
    private final String publicSipUri;

    ByoChecks(Pool pool, SecretBox secrets, Providers providers, NumberProvider platform, String publicSipUri) {
        this.pool = pool;
        this.secrets = secrets;
        this.providers = providers;
        this.platform = platform;
        this.publicSipUri = publicSipUri;
    }

    void mount(Router router) {
        router.get("/v1/phone-numbers/:e164/diagnostics").handler(this::diagnostics);
    }

    /** Creating an integration: the provider must accept its credentials (else 422, nothing stored). */
    Future<Void> verify(String provider, Optional<String> accountSid, String secret, Optional<String> connectionId) {
        NumberProvider client = provider.equals("twilio") ? providers.twilio(accountSid.orElse(""), secret)
                : providers.telnyx(secret, connectionId);
        return client.verifyCredentials().compose(check -> check instanceof CredentialCheck.Rejected r
                ? Future.failedFuture(ApiProblem.unprocessable(r.reason()))
                : Future.succeededFuture());
    }

    /** {@code sip_trunk}'s shape for the provider (Twilio: {@code *.pstn.twilio.com}); empty when fine. */
    static Optional<String> terminationProblem(String provider, String sipTrunk) {
        String v = sipTrunk.strip().toLowerCase(Locale.ROOT);
        if (provider.equals("twilio") && !TWILIO_TERMINATION.matcher(v).matches()) {
            return Optional.of("a Twilio Termination URI looks like yourtrunk.pstn.twilio.com (Elastic SIP Trunking → "
                    + "Trunks → Termination)");
        }
        return Optional.empty();
    }

    /**
     * Registering a number: the integration must own it (else the provider's 422 fails the request) and
     * its wiring is checked. An integration that does not exist or is of another provider yields no
     * findings: the registration transaction reports that precisely.
     */
    Future<List<Finding>> inspect(String integrationId, String provider, E164 number, String sipTrunk) {
        return IntegrationRepository.find(pool, integrationId).compose(found -> {
            if (found.isEmpty() || !found.get().provider().equals(provider)) {
                return Future.succeededFuture(List.of());
            }
            return client(found.get())
                    .compose(c -> c.wiring(number))
                    .map(w -> findings(RouteJson.provider(provider), w, Optional.of(sipTrunk)));
        });
    }

    private Future<NumberProvider> client(IntegrationRecord integration) {
        return IntegrationRepository.sealedSecret(pool, integration.id()).map(sealed -> {
            JsonObject secret = new JsonObject(secrets.open(sealed));
            return integration.provider().equals("twilio")
                    ? providers.twilio(integration.accountSid().orElse(""), secret.getString("auth_token", ""))
                    : providers.telnyx(secret.getString("api_key", ""), integration.connectionId());
        });
    }

    void diagnostics(RoutingContext ctx) {
        E164 number = Validation.pathNumber(ctx.pathParam("e164"));
        NumberRepository.find(pool, number)
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("no number " + number)))
                .compose(record -> {
                    Ownership o = record.route().ownership();
                    Future<NumberProvider> client;
                    if (o.integrationId().isPresent()) {
                        client = IntegrationRepository.find(pool, o.integrationId().get()).compose(i -> client(i.orElseThrow(() ->
                                ApiProblem.conflict("integration '" + o.integrationId().get() + "' of " + number + " is gone"))));
                    } else if (o.provider() == platform.kind()) {
                        client = Future.succeededFuture(platform);
                    } else {
                        return Future.succeededFuture(report(number, o.provider(), Optional.empty(), List.of(new Finding("unknown_provider_account",
                                "this number is held by " + RouteJson.providerName(o.provider()) + " but no account here can read it",
                                "register it through an integration (POST /v1/phone-numbers/import) so its wiring can be checked"))));
                    }
                    return client.compose(c -> c.wiring(number))
                            .map(w -> report(number, o.provider(), Optional.of(w), findings(o.provider(), w, o.sipTrunk())));
                })
                .onSuccess(body -> Reply.ok(body).send(ctx))
                .onFailure(ctx::fail);
    }

    private static JsonObject report(E164 number, Provider provider, Optional<Wiring> wiring, List<Finding> findings) {
        JsonArray items = new JsonArray();
        findings.forEach(f -> items.add(f.json()));
        return new JsonObject()
                .put("phone_number", number.toString())
                .put("provider", RouteJson.providerName(provider))
                .put("ok", findings.isEmpty())
                .put("findings", items)
                .put("wiring", wiring.map(w -> new JsonObject()
                        .put("attached_to", w.attachedTo().orElse(null))
                        .put("termination_domain", w.terminationDomain().orElse(null))
                        .put("origination_uris", new JsonArray(new ArrayList<>(w.originationUris())))
                        .put("inbound_number_format", w.inboundNumberFormat().orElse(null))).orElse(null));
    }

    static JsonArray json(List<Finding> findings) {
        JsonArray items = new JsonArray();
        findings.forEach(f -> items.add(f.json()));
        return items;
    }

    /** Every way the provider's side keeps calls to {@code number} from reaching this edge as expected. */
    List<Finding> findings(Provider provider, Wiring w, Optional<String> sipTrunk) {
        if (provider != Provider.TWILIO && provider != Provider.TELNYX) {
            return List.of();
        }
        boolean twilio = provider == Provider.TWILIO;
        String holder = twilio ? "Elastic SIP trunk" : "connection";
        List<Finding> out = new ArrayList<>();
        if (w.attachedTo().isEmpty()) {
            out.add(new Finding("not_on_trunk", w.number() + " is not attached to any " + holder + ", so its calls never reach a SIP trunk",
                    twilio ? "In the Twilio console open Elastic SIP Trunking → Trunks → the trunk whose Termination URI is "
                            + sipTrunk.map(ByoChecks::host).orElse("yours") + " → Numbers, and add " + w.number()
                            : "In the Telnyx portal open Numbers → " + w.number() + " and set its connection to your FQDN connection"));
            return out;
        }
        String edge = hostPort(publicSipUri);
        if (w.originationUris().stream().map(ByoChecks::hostPort).noneMatch(edge::equals)) {
            out.add(new Finding("no_origination_to_edge", "the " + holder + " " + w.attachedTo().get() + " sends inbound calls to "
                    + (w.originationUris().isEmpty() ? "nowhere" : String.join(", ", w.originationUris())) + ", not to this edge (" + publicSipUri + ")",
                    twilio ? "Add an Origination URI " + publicSipUri + " to trunk " + w.attachedTo().get()
                            + " (Elastic SIP Trunking → Trunks → Origination)"
                            : "Add the FQDN " + edge + " to connection " + w.attachedTo().get() + " (SIP Connections → Inbound)"));
        }
        if (w.terminationDomain().isPresent() && sipTrunk.isPresent()
                && !host(w.terminationDomain().get()).equals(host(sipTrunk.get()))) {
            out.add(new Finding("termination_mismatch", "the " + holder + " " + w.attachedTo().get() + " has termination domain "
                    + w.terminationDomain().get() + ", but this number was registered with sip_trunk " + host(sipTrunk.get()),
                    "Register the number with sip_trunk " + w.terminationDomain().get() + ", or move " + w.number()
                            + " to the trunk whose Termination URI is " + host(sipTrunk.get())));
        }
        if (!twilio && w.inboundNumberFormat().filter(f -> !f.equals("+e164")).isPresent()) {
            out.add(new Finding("inbound_number_format", "connection " + w.attachedTo().get() + " writes the called number as "
                    + w.inboundNumberFormat().get() + ", so the edge cannot match it to " + w.number(),
                    "In the Telnyx portal set connection " + w.attachedTo().get() + " → Inbound → Number format to +E.164"));
        }
        return List.copyOf(out);
    }

    /** {@code sip:host:port;params} → {@code host}. */
    static String host(String uri) {
        String hp = hostPort(uri);
        int colon = hp.lastIndexOf(':');
        return colon < 0 ? hp : hp.substring(0, colon);
    }

    /** {@code sip:user@host:port;params} → {@code host:port} (port 5060 when absent), lower case. */
    static String hostPort(String uri) {
        String v = uri.strip().toLowerCase(Locale.ROOT);
        v = v.replaceFirst("^sips?:", "");
        int at = v.indexOf('@');
        if (at >= 0) {
            v = v.substring(at + 1);
        }
        int cut = v.length();
        for (char c : new char[] {';', '?', '/'}) {
            int i = v.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        v = v.substring(0, cut);
        return v.matches(".*:[0-9]+$") ? v : v + ":5060";
    }
}
