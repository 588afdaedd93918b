package ai.oneinbox.edge.routing;

import java.util.Optional;

/**
 * An international telephone number (ITU-T E.164) held as its digits in a {@code long}: at most 15
 * digits, so it always fits, and the country code never starts with 0, so no digit is lost.
 *
 * <p>Accepted forms, in {@link #parse} and {@link #fromSipUser}:
 * <ul>
 *   <li>{@code +14155550100} and E.164 digits without the plus, {@code 14155550100};
 *   <li>RFC 3966 visual separators {@code - . ( )} (and spaces): {@code +1 (415) 555-0100};
 *   <li>{@code sip:}/{@code sips:} URIs (the user part), with or without {@code ;user=phone}, and user
 *       parts alone, with their own parameters ({@code +14155550100;isub=1});
 *   <li>{@code tel:} URIs; a local number with {@code ;phone-context=+CC...} is prefixed with the
 *       context's digits (RFC 3966 §5.1.5);
 *   <li>national formats ({@code (415) 555-0100}, {@code 020 7946 0000}) read in a default region with
 *       libphonenumber. A text is national when it has no plus and either has visual separators, starts
 *       with the trunk prefix 0, or carries a non-global phone-context.
 * </ul>
 *
 * <p>Plain digits and {@code +digits} never touch libphonenumber in {@link #fromSipUser} (the SIP hot
 * path): they are read in one pass, without regular expressions, allocating only the result.
 * {@link #parse} (provisioning, the cold path) also checks the country code and length against
 * libphonenumber's metadata, so a stored number is one that can exist.
 */
public final class E164 implements Comparable<E164> {
  /** Fewest digits of an E.164 number (e.g. Niue, +683 and four digits). */
  public static final int MIN_DIGITS = 7;
  /** Most digits of an E.164 number (ITU-T E.164 §6.1). */
  public static final int MAX_DIGITS = 15;

  private static final long MIN_VALUE = 1_000_000L;
  private static final long MAX_VALUE = 999_999_999_999_999L;

  // Outcomes of the hot-path scan besides a value >= 0.
  static final long EMPTY = -1;
  static final long INVALID_CHARACTER = -2;
  static final long TOO_SHORT = -3;
  static final long TOO_LONG = -4;
  static final long LEADING_ZERO = -5;
  static final long NO_USER_PART = -6;
  static final long NATIONAL = -7;

  private final long value;

  private E164(long value) {
    this.value = value;
  }

  /**
   * The number with these E.164 digits.
   *
   * @throws IllegalArgumentException unless {@code digits} has 7 to 15 digits
   */
  public static E164 of(long digits) {
    if (!isValid(digits)) {
      throw new IllegalArgumentException("not 7 to 15 E.164 digits: " + digits);
    }
    return new E164(digits);
  }

  /** Whether {@code digits} has 7 to 15 digits (a syntactically possible E.164 number). */
  public static boolean isValid(long digits) {
    return digits >= MIN_VALUE && digits <= MAX_VALUE;
  }

  /**
   * Reads a number in any of the accepted forms (see the class comment) and checks it against
   * libphonenumber's metadata. Cold path: for provisioning and diagnostics.
   *
   * @param defaultRegion ISO 3166 alpha-2 region for national formats, e.g. {@code "US"}; empty when none
   * @throws InvalidNumberException with the precise reason when the text is no routable number
   */
  public static E164 parse(String text, String defaultRegion) throws InvalidNumberException {
    String trimmed = text.strip();
    long scanned = scan(trimmed);
    if (scanned >= 0) {
      return new E164(PhoneNumbers.checkGlobal(scanned));
    }
    if (scanned == NATIONAL) {
      return new E164(PhoneNumbers.national(trimmed, defaultRegion));
    }
    throw PhoneNumbers.explain(trimmed, scanned);
  }

