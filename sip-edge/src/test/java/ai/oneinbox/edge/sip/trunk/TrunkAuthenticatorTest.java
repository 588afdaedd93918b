package ai.oneinbox.edge.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.oneinbox.edge.routing.Cidr;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.Trunk;
import ai.oneinbox.edge.sip.SipEdgeConfig;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrunkAuthenticatorTest {
  private final TrunkAuthenticator auth = new TrunkAuthenticator(new SipEdgeConfig.Trunks(
      List.of("10.9.0.0/16"), SipEdgeConfig.Trunks.DEFAULT.twilioCidrs(),
      SipEdgeConfig.Trunks.DEFAULT.telnyxCidrs(), SipEdgeConfig.Trunks.DEFAULT.scannerUserAgents()));

  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void twilioTelnyxAndExtraRangesAreTrunks() throws Exception {
    assertEquals("twilio range 54.172.60.0/23",
        auth.checkSource(ip("54.172.61.7"), Optional.empty(), List.of()).reason());
    assertInstanceOf(AuthResult.Accept.class,
        auth.checkSource(ip("192.76.120.10"), Optional.empty(), List.of()));
    assertInstanceOf(AuthResult.Accept.class,
        auth.checkSource(ip("10.9.200.1"), Optional.empty(), List.of()));
  }

  @Test
  void provisionedTrunkRangesAreTrunks() throws Exception {
    Trunk trunk = new Trunk("trunk_1", Provider.GENERIC, "sip:pbx.example.com",
        List.of(Cidr.parse("203.0.113.0/24")), Optional.empty(), Optional.empty(), 0);
    assertEquals("trunk trunk_1",
        auth.checkSource(ip("203.0.113.9"), Optional.empty(), List.of(trunk)).reason());
  }

  @Test
  void strangersGet403AndScannersNothing() throws Exception {
    var stranger = auth.checkSource(ip("198.51.100.1"), Optional.of("Linphone/5"), List.of());
    assertEquals(403, assertInstanceOf(AuthResult.Reject.class, stranger).status());
    assertInstanceOf(AuthResult.Drop.class,
        auth.checkSource(ip("198.51.100.1"), Optional.of("friendly-scanner"), List.of()));
    assertInstanceOf(AuthResult.Drop.class,
        auth.checkSource(ip("198.51.100.1"), Optional.of("SIPVicious 0.3"), List.of()));
  }

  @Test
  void scannerSignatureFromATrunkRangeIsStillATrunk() throws Exception {
    assertInstanceOf(AuthResult.Accept.class,
        auth.checkSource(ip("54.172.60.1"), Optional.of("sipsak"), List.of()));
  }

  @Test
  void twilioNumberNeedsItsAccountSid() {
    Ownership owned = new Ownership(Provider.TWILIO, Optional.of("int_1"), Optional.empty(),
        Optional.of("AC123"), Optional.empty());
    assertInstanceOf(AuthResult.Accept.class,
        auth.checkBinding(owned, Optional.of("AC123"), Optional.empty()));
    var wrong = assertInstanceOf(AuthResult.Reject.class,
        auth.checkBinding(owned, Optional.of("AC999"), Optional.empty()));
    assertEquals("Forbidden (Trunk Binding)", wrong.reasonPhrase());
    assertEquals("X-Twilio-AccountSid missing",
        auth.checkBinding(owned, Optional.empty(), Optional.of("AC123")).reason());
  }

  @Test
  void telnyxNumberNeedsItsConnection() {
    Ownership owned = new Ownership(Provider.TELNYX, Optional.empty(), Optional.empty(),
        Optional.of("1494404757140276705"), Optional.empty());
    assertInstanceOf(AuthResult.Accept.class,
        auth.checkBinding(owned, Optional.empty(), Optional.of("1494404757140276705")));
    assertInstanceOf(AuthResult.Reject.class,
        auth.checkBinding(owned, Optional.empty(), Optional.of("1")));
  }

  @Test
  void numbersWithoutBindingPassOnSourceAlone() {
    assertInstanceOf(AuthResult.Accept.class,
        auth.checkBinding(Ownership.SANDBOX, Optional.empty(), Optional.empty()));
  }
}
