package ai.oneinbox.edge.sip.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Lookups in a raw {@code *( SEMI param )} string, done on demand (parameters are rarely read). */
final class Params {

    private Params() {
    }

    static Optional<String> find(String params, String name) {
        int n = params.length();
        int i = 0;
        while (i < n) {
            int semi = params.indexOf(';', i);
            if (semi < 0) {
                return Optional.empty();
            }
            int j = skipWs(params, semi + 1);
            int nameEnd = j;
            while (nameEnd < n && !isDelimiter(params.charAt(nameEnd))) {
                nameEnd++;
            }
            int k = skipWs(params, nameEnd);
            boolean hasValue = k < n && params.charAt(k) == '=';
            int valueStart = hasValue ? skipWs(params, k + 1) : k;
            int valueEnd = valueStart;
            if (hasValue && valueStart < n && params.charAt(valueStart) == '"') {
                valueEnd = valueStart + 1;
                while (valueEnd < n && params.charAt(valueEnd) != '"') {
                    valueEnd += params.charAt(valueEnd) == '\\' ? 2 : 1;
                }
                valueEnd = Math.min(valueEnd + 1, n);
            } else if (hasValue) {
                while (valueEnd < n && params.charAt(valueEnd) != ';' && !isWs(params.charAt(valueEnd))) {
                    valueEnd++;
                }
            }
            if (nameEnd - j == name.length() && params.regionMatches(true, j, name, 0, name.length())) {
                return Optional.of(hasValue ? params.substring(valueStart, valueEnd) : "");
            }
            i = Math.max(valueEnd, semi + 1);
        }
        return Optional.empty();
    }

    private static boolean isDelimiter(char c) {
        return c == '=' || c == ';' || isWs(c);
    }

    private static boolean isWs(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static int skipWs(String s, int i) {
        while (i < s.length() && isWs(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Decodes {@code %HH} escapes once (never recursively, RFC 4475 §3.1.1.3); octets as UTF-8. */
    static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
