package ai.oneinbox.edge.sip.outbound;

import ai.oneinbox.edge.routing.AgentCredentials;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of digest for agents calling out from an unregistered address (RFC 3261 §22.3, RFC 7616
 * §3.3–3.4): the {@code Proxy-Authenticate} challenges and the check of a {@code Proxy-Authorization}.
 *
 * <p>Nonces are stateless so that any edge node verifies one made by another: {@code base64url(seconds ||
 * HMAC-SHA256(key, "agent-nonce" || seconds)[0..16])}. Nodes behind one address must share {@code key}.
 * A nonce is replayable within its lifetime (no nc tracking: that would need shared state); the lifetime
 * is short and the INVITE is still checked against the agent's own number afterwards.
 */
final class AgentDigest {
  static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
  private static final byte[] LABEL = "agent-nonce".getBytes(StandardCharsets.US_ASCII);
  private static final int MAC_BYTES = 16;

  private final SecretKeySpec key;
  private final Clock clock;
  private final String realm;
  private final List<String> algorithms;

  AgentDigest(byte[] key, Clock clock, String realm) {
    this(key, clock, realm, OutboundConfig.DEFAULT_AUTH_ALGORITHMS);
  }

  /** {@code algorithms}: those offered, most preferred first; answers are accepted only in these. */
  AgentDigest(byte[] key, Clock clock, String realm, List<String> algorithms) {
    this.algorithms = List.copyOf(algorithms);
    if (key.length < 16) {
      throw new IllegalArgumentException("the nonce key must have at least 16 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.clock = clock;
    this.realm = realm;
  }

  String realm() {
    return realm;
  }

  /** A fresh nonce for now. */
  String nonce() {
    long seconds = clock.instant().getEpochSecond();
    ByteBuffer b = ByteBuffer.allocate(8 + MAC_BYTES).putLong(seconds).put(mac(seconds));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /** What a nonce the client returned is worth. */
  enum NonceState { VALID, STALE, INVALID }

  NonceState check(String nonce) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      return NonceState.INVALID;
    }
    if (raw.length != 8 + MAC_BYTES) {
      return NonceState.INVALID;
    }
    ByteBuffer b = ByteBuffer.wrap(raw);
    long seconds = b.getLong();
    byte[] tag = new byte[MAC_BYTES];
    b.get(tag);
    if (!MessageDigest.isEqual(tag, mac(seconds))) {
      return NonceState.INVALID;
    }
    long now = clock.instant().getEpochSecond();
    // a nonce from the future (clock skew between nodes) is accepted within the same bound
    return Math.abs(now - seconds) > NONCE_LIFETIME.toSeconds() ? NonceState.STALE : NonceState.VALID;
  }

  /**
   * The challenges of a 407, one per offered algorithm in order of preference (RFC 7616 §3.7, RFC 8760
   * §2.4); {@code stale} after an expired nonce.
   */
  List<String> challenges(boolean stale) {
    String nonce = nonce();
    String common = "Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\", qop=\"auth\""
        + (stale ? ", stale=true" : "");
    return algorithms.stream().map(a -> common + ", algorithm=" + a).toList();
  }

  /** The outcome of a {@code Proxy-Authorization} against an agent's credentials. */
  sealed interface Verdict {
    record Accepted() implements Verdict {}

    /** The nonce was ours but expired: challenge again with {@code stale=true} (RFC 7616 §3.3). */
    record Stale() implements Verdict {}

    record Rejected(String why) implements Verdict {}
  }

  /**
   * Checks a {@code Proxy-Authorization} value for {@code method}: realm ours, nonce ours and fresh,
   * username the agent's, response right. The {@code uri} parameter is hashed as the client sent it
   * (RFC 7616 §3.4: it must name the request target; a proxy cannot compare reliably after rewriting).
   */
  Verdict verify(String header, String method, AgentCredentials credentials) {
    String h = header.trim();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Digest", 0, 6) || !Character.isWhitespace(h.charAt(6))) {
      return new Verdict.Rejected("not a Digest Proxy-Authorization");
    }
    Optional<Map<String, String>> parsed = DigestChallenge.params(h.substring(7));
    if (parsed.isEmpty()) {
      return new Verdict.Rejected("malformed Proxy-Authorization");
    }
    Map<String, String> p = parsed.get();
    String username = p.get("username");
    String nonce = p.get("nonce");
    String uri = p.get("uri");
    String response = p.get("response");
    if (username == null || nonce == null || uri == null || response == null) {
      return new Verdict.Rejected("Proxy-Authorization lacks username, nonce, uri or response");
    }
    if (!realm.equals(p.get("realm"))) {
      return new Verdict.Rejected("realm is not " + realm);
    }
    String algorithm = p.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
    if (!algorithms.contains(algorithm)) {
      return new Verdict.Rejected("algorithm " + algorithm + " not offered");
    }
    NonceState state = check(nonce);
    if (state == NonceState.INVALID) {
      return new Verdict.Rejected("nonce not issued by the edge");
    }
    Optional<String> qop = Optional.ofNullable(p.get("qop"));
    if (qop.isPresent() && !qop.get().equalsIgnoreCase("auth")) {
      return new Verdict.Rejected("qop " + qop.get() + " not offered");
    }
    String expected;
    if (qop.isPresent()) {
      String nc = p.get("nc");
      String cnonce = p.get("cnonce");
      if (nc == null || cnonce == null) {
        return new Verdict.Rejected("qop=auth without nc or cnonce");
      }
      expected = response(algorithm, credentials.username(), realm, credentials.password(), method, uri, nonce,
          Optional.of(new Qop(nc, cnonce)));
    } else {
      expected = response(algorithm, credentials.username(), realm, credentials.password(), method, uri, nonce,
          Optional.empty());
    }
    boolean userOk = MessageDigest.isEqual(username.getBytes(StandardCharsets.UTF_8),
        credentials.username().getBytes(StandardCharsets.UTF_8));
    boolean responseOk = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    if (!userOk || !responseOk) {
      return new Verdict.Rejected(userOk ? "wrong digest response" : "unknown username " + username);
    }
    // only a right answer to an expired nonce is worth a new challenge; a wrong one is final
    return state == NonceState.STALE ? new Verdict.Stale() : new Verdict.Accepted();
  }

  record Qop(String nc, String cnonce) {}

  /** The {@code response} value (RFC 7616 §3.4.1; the RFC 2069 form when the client sent no qop). */
  static String response(String algorithm, String username, String realm, String password, String method,
      String uri, String nonce, Optional<Qop> qop) {
    String ha1 = DigestAnswer.hex(algorithm, username + ':' + realm + ':' + password);
    String ha2 = DigestAnswer.hex(algorithm, method + ':' + uri);
    return qop.isPresent()
        ? DigestAnswer.hex(algorithm, ha1 + ':' + nonce + ':' + qop.get().nc() + ':' + qop.get().cnonce()
            + ":auth:" + ha2)
        : DigestAnswer.hex(algorithm, ha1 + ':' + nonce + ':' + ha2);
  }

  private byte[] mac(long seconds) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      m.update(LABEL);
      m.update(ByteBuffer.allocate(8).putLong(seconds).array());
      byte[] full = m.doFinal();
      byte[] out = new byte[MAC_BYTES];
      System.arraycopy(full, 0, out, 0, MAC_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }
}
