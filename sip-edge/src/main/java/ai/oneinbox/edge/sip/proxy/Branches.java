package ai.oneinbox.edge.sip.proxy;

import java.util.Optional;

/**
 * The branch of the Via the edge puts on a forwarded request (RFC 3261 §16.6 step 8):
 * {@code z9hG4bK-oi<loop hash, 16 hex><transaction hash, 16 hex>.<attempt>}.
 *
 * <ul>
 *   <li>The <b>loop hash</b> covers what identifies the request as it reached us — Request-URI, Call-ID,
 *       From tag, To tag, CSeq number — but not the Vias (they change at every hop). When a request arrives
 *       carrying a Via of ours whose loop hash equals the hash of the request in hand, it has come back
 *       unchanged: a loop (482). A spiral (same call, another Request-URI) hashes differently.</li>
 *   <li>The <b>transaction hash</b> covers the upstream branch and sent-by, so two transactions of one
 *       call never share a branch.</li>
 *   <li>The <b>attempt</b> tells the serial failover targets apart; the CANCEL of a target reuses the
 *       branch of that target's INVITE, as RFC 3261 §9.1 requires.</li>
 * </ul>
 */
final class Branches {
  static final String PREFIX = "z9hG4bK-oi";
  private static final int HASH_HEX = 16;

  private Branches() {}

  static String of(long loopHash, long transactionHash, int attempt) {
    StringBuilder b = new StringBuilder(PREFIX.length() + 2 * HASH_HEX + 4);
    b.append(PREFIX);
    appendHex(b, loopHash);
    appendHex(b, transactionHash);
    b.append('.').append(attempt);
    return b.toString();
  }

  /** The loop hash inside one of our branches, or empty when {@code branch} is not ours. */
  static Optional<Long> loopHashOf(String branch) {
    if (!branch.startsWith(PREFIX) || branch.length() < PREFIX.length() + 2 * HASH_HEX) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseUnsignedLong(
          branch.substring(PREFIX.length(), PREFIX.length() + HASH_HEX), 16));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static boolean isOurs(String branch) {
    return loopHashOf(branch).isPresent();
  }

  /** 64-bit FNV-1a over the parts, with a separator between them so ("ab","c") ≠ ("a","bc"). */
  static long hash(CharSequence... parts) {
    long h = 0xcbf29ce484222325L;
    for (CharSequence part : parts) {
      for (int i = 0; i < part.length(); i++) {
        h ^= part.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= 0x1f;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static void appendHex(StringBuilder b, long v) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      b.append(Character.forDigit((int) (v >>> shift) & 0xf, 16));
    }
  }
}
