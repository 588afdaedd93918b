package ai.oneinbox.edge.sip.transaction;

import java.util.Locale;
import java.util.Objects;

/**
 * RFC 3261 §17.2.3 / §17.1.3 matching key: the top Via's branch (which starts with the magic cookie
 * {@code z9hG4bK}), its sent-by, and the method — with ACK folded into INVITE, because the ACK of a non-2xx
 * final response belongs to the INVITE's server transaction. CANCEL keeps its own method: it is a
 * transaction of its own that shares the INVITE's branch.
 *
 * <p>Requests whose branch lacks the magic cookie (RFC 2543 peers) are not matched at all: the proxy
 * answers them with a stateless 400 (no trunk or agent we serve speaks RFC 2543, and the RFC 2543 matching
 * rules need the whole request compared, which we do not keep).
 */
public record TransactionKey(String branch, String sentBy, String method) {
  public static final String MAGIC_COOKIE = "z9hG4bK";

  public TransactionKey {
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(sentBy, "sentBy");
    Objects.requireNonNull(method, "method");
    // sent-by compares case-insensitively for the host; branch compares case-sensitively (§20.42 token).
    sentBy = sentBy.toLowerCase(Locale.ROOT);
    if (method.equals("ACK")) {
      method = "INVITE";
    }
  }

  // Written out: every message is looked up by its key, and the record's generated equals/hashCode (an
  // invokedynamic bootstrap) showed up in the edge's profile as method-handle frames C2 had not inlined.
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof TransactionKey k && branch.equals(k.branch) && method.equals(k.method)
        && sentBy.equals(k.sentBy);
  }

  @Override
  public int hashCode() {
    return (branch.hashCode() * 31 + sentBy.hashCode()) * 31 + method.hashCode();
  }

  /** True when {@code branch} is an RFC 3261 branch (starts with the magic cookie). */
  public static boolean isRfc3261Branch(CharSequence branch) {
    if (branch.length() <= MAGIC_COOKIE.length()) {
      return false;
    }
    for (int i = 0; i < MAGIC_COOKIE.length(); i++) {
      if (branch.charAt(i) != MAGIC_COOKIE.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
