package ai.oneinbox.edge.sip.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Digest answers against the RFC test vectors, and challenge parsing. */
class DigestTest {

  @Test
  void md5WithQopAuthMatchesRfc2617Example() {
    DigestChallenge c = DigestChallenge.parse("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
        + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"").orElseThrow();
    String value = DigestAnswer.credentials(c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b");
    assertTrue(value.contains("response=\"6629fae49393a05397450978507c4ef1\""), value);
    assertTrue(value.contains("qop=auth, nc=00000001, cnonce=\"0a4f113b\""), value);
    assertTrue(value.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""), value);
  }

  @Test
  void sha256AndMd5MatchRfc7616Example() {
    String params = "realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
        + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
        + "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    DigestChallenge best = DigestChallenge.best(List.of("Digest " + params + ", algorithm=MD5",
        "Digest " + params + ", algorithm=SHA-256")).orElseThrow();
    assertEquals("SHA-256", best.algorithm(), "the stronger of two challenges");
    assertTrue(DigestAnswer.credentials(best, "Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce)
        .contains("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""));
    DigestChallenge md5 = DigestChallenge.parse("Digest " + params + ", algorithm=MD5").orElseThrow();
    assertTrue(DigestAnswer.credentials(md5, "Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce)
        .contains("response=\"8ca523f5e9506fed4657c9700eebdbec\""));
  }

  @Test
  void withoutQopTheResponseIsRfc2069Style() {
    DigestChallenge c = DigestChallenge.parse("Digest realm=\"r\",nonce=\"n\"").orElseThrow();
    assertEquals("MD5", c.algorithm());
    String value = DigestAnswer.credentials(c, "u", "p", "INVITE", "sip:+14155550123@trunk", "x");
    String ha1 = DigestAnswer.hex("MD5", "u:r:p");
    String ha2 = DigestAnswer.hex("MD5", "INVITE:sip:+14155550123@trunk");
    assertTrue(value.contains("response=\"" + DigestAnswer.hex("MD5", ha1 + ":n:" + ha2) + '"'), value);
    assertTrue(!value.contains("qop"), value);
  }

  @Test
  void challengesTheEdgeCannotAnswerAreRefused() {
    assertEquals(Optional.empty(), DigestChallenge.parse("Basic realm=\"x\""));
    assertEquals(Optional.empty(), DigestChallenge.parse("Digest realm=\"x\""), "no nonce");
    assertEquals(Optional.empty(), DigestChallenge.parse("Digest realm=\"x\", nonce=\"y\", algorithm=MD5-sess"));
    assertEquals(Optional.empty(), DigestChallenge.parse("Digest realm=\"x\", nonce=\"y\", qop=\"auth-int\""));
    assertEquals(Optional.empty(), DigestChallenge.parse("Digest realm=\"x, nonce=\"y"), "unclosed quote");
    assertEquals("a\"b", DigestChallenge.parse("Digest realm=\"a\\\"b\", nonce=y").orElseThrow().realm());
  }
}
