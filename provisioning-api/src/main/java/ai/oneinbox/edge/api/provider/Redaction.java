package ai.oneinbox.edge.api.provider;

import java.util.List;

/** Keeps secrets out of what a provider adapter reports: a message never carries a credential. */
public final class Redaction {

    private Redaction() {}

    /** {@code text} with every occurrence of each secret (4+ characters) replaced by {@code ****}. */
    public static String redact(String text, List<String> secrets) {
        String out = text == null ? "" : text;
        for (String s : secrets) {
            if (s != null && s.length() >= 4) {
                out = out.replace(s, "****");
            }
        }
        return out.length() > 500 ? out.substring(0, 500) + "…" : out;
    }

    /** The purchase tag written on the provider's side (Twilio friendly name, Telnyx customer reference). */
    public static String purchaseTag(String intentId) {
        String tag = "oneinbox:" + intentId;
        return tag.length() > 64 ? tag.substring(0, 64) : tag;
    }
}
