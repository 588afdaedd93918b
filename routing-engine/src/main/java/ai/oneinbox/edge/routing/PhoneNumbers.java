package ai.oneinbox.edge.routing;

import ai.oneinbox.edge.routing.InvalidNumberException.Kind;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/** The cold path of number parsing: libphonenumber, and the precise reasons for failures. */
final class PhoneNumbers {
  private PhoneNumbers() {}

  // Initialised on first use only: loading the metadata costs tens of milliseconds.
  private static final class Util {
    static final PhoneNumberUtil INSTANCE = PhoneNumberUtil.getInstance();
  }

  /** Checks E.164 digits against the country code and length metadata; returns them. */
  static long checkGlobal(long digits) throws InvalidNumberException {
    PhoneNumber number;
    try {
      number = Util.INSTANCE.parse("+" + digits, "ZZ");
    } catch (NumberParseException e) {
      throw fromParseException(e, "+" + digits);
    }
    checkPossible(number, "+" + digits);
    return digits;
  }

  /** Reads a national-format number (or a local number with a phone-context) as E.164 digits. */
  static long national(String text, String defaultRegion) throws InvalidNumberException {
    String s = text.strip();
    int from = 0;
    int to = s.length();
    int schemeEnd = E164.schemeEnd(s, from, to);
    if (schemeEnd > 0) {
      from = schemeEnd;
    }
    int at = E164.indexOf(s, '@', from, to);
    if (at >= 0) {
      to = at;
    }
    int params = E164.indexOf(s, ';', from, to);
    String local = s.substring(from, params >= 0 ? params : to);
    String context = params >= 0 ? phoneContext(s.substring(params, to)) : "";
    if (context.startsWith("+")) {
      // RFC 3966 §5.1.5: a global-number-digits context prefixes the local number.
      long digits = E164.scan(context + stripSeparators(local));
      if (digits < 0) {
        throw explain(context + local, digits);
      }
      return checkGlobal(digits);
    }
    if (defaultRegion == null || defaultRegion.isBlank()) {
      throw new InvalidNumberException(Kind.NO_REGION,
          quote(text) + " is a national-format number and no default region is configured");
    }
    String region = defaultRegion.strip().toUpperCase(java.util.Locale.ROOT);
    if (!Util.INSTANCE.getSupportedRegions().contains(region)) {
      throw new InvalidNumberException(Kind.UNKNOWN_REGION,
          quote(defaultRegion) + " is no ISO 3166 alpha-2 region known to libphonenumber");
    }
    PhoneNumber number;
    try {
      number = Util.INSTANCE.parse(local, region);
    } catch (NumberParseException e) {
      throw fromParseException(e, text);
    }
    checkPossible(number, text);
    String e164 = Util.INSTANCE.format(number, PhoneNumberFormat.E164);
    long digits = E164.scan(e164);
    if (digits < 0) {
      throw explain(e164, digits);
    }
    return digits;
  }

  /** The exception for a negative outcome of {@link E164#scan}. */
  static InvalidNumberException explain(String text, long outcome) {
    if (outcome == E164.EMPTY) {
      return new InvalidNumberException(Kind.EMPTY, "no digits in " + quote(text));
    }
    if (outcome == E164.TOO_SHORT) {
      return new InvalidNumberException(Kind.TOO_SHORT,
          quote(text) + " has fewer than " + E164.MIN_DIGITS + " digits");
    }
    if (outcome == E164.TOO_LONG) {
      return new InvalidNumberException(Kind.TOO_LONG,
          quote(text) + " has more than " + E164.MAX_DIGITS + " digits (E.164 allows at most 15)");
    }
    if (outcome == E164.LEADING_ZERO) {
      return new InvalidNumberException(Kind.LEADING_ZERO,
          quote(text) + ": an international number's country code cannot start with 0");
    }
    if (outcome == E164.NO_USER_PART) {
      return new InvalidNumberException(Kind.NO_USER_PART,
          quote(text) + " has no user part (no number before '@')");
    }
    int from = Math.max(0, E164.schemeEnd(text, 0, text.length()));
    int colon = text.indexOf(':');
    if (from == 0 && colon > 0 && isScheme(text, colon)) {
      return new InvalidNumberException(Kind.UNSUPPORTED_SCHEME, "scheme "
          + quote(text.substring(0, colon)) + " is not sip, sips or tel");
    }
    int at = text.indexOf('@', from);
    int end = at >= 0 ? at : text.length();
    int params = text.indexOf(';', from);
    if (params >= 0 && params < end) {
      end = params;
    }
    for (int i = from; i < end; i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9') && "+-.() %".indexOf(c) < 0) {
        return new InvalidNumberException(Kind.INVALID_CHARACTER,
            "character '" + c + "' at index " + i + " of " + quote(text)
                + " is neither a digit nor a visual separator");
      }
    }
    return new InvalidNumberException(Kind.INVALID_CHARACTER,
        quote(text) + " has a '+' or '%' out of place");
  }

  private static boolean isScheme(String text, int colon) {
    for (int i = 0; i < colon; i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static void checkPossible(PhoneNumber number, String text) throws InvalidNumberException {
    switch (Util.INSTANCE.isPossibleNumberWithReason(number)) {
      case IS_POSSIBLE:
        return;
      case INVALID_COUNTRY_CODE:
        throw new InvalidNumberException(Kind.INVALID_COUNTRY_CODE,
            quote(text) + " starts with no assigned country calling code");
      case TOO_SHORT:
        throw new InvalidNumberException(Kind.TOO_SHORT,
            quote(text) + " is too short for country code +" + number.getCountryCode());
      case IS_POSSIBLE_LOCAL_ONLY:
        throw new InvalidNumberException(Kind.TOO_SHORT,
            quote(text) + " is a local number: it needs its area code");
      case TOO_LONG:
        throw new InvalidNumberException(Kind.TOO_LONG,
            quote(text) + " is too long for country code +" + number.getCountryCode());
      case INVALID_LENGTH:
      default:
        throw new InvalidNumberException(Kind.INVALID_LENGTH,
            quote(text) + " has a length no number of country code +" + number.getCountryCode()
                + " has");
    }
  }

  private static InvalidNumberException fromParseException(NumberParseException e, String text) {
    switch (e.getErrorType()) {
      case INVALID_COUNTRY_CODE:
        return new InvalidNumberException(Kind.INVALID_COUNTRY_CODE,
            quote(text) + " starts with no assigned country calling code");
      case TOO_SHORT_AFTER_IDD:
      case TOO_SHORT_NSN:
        return new InvalidNumberException(Kind.TOO_SHORT, quote(text) + " is too short");
      case TOO_LONG:
        return new InvalidNumberException(Kind.TOO_LONG, quote(text) + " is too long");
      case NOT_A_NUMBER:
      default:
        return new InvalidNumberException(Kind.NOT_A_NUMBER,
            quote(text) + " is not a telephone number (" + e.getMessage() + ")");
    }
  }

  /** The value of a ;phone-context= parameter among {@code params} (starting with ';'), or "". */
  private static String phoneContext(String params) {
    String lower = params.toLowerCase(java.util.Locale.ROOT);
    int i = lower.indexOf(";phone-context=");
    if (i < 0) {
      return "";
    }
    int start = i + ";phone-context=".length();
    int end = params.indexOf(';', start);
    return params.substring(start, end < 0 ? params.length() : end);
  }

  private static String stripSeparators(String local) {
    StringBuilder b = new StringBuilder(local.length());
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c != '-' && c != '.' && c != '(' && c != ')' && c != ' ') {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String quote(String text) {
    String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    return "\"" + shown + "\"";
  }
}
