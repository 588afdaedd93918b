package ai.oneinbox.edge.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.InvalidNumberException.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class E164Test {

  @ParameterizedTest(name = "[{index}] {0} in {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      +14155550100                                      | US | 14155550100
      14155550100                                       | US | 14155550100
      '  +14155550100  '                                | US | 14155550100
      +1 (415) 555-0100                                 | US | 14155550100
      +1.415.555.0100                                   | US | 14155550100
      +1-415-555-0100                                   | '' | 14155550100
      +442079460000                                     | US | 442079460000
      sip:+14155550100@edge.example.com                 | US | 14155550100
      sip:+14155550100@edge.example.com;user=phone      | US | 14155550100
      SIP:+14155550100@edge.example.com:5060;user=phone | US | 14155550100
      sips:14155550100@edge.example.com:5061;transport=tls | US | 14155550100
      sip:+1-415-555-0100;isub=12@edge.example.com;user=phone | US | 14155550100
      sip:%2B14155550100@edge.example.com               | US | 14155550100
      tel:+1-415-555-0100                               | US | 14155550100
      tel:+14155550100;ext=42                           | US | 14155550100
      tel:555-0100;phone-context=+1-415                 | '' | 14155550100
      tel:(415) 555-0100;phone-context=example.com      | US | 14155550100
      (415) 555-0100                                    | US | 14155550100
      415-555-0100                                      | US | 14155550100
      415.555.0100                                      | us | 14155550100
      1 415 555 0100                                    | US | 14155550100
      020 7946 0000                                     | GB | 442079460000
      02079460000                                       | GB | 442079460000
      sip:02079460000@pbx.example.co.uk                 | GB | 442079460000
      """)
  void parsesEveryForm(String text, String region, long expected) throws InvalidNumberException {
    E164 number = E164.parse(text, region);
    assertEquals(expected, number.value());
    assertEquals("+" + expected, number.toString());
    assertEquals(Long.toString(expected), number.digits());
  }

  @ParameterizedTest(name = "[{index}] {0} in {1} -> {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
      ''                           | US | EMPTY
      '   '                        | US | EMPTY
      +                            | US | EMPTY
      ' -.() '                     | US | EMPTY
      alice                        | US | INVALID_CHARACTER
      +1415555010x                 | US | INVALID_CHARACTER
      +1415+5550100                | US | INVALID_CHARACTER
      sip:alice@example.com        | US | INVALID_CHARACTER
      mailto:+14155550100@x.com    | US | UNSUPPORTED_SCHEME
      http://example.com           | US | UNSUPPORTED_SCHEME
      sip:example.com              | US | NO_USER_PART
      sips:+14155550100            | US | NO_USER_PART
      +1234567890123456            | US | TOO_LONG
      1234567890123456             | US | TOO_LONG
      +12345                       | US | TOO_SHORT
      +1415555                     | US | TOO_SHORT
      +0123456789                  | US | LEADING_ZERO
      +9991234567                  | US | INVALID_COUNTRY_CODE
      (415) 555-0100               | '' | NO_REGION
      020 7946 0000                | '' | NO_REGION
      (415) 555-0100               | XX | UNKNOWN_REGION
      555-0100                     | US | TOO_SHORT
      """)
  void rejectsWithThePreciseReason(String text, String region, Kind kind) {
    InvalidNumberException e =
        assertThrows(InvalidNumberException.class, () -> E164.parse(text, region));
    assertEquals(kind, e.kind(), e.reason());
    assertTrue(e.getMessage().contains(e.reason()));
  }

  @Test
  void reasonsNameTheInputAndTheProblem() {
    InvalidNumberException e =
        assertThrows(InvalidNumberException.class, () -> E164.parse("+1415555010x", "US"));
    assertEquals("character 'x' at index 11 of \"+1415555010x\" is neither a digit nor a visual"
        + " separator", e.reason());
    e = assertThrows(InvalidNumberException.class, () -> E164.parse("+1234567890123456", "US"));
    assertTrue(e.reason().contains("at most 15"), e.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"+14155550100", "14155550100", "+1-415-555-0100", "+14155550100;isub=7",
      "sip:+14155550100@10.0.0.1;user=phone", "tel:+14155550100", "%2b14155550100"})
  void readsSipUserParts(String user) {
    assertEquals(Optional.of(E164.of(14155550100L)), E164.fromSipUser(user, "US"));
    assertEquals(Optional.of(E164.of(14155550100L)),
        E164.fromSipUser(new StringBuilder(user), "US"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "alice", "+", "+0123456789", "1234567890123456", "12345",
      "sip:example.com", "415-555-0100x"})
  void sipUserPartsThatAreNoNumberGiveEmpty(String user) {
    assertEquals(Optional.empty(), E164.fromSipUser(user, "US"));
  }

  @Test
  void nationalSipUserPartsGoToTheColdPath() {
    assertEquals(Optional.of(E164.of(14155550100L)), E164.fromSipUser("(415) 555-0100", "US"));
    assertEquals(Optional.of(E164.of(442079460000L)), E164.fromSipUser("02079460000", "GB"));
    assertEquals(Optional.empty(), E164.fromSipUser("02079460000", ""));
  }

  @Test
  void ofChecksTheDigitCount() {
    assertEquals(1_000_000L, E164.of(1_000_000L).value());
    assertEquals(999_999_999_999_999L, E164.of(999_999_999_999_999L).value());
    assertThrows(IllegalArgumentException.class, () -> E164.of(999_999L));
    assertThrows(IllegalArgumentException.class, () -> E164.of(1_000_000_000_000_000L));
    assertThrows(IllegalArgumentException.class, () -> E164.of(-14155550100L));
  }

  @Test
  void equalityAndOrderFollowTheDigits() {
    assertEquals(E164.of(14155550100L), E164.of(14155550100L));
    assertEquals(E164.of(14155550100L).hashCode(), E164.of(14155550100L).hashCode());
    assertTrue(E164.of(14155550100L).compareTo(E164.of(14155550101L)) < 0);
  }

  @Test
  void hotPathAllocatesOnlyItsResult() {
    // E164 (24 bytes) + Optional (16 bytes); libphonenumber would allocate kilobytes.
    Object[] sink = new Object[1];
    CharSequence user = new StringBuilder("sip:+14155550100@edge.example.com;user=phone");
    double bytes = Allocations.perRun(20_000, () -> sink[0] = E164.fromSipUser(user, "US"));
    assertTrue(bytes <= 48, bytes + " bytes per call");
    bytes = Allocations.perRun(20_000, () -> sink[0] = E164.fromSipUser("14155550100", "US"));
    assertTrue(bytes <= 48, bytes + " bytes per call");
  }
}
