package ai.oneinbox.edge.api.provider.telnyx;

import java.net.URI;
import javax.ws.rs.client.ClientRequestContext;
import javax.ws.rs.client.ClientRequestFilter;

/**
 * Renames the SDK's {@code filter[number_type]} query parameter to the documented
 * {@code filter[phone_number_type]} of {@code GET /v2/available_phone_numbers}; leaves everything else alone.
 */
final class PhoneNumberTypeFilter implements ClientRequestFilter {

    private static final String SDK_NAME = "filter%5Bnumber_type%5D=";
    private static final String SDK_NAME_RAW = "filter[number_type]=";
    private static final String API_NAME = "filter%5Bphone_number_type%5D=";

    @Override
    public void filter(ClientRequestContext request) {
        URI uri = request.getUri();
        String query = uri.getRawQuery();
        if (query == null) {
            return;
        }
        String renamed = rename(query);
        if (!renamed.equals(query)) {
            String s = uri.toString();
            request.setUri(URI.create(s.substring(0, s.indexOf('?') + 1) + renamed));
        }
    }

    static String rename(String rawQuery) {
        StringBuilder out = new StringBuilder(rawQuery.length() + 8);
        for (String part : rawQuery.split("&", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            if (part.startsWith(SDK_NAME)) {
                out.append(API_NAME).append(part, SDK_NAME.length(), part.length());
            } else if (part.startsWith(SDK_NAME_RAW)) {
                out.append(API_NAME).append(part, SDK_NAME_RAW.length(), part.length());
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }
}
