package ai.oneinbox.edge.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque keyset cursors: the last key of a page, base64url so clients do not build them. */
final class Cursor {

    private Cursor() {}

    static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The key a cursor holds; anything {@link #encode} cannot have written (bad base64, bad UTF-8, NUL) is refused. */
    static String decode(String cursor) {
        String key;
        try {
            key = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw notACursor();
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) < 0x20) {
                throw notACursor();
            }
        }
        return key;
    }

    private static ApiProblem notACursor() {
        return ApiProblem.invalid("cursor", "not a cursor from a previous page");
    }
}
