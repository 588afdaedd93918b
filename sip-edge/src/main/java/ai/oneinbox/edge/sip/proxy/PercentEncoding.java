package ai.oneinbox.edge.sip.proxy;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding for header values we write ({@code X-OneInbox-Voicemail-Message}): every octet of the
 * UTF-8 form outside RFC 3986's unreserved set ({@code A-Z a-z 0-9 - . _ ~}) becomes {@code %HH}, so the
 * value is a SIP token-safe string any URL decoder restores.
 */
final class PercentEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {}

  static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (isUnreserved(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~';
  }
}
