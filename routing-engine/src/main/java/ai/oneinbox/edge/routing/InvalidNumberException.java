package ai.oneinbox.edge.routing;

import java.util.Objects;

/** A text that is not a telephone number this platform can route, with the precise reason. */
public final class InvalidNumberException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a text is not a number; stable names for API error bodies and metrics. */
  public enum Kind {
    /** Nothing to parse (empty, blank, or only separators). */
    EMPTY,
    /** A character that is neither a digit nor an allowed visual separator. */
    INVALID_CHARACTER,
    /** A URI scheme other than sip:, sips: or tel:. */
    UNSUPPORTED_SCHEME,
    /** A sip:/sips: URI without a user part (nothing before '@'). */
    NO_USER_PART,
    /** Fewer digits than any E.164 number has (7), or too short for its country. */
    TOO_SHORT,
    /** More than 15 digits (ITU-T E.164 §6.1), or too long for its country. */
    TOO_LONG,
    /** A length no number of that country has, though between its shortest and longest. */
    INVALID_LENGTH,
    /** An international number whose country calling code starts with 0. */
    LEADING_ZERO,
    /** An international number whose leading digits are no assigned country calling code. */
    INVALID_COUNTRY_CODE,
    /** A national-format number, but no default region to read it in. */
    NO_REGION,
    /** The default region is not an ISO 3166 alpha-2 region libphonenumber knows. */
    UNKNOWN_REGION,
    /** libphonenumber could not read it as a number at all. */
    NOT_A_NUMBER
  }

  private final Kind kind;
  private final String reason;

  public InvalidNumberException(Kind kind, String reason) {
    super(kind + ": " + reason, null, false, false);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The machine-readable reason. */
  public Kind kind() {
    return kind;
  }

  /** The human-readable reason, e.g. {@code "17 digits, E.164 allows at most 15"}. */
  public String reason() {
    return reason;
  }
}
