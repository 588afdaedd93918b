package ai.oneinbox.edge.sip.outbound;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code Digest} challenge of a {@code WWW-Authenticate} or {@code Proxy-Authenticate} header
 * (RFC 3261 §22.4, §25.1 {@code challenge}; RFC 7616 §3.3).
 *
 * @param algorithm {@code MD5} or {@code SHA-256} (the only ones the edge answers; absent means MD5)
 * @param qopAuth whether the server offered {@code qop=auth} (then the answer uses it, RFC 7616 §3.4)
 */
record DigestChallenge(String realm, String nonce, Optional<String> opaque, String algorithm,
    boolean qopAuth, boolean qopOffered) {

  /**
   * The challenge the edge answers from all the trunk's challenge headers: SHA-256 before MD5 (RFC 7616
   * §3.7 lets a server offer both, strongest first); empty when none is a Digest challenge it can answer.
   */
  static Optional<DigestChallenge> best(List<String> headers) {
    DigestChallenge md5 = null;
    for (String header : headers) {
      Optional<DigestChallenge> c = parse(header);
      if (c.isEmpty()) {
        continue;
      }
      if (c.get().algorithm().equals("SHA-256")) {
        return c;
      }
      if (md5 == null) {
        md5 = c.get();
      }
    }
    return Optional.ofNullable(md5);
  }

  /** Parses one header value; empty unless it is a Digest challenge with realm and nonce we can answer. */
  static Optional<DigestChallenge> parse(String header) {
    String h = header.trim();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Digest", 0, 6)
        || !Character.isWhitespace(h.charAt(6))) {
      return Optional.empty();
    }
    Optional<Map<String, String>> params = params(h.substring(7));
    if (params.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> p = params.get();
    String realm = p.get("realm");
    String nonce = p.get("nonce");
    if (realm == null || nonce == null) {
      return Optional.empty();
    }
    String algorithm = p.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
    if (!algorithm.equals("MD5") && !algorithm.equals("SHA-256")) {
      return Optional.empty(); // -sess variants and others: not offered by SIP trunks we know
    }
    String qop = p.get("qop");
    boolean auth = false;
    if (qop != null) {
      for (String q : qop.split(",")) {
        if (q.trim().equalsIgnoreCase("auth")) {
          auth = true;
        }
      }
      if (!auth) {
        return Optional.empty(); // auth-int only: the body would have to be hashed; no trunk asks it
      }
    }
    return Optional.of(new DigestChallenge(realm, nonce, Optional.ofNullable(p.get("opaque")), algorithm,
        auth, qop != null));
  }

  /** {@code auth-param *(COMMA auth-param)}, values a token or a quoted-string; empty when malformed. */
  static Optional<Map<String, String>> params(String text) {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      while (i < n && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int nameStart = i;
      while (i < n && text.charAt(i) != '=' && text.charAt(i) != ',' && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      String name = text.substring(nameStart, i).toLowerCase(Locale.ROOT);
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (name.isEmpty() || i >= n || text.charAt(i) != '=') {
        return Optional.empty();
      }
      i++;
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < n && text.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = text.charAt(i++);
          if (c == '\\' && i < n) {
            value.append(text.charAt(i++));
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          return Optional.empty();
        }
      } else {
        while (i < n && text.charAt(i) != ',' && !Character.isWhitespace(text.charAt(i))) {
          value.append(text.charAt(i++));
        }
      }
      out.putIfAbsent(name, value.toString());
    }
    return Optional.of(out);
  }
}
