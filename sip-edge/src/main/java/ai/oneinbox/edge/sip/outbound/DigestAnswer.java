package ai.oneinbox.edge.sip.outbound;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The client side of HTTP Digest as SIP uses it (RFC 3261 §22.4, RFC 7616 §3.4): the {@code Authorization}
 * or {@code Proxy-Authorization} value answering a {@link DigestChallenge}.
 */
final class DigestAnswer {
  private DigestAnswer() {}

  /**
   * The credentials value for {@code method} to {@code uri}. With {@code qop=auth}: {@code nc=00000001}
   * (each challenge is answered once) and the caller's {@code cnonce}.
   */
  static String credentials(DigestChallenge challenge, String username, String password, String method,
      String uri, String cnonce) {
    String ha1 = hex(challenge.algorithm(), username + ':' + challenge.realm() + ':' + password);
    String ha2 = hex(challenge.algorithm(), method + ':' + uri);
    String nc = "00000001";
    String response = challenge.qopAuth()
        ? hex(challenge.algorithm(), ha1 + ':' + challenge.nonce() + ':' + nc + ':' + cnonce + ":auth:" + ha2)
        : hex(challenge.algorithm(), ha1 + ':' + challenge.nonce() + ':' + ha2);
    StringBuilder b = new StringBuilder(256).append("Digest username=").append(quote(username))
        .append(", realm=").append(quote(challenge.realm()))
        .append(", nonce=").append(quote(challenge.nonce()))
        .append(", uri=").append(quote(uri))
        .append(", response=").append(quote(response))
        .append(", algorithm=").append(challenge.algorithm());
    if (challenge.qopAuth()) {
      b.append(", qop=auth, nc=").append(nc).append(", cnonce=").append(quote(cnonce));
    }
    challenge.opaque().ifPresent(o -> b.append(", opaque=").append(quote(o)));
    return b.toString();
  }

  /** Lower-case hex of {@code algorithm}({@code text}), UTF-8 (RFC 7616 §3.4.4 with charset=UTF-8). */
  static String hex(String algorithm, String text) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm.equals("SHA-256") ? "SHA-256" : "MD5");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5 and SHA-256", e);
    }
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
