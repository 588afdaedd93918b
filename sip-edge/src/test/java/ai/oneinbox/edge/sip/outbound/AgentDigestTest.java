package ai.oneinbox.edge.sip.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.AgentCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentDigestTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final Instant T0 = Instant.parse("2026-11-27T23:00:00Z");
  private static final AgentCredentials AGENT = new AgentCredentials("agent-1", "s3cret-agent");

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now;

    ManualClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  // RFC 7616 §3.9.1: the example of a request with both SHA-256 and MD5 answers
  private static final String RFC_USER = "Mufasa";
  private static final String RFC_PASSWORD = "Circle of Life";
  private static final String RFC_REALM = "http-auth@example.org";
  private static final String RFC_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  private static final String RFC_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

  @Test
  void responseMatchesRfc7616Sha256Vector() {
    assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
        AgentDigest.response("SHA-256", RFC_USER, RFC_REALM, RFC_PASSWORD, "GET", "/dir/index.html", RFC_NONCE,
            Optional.of(new AgentDigest.Qop("00000001", RFC_CNONCE))));
  }

  @Test
  void responseMatchesRfc7616Md5Vector() {
    assertEquals("8ca523f5e9506fed4657c9700eebdbec",
        AgentDigest.response("MD5", RFC_USER, RFC_REALM, RFC_PASSWORD, "GET", "/dir/index.html", RFC_NONCE,
            Optional.of(new AgentDigest.Qop("00000001", RFC_CNONCE))));
  }

  @Test
  void nonceIsValidOnAnyNodeWithTheKeyUntilItExpires() {
    ManualClock clock = new ManualClock(T0);
    AgentDigest node1 = new AgentDigest(KEY, clock, "oneinbox");
    AgentDigest node2 = new AgentDigest(KEY.clone(), clock, "oneinbox");
    String nonce = node1.nonce();

    assertEquals(AgentDigest.NonceState.VALID, node2.check(nonce));
    clock.advance(AgentDigest.NONCE_LIFETIME);
    assertEquals(AgentDigest.NonceState.VALID, node2.check(nonce), "valid through its whole lifetime");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(AgentDigest.NonceState.STALE, node2.check(nonce));
  }

  @Test
  void nonceOfAnotherKeyOrTamperedOrGarbageIsInvalid() {
    ManualClock clock = new ManualClock(T0);
    AgentDigest ours = new AgentDigest(KEY, clock, "oneinbox");
    byte[] other = KEY.clone();
    other[0] ^= 1;
    String foreign = new AgentDigest(other, clock, "oneinbox").nonce();
    assertEquals(AgentDigest.NonceState.INVALID, ours.check(foreign));

    String nonce = ours.nonce();
    char[] c = nonce.toCharArray();
    c[3] = c[3] == 'A' ? 'B' : 'A'; // inside the timestamp: moves it, the MAC no longer fits
    assertEquals(AgentDigest.NonceState.INVALID, ours.check(new String(c)));
    assertEquals(AgentDigest.NonceState.INVALID, ours.check("not*base64"));
    assertEquals(AgentDigest.NonceState.INVALID, ours.check(""));
    assertEquals(AgentDigest.NonceState.INVALID, ours.check(nonce + "AAAA"));
  }

  @Test
  void noncesDifferOverTime() {
    ManualClock clock = new ManualClock(T0);
    AgentDigest d = new AgentDigest(KEY, clock, "oneinbox");
    String a = d.nonce();
    clock.advance(Duration.ofSeconds(1));
    assertNotEquals(a, d.nonce());
  }

  @Test
  void challengesOfferSha256ThenMd5WithQopAuth() {
    AgentDigest d = new AgentDigest(KEY, new ManualClock(T0), "edge.example");
    List<String> c = d.challenges(false);
    assertEquals(2, c.size());
    DigestChallenge sha = DigestChallenge.parse(c.get(0)).orElseThrow();
    DigestChallenge md5 = DigestChallenge.parse(c.get(1)).orElseThrow();
    assertEquals("SHA-256", sha.algorithm());
    assertEquals("MD5", md5.algorithm());
    assertEquals("edge.example", sha.realm());
    assertTrue(sha.qopAuth() && md5.qopAuth());
    assertFalse(c.get(0).contains("stale"));
    assertTrue(d.challenges(true).get(0).contains("stale=true"));
  }

  @Test
  void rightAnswerIsAcceptedWithEitherAlgorithm() {
    AgentDigest d = new AgentDigest(KEY, new ManualClock(T0), "oneinbox");
    for (String challenge : d.challenges(false)) {
      String answer = DigestAnswer.credentials(DigestChallenge.parse(challenge).orElseThrow(), "agent-1",
          "s3cret-agent", "INVITE", "sip:+14155550123@127.0.0.1", "c0ffee");
      assertInstanceOf(AgentDigest.Verdict.Accepted.class, d.verify(answer, "INVITE", AGENT), answer);
    }
  }

  @Test
  void answerWithoutQopIsAccepted() {
    AgentDigest d = new AgentDigest(KEY, new ManualClock(T0), "oneinbox");
    String nonce = d.nonce();
    String response = AgentDigest.response("MD5", "agent-1", "oneinbox", "s3cret-agent", "INVITE", "sip:x@y",
        nonce, Optional.empty());
    String answer = "Digest username=\"agent-1\", realm=\"oneinbox\", nonce=\"" + nonce
        + "\", uri=\"sip:x@y\", response=\"" + response + "\"";
    assertInstanceOf(AgentDigest.Verdict.Accepted.class, d.verify(answer, "INVITE", AGENT));
  }

  @Test
  void wrongPasswordUserRealmMethodOrNonceIsRejected() {
    AgentDigest d = new AgentDigest(KEY, new ManualClock(T0), "oneinbox");
    DigestChallenge c = DigestChallenge.parse(d.challenges(false).get(0)).orElseThrow();
    String uri = "sip:+14155550123@127.0.0.1";
    assertRejected(d, DigestAnswer.credentials(c, "agent-1", "wrong", "INVITE", uri, "c1"), "INVITE");
    assertRejected(d, DigestAnswer.credentials(c, "agent-2", "s3cret-agent", "INVITE", uri, "c1"), "INVITE");
    assertRejected(d, DigestAnswer.credentials(c, "agent-1", "s3cret-agent", "INVITE", uri, "c1"), "BYE");
    DigestChallenge otherRealm = new DigestChallenge("elsewhere", c.nonce(), Optional.empty(), "SHA-256", true, true);
    assertRejected(d, DigestAnswer.credentials(otherRealm, "agent-1", "s3cret-agent", "INVITE", uri, "c1"),
        "INVITE");
    DigestChallenge forged = new DigestChallenge("oneinbox", "forged", Optional.empty(), "SHA-256", true, true);
    assertRejected(d, DigestAnswer.credentials(forged, "agent-1", "s3cret-agent", "INVITE", uri, "c1"), "INVITE");
    assertRejected(d, "Basic YWdlbnQtMTpzM2NyZXQ=", "INVITE");
    assertRejected(d, "Digest username=\"agent-1\", realm=\"oneinbox", "INVITE");
    assertRejected(d, "Digest realm=\"oneinbox\"", "INVITE");
  }

  @Test
  void rightAnswerToAnExpiredNonceIsStaleAndAWrongOneRejected() {
    ManualClock clock = new ManualClock(T0);
    AgentDigest d = new AgentDigest(KEY, clock, "oneinbox");
    DigestChallenge c = DigestChallenge.parse(d.challenges(false).get(1)).orElseThrow();
    clock.advance(AgentDigest.NONCE_LIFETIME.plusSeconds(1));
    String uri = "sip:+14155550123@127.0.0.1";
    assertInstanceOf(AgentDigest.Verdict.Stale.class,
        d.verify(DigestAnswer.credentials(c, "agent-1", "s3cret-agent", "INVITE", uri, "c1"), "INVITE", AGENT));
    assertRejected(d, DigestAnswer.credentials(c, "agent-1", "wrong", "INVITE", uri, "c1"), "INVITE");
  }

  @Test
  void onlyOfferedAlgorithmsAreChallengedAndAccepted() {
    AgentDigest both = new AgentDigest(KEY, new ManualClock(T0), "oneinbox");
    AgentDigest md5 = new AgentDigest(KEY, new ManualClock(T0), "oneinbox", List.of("MD5"));
    assertEquals(1, md5.challenges(false).size());
    DigestChallenge sha = DigestChallenge.parse(both.challenges(false).get(0)).orElseThrow();
    String answer = DigestAnswer.credentials(sha, "agent-1", "s3cret-agent", "INVITE", "sip:x@y", "c1");
    assertInstanceOf(AgentDigest.Verdict.Accepted.class, both.verify(answer, "INVITE", AGENT));
    assertRejected(md5, answer, "INVITE");
  }

  @Test
  void configRefusesUnknownAlgorithmsAndHidesTheNonceSecret() {
    OutboundConfig d = OutboundConfig.defaults();
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new OutboundConfig("", 0,
        0, d.retryAfter(), d.dnsServer(), d.dnsMinTtl(), d.dnsMaxTtl(), "", "", List.of("SHA-512-256")));
    OutboundConfig c = new OutboundConfig("", 0, 0, d.retryAfter(), d.dnsServer(), d.dnsMinTtl(), d.dnsMaxTtl(),
        "", "very secret", List.of("MD5"));
    assertFalse(c.toString().contains("very secret"), c.toString());
    assertEquals("oneinbox", c.realm());
  }

  @Test
  void credentialsNeverShowThePassword() {
    assertFalse(AGENT.toString().contains("s3cret"), AGENT.toString());
  }

  private static void assertRejected(AgentDigest d, String header, String method) {
    assertInstanceOf(AgentDigest.Verdict.Rejected.class, d.verify(header, method, AGENT), header);
  }
}
