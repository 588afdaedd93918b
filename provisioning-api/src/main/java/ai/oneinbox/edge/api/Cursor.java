package ai.oneinbox.edge.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque keyset cursors: the last key of a page, base64url so clients do not build them. */
final class Cursor {

    private Cursor() {}

    static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("cursor", "not a cursor from a previous page");
        }
    }
}
