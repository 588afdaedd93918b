package ai.oneinbox.edge.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.transaction.TransactionKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BranchesTest {

  @Test
  void branchCarriesTheMagicCookieAndItsLoopHash() {
    long loop = Branches.hash("sip:+14155550100@edge", "call-1", "from-tag", "", "1");
    String branch = Branches.of(loop, -1L, 2);
    assertTrue(TransactionKey.isRfc3261Branch(branch));
    assertTrue(branch.endsWith(".2"));
    assertEquals(Optional.of(loop), Branches.loopHashOf(branch));
  }

  @Test
  void foreignBranchesAreNotOurs() {
    assertFalse(Branches.isOurs("z9hG4bK776asdhds"));
    assertFalse(Branches.isOurs("z9hG4bK-oizz"));
    assertFalse(Branches.isOurs("z9hG4bK-oi" + "g".repeat(32) + ".0"));
  }

  @Test
  void hashSeparatesItsParts() {
    assertNotEquals(Branches.hash("ab", "c"), Branches.hash("a", "bc"));
    assertEquals(Branches.hash("a", "b"), Branches.hash("a", "b"));
  }

  @Test
  void percentEncodingKeepsUnreservedAndEscapesTheRest() {
    assertEquals("Leave%20a%20message%2C%20please%21%20%2B%25%C3%A9~._-",
        PercentEncoding.encode("Leave a message, please! +%é~._-"));
  }
}
