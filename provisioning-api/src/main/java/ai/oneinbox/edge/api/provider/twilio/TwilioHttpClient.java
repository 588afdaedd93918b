package ai.oneinbox.edge.api.provider.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpClient;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * The Twilio SDK's transport, sending every request to one configured base URL: the SDK builds URLs on
 * {@code api.twilio.com} and {@code trunking.twilio.com}, whose paths do not overlap ({@code /2010-04-01/...},
 * {@code /v1/...}), so a regional endpoint, a proxy or a test fake can serve them all. The JDK client is
 * used rather than the SDK's Apache one: it has a per-request timeout and logs no headers.
 *
 * <p>Exactly one HTTP exchange per SDK request: the SDK's own retry loop (which sleeps on the calling
 * thread) is bypassed, because {@link ai.oneinbox.edge.api.provider.ProviderCalls} retries with backoff.
 */
final class TwilioHttpClient extends HttpClient {

    /** Twilio's public API: the host part is replaced by the configured base URL when one is given. */
    static final String PUBLIC_BASE = "https://api.twilio.com";

    private final URI base;
    private final Duration timeout;
    private final java.net.http.HttpClient http;

    TwilioHttpClient(String baseUrl, Duration timeout) {
        this.base = URI.create(baseUrl.isBlank() ? PUBLIC_BASE : stripSlash(baseUrl));
        this.timeout = timeout;
        this.http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                .build();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return makeRequest(request);
    }

    @Override
    public Response makeRequest(Request request) {
        URI target = target(request);
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(timeout)
                .header("Accept", "application/json");
        if (request.requiresAuthentication()) {
            builder.header("Authorization", request.getAuthString());
        }
        for (Map.Entry<String, List<String>> h : request.getHeaderParams().entrySet()) {
            for (String v : h.getValue()) {
                builder.header(h.getKey(), v);
            }
        }
        HttpMethod method = request.getMethod();
        if (method == HttpMethod.POST || method == HttpMethod.PUT) {
            String body;
            String type;
            if (request.getBody() != null && !request.getBody().isEmpty()) {
                body = request.getBody();
                type = "application/json";
            } else {
                body = request.encodeFormBody();
                type = "application/x-www-form-urlencoded";
            }
            builder.header("Content-Type", type).method(method.toString(), HttpRequest.BodyPublishers.ofString(body));
        } else {
            builder.method(method.toString(), HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            List<Header> headers = new ArrayList<>();
            r.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(new BasicHeader(name, v))));
            // The SDK dereferences the headers: a Response built without them fails later.
            return new Response(r.body(), r.statusCode(), headers.toArray(new Header[0]));
        } catch (HttpTimeoutException e) {
            throw new ApiConnectionException("Twilio did not answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new ApiConnectionException("Twilio unreachable at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiConnectionException("interrupted", e);
        }
    }

    /** The request's path and query on the configured base. */
    private URI target(Request request) {
        URL url = request.constructURL();
        String pathAndQuery = url.getPath() + (url.getQuery() == null ? "" : "?" + url.getQuery());
        return URI.create(base + pathAndQuery);
    }
}