  /**
   * Reads the called number from a SIP user part (Request-URI, To, Diversion), or from a whole
   * {@code sip:}/{@code sips:}/{@code tel:} URI. SIP hot path: plain digits and {@code +digits} are read
   * without libphonenumber, regular expressions or allocation beyond the result; only national formats
   * go to libphonenumber. Empty when the user part is no number; {@link #parse} on the same text tells
   * why (off the hot path).
   *
   * @param defaultRegion ISO 3166 alpha-2 region for national formats; empty when none
   */
  public static Optional<E164> fromSipUser(CharSequence user, String defaultRegion) {
    long scanned = scan(user);
    if (scanned >= 0) {
      return Optional.of(new E164(scanned));
    }
    if (scanned == NATIONAL) {
      try {
        return Optional.of(new E164(PhoneNumbers.national(user.toString(), defaultRegion)));
      } catch (InvalidNumberException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The digits as a number, e.g. {@code 14155550100}. */
  public long value() {
    return value;
  }

  /** The digits without the plus, e.g. {@code "14155550100"}. */
  public String digits() {
    return Long.toString(value);
  }

  /** The E.164 form, e.g. {@code "+14155550100"}. */
  @Override
  public String toString() {
    return "+" + value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof E164 other && other.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public int compareTo(E164 o) {
    return Long.compare(value, o.value);
  }

  /**
   * One pass over a number, user part or URI: the E.164 digits (>= 0), {@link #NATIONAL} when the text
   * is a national format for libphonenumber, or another negative outcome. Allocates nothing.
   */
  static long scan(CharSequence s) {
    int to = s.length();
    int from = 0;
    while (from < to && s.charAt(from) == ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == ' ') {
      to--;
    }
    int schemeEnd = schemeEnd(s, from, to);
    boolean sipUri = false;
    if (schemeEnd > 0) {
      sipUri = Character.toLowerCase(s.charAt(from)) == 's';
      from = schemeEnd;
    }
    // The user part ends at '@' (a URI's host follows); a bare user part has no '@'.
    int at = indexOf(s, '@', from, to);
    if (at >= 0) {
      to = at;
    } else if (sipUri) {
      return NO_USER_PART;
    }
    // Parameters of a telephone-subscriber (RFC 3966: ;isub, ;ext, ;phone-context) follow ';'.
    int params = indexOf(s, ';', from, to);
    int end = params >= 0 ? params : to;

    boolean plus = false;
    if (from < end && s.charAt(from) == '+') {
      plus = true;
      from++;
    } else if (from + 2 < end && s.charAt(from) == '%' && s.charAt(from + 1) == '2'
        && (s.charAt(from + 2) == 'B' || s.charAt(from + 2) == 'b')) {
      plus = true; // "+" percent-encoded by some user agents
      from += 3;
    }
    long value = 0;
    int digits = 0;
    boolean separators = false;
    char first = 0;
    for (int i = from; i < end; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 0) {
          first = c;
        }
        if (digits < 18) {
          value = value * 10 + (c - '0');
        }
        digits++;
      } else if (c == '-' || c == '.' || c == '(' || c == ')' || c == ' ') {
        separators = true; // RFC 3966 visual-separator, and spaces as people write them
      } else {
        return INVALID_CHARACTER;
      }
    }
    if (digits == 0) {
      return EMPTY;
    }
    if (!plus) {
      if (separators || first == '0'
          || (params >= 0 && regionMatches(s, params, to, ";phone-context="))) {
        return NATIONAL;
      }
    } else if (first == '0') {
      return LEADING_ZERO;
    }
    if (digits > MAX_DIGITS) {
      return TOO_LONG;
    }
    if (digits < MIN_DIGITS) {
      return TOO_SHORT;
    }
    return value;
  }

  /** The index after "sip:", "sips:" or "tel:" (any case) at {@code from}, or -1. */
  static int schemeEnd(CharSequence s, int from, int to) {
    if (regionMatches(s, from, to, "sip:") || regionMatches(s, from, to, "tel:")) {
      return from + 4;
    }
    if (regionMatches(s, from, to, "sips:")) {
      return from + 5;
    }
    return -1;
  }

  static int indexOf(CharSequence s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code s} has {@code lower} (ASCII lower case) at {@code from}, ignoring ASCII case. */
  static boolean regionMatches(CharSequence s, int from, int to, String lower) {
    int n = lower.length();
    if (to - from < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
