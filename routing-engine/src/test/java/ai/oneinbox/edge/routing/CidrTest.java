package ai.oneinbox.edge.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest(name = "[{index}] {0} contains {1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      54.172.60.0/23     | 54.172.60.0     | true
      54.172.60.0/23     | 54.172.61.255   | true
      54.172.60.0/23     | 54.172.62.0     | false
      54.172.60.0/23     | 54.172.59.255   | false
      192.76.120.10/32   | 192.76.120.10   | true
      192.76.120.10/32   | 192.76.120.11   | false
      0.0.0.0/0          | 203.0.113.7     | true
      0.0.0.0/0          | 2001:db8::1     | false
      10.0.0.0/8         | 10.255.255.255  | true
      10.0.0.0/8         | 11.0.0.0        | false
      128.0.0.0/1        | 200.1.1.1       | true
      128.0.0.0/1        | 127.1.1.1       | false
      10.0.0.0/8         | ::ffff:10.1.2.3 | true
      2001:db8::/32      | 2001:db8:ffff::1 | true
      2001:db8::/32      | 2001:db9::1     | false
      2001:db8::/32      | 32.1.13.184     | false
      2001:db8:0:0:8000::/65 | 2001:db8::8000:0:0:1 | true
      2001:db8:0:0:8000::/65 | 2001:db8::7fff:0:0:1 | false
      ::1/128            | ::1             | true
      ::1                | ::2             | false
      ::/0               | fe80::1         | true
      fe80::/10          | febf::1         | true
      fe80::/10          | fec0::1         | false
      """)
  void containsAddresses(String cidr, String address, boolean expected) throws UnknownHostException {
    Cidr range = Cidr.parse(cidr);
    InetAddress a = InetAddress.getByName(address); // literals only: no DNS
    assertEquals(expected, range.contains(a), "InetAddress");
    assertEquals(expected, range.contains(a.getAddress()), "byte[]");
  }

  @Test
  void ipv4MappedIpv6BytesMatchIpv4Ranges() {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 54, (byte) 172, 60, 9};
    assertTrue(Cidr.parse("54.172.60.0/23").contains(mapped));
    assertFalse(Cidr.parse("54.172.62.0/23").contains(mapped));
    assertFalse(Cidr.parse("::/0").contains(new byte[] {54, (byte) 172, 60, 9}));
    assertFalse(Cidr.parse("0.0.0.0/0").contains(new byte[5]));
  }

  @Test
  void ipv4ContainsReadsTheAddressWithoutCopying() throws UnknownHostException {
    // contains(InetAddress) relies on Inet4Address.hashCode() being the address; pin that down.
    for (String s : new String[] {"0.0.0.0", "1.2.3.4", "255.255.255.255", "128.0.0.1", "54.172.60.9"}) {
      Inet4Address a = (Inet4Address) InetAddress.getByName(s);
      byte[] b = a.getAddress();
      int expected = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
      assertEquals(expected, a.hashCode(), s);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      54.172.60.0/23          | 54.172.60.0/23
      10.0.0.1                | 10.0.0.1/32
      ' 10.0.0.0/8 '          | 10.0.0.0/8
      2001:DB8::/32           | 2001:db8::/32
      2001:db8:0:0:1:0:0:1    | 2001:db8::1:0:0:1/128
      ::                      | ::/128
      ::ffff:192.0.2.128      | ::ffff:c000:280/128
      1:0:0:2:0:0:0:3/128     | 1:0:0:2::3/128
      """)
  void printsTheCanonicalForm(String text, String canonical) {
    assertEquals(canonical, Cidr.parse(text).toString());
    assertEquals(Cidr.parse(canonical), Cidr.parse(text));
    assertEquals(Cidr.parse(canonical).hashCode(), Cidr.parse(text).hashCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8",
      "10.0.0.1/8", "256.0.0.0/8", "10.0.0/24", "10.0.0.0.0/32", "01.2.3.4", "1.2.3.4.",
      "example.com", "localhost", "2001:db8::/129", "2001:db8::1/32", "1:2:3:4:5:6:7:8:9",
      "1::2::3", "12345::", "fe80::1%eth0", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7", "1:"})
  void rejectsWhatIsNoRange(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    assertTrue(e.getMessage().startsWith("CIDR \""), e.getMessage());
  }

  @Test
  void hostBitsAreNamedAsTheProblem() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("54.172.60.1/23"));
    assertEquals("CIDR \"54.172.60.1/23\": host bits are set after the /23 prefix", e.getMessage());
  }

  @Test
  void setContainsWhatAnyOfItsRangesContains() throws UnknownHostException {
    CidrSet set = CidrSet.of(java.util.List.of(Cidr.parse("54.172.60.0/23"),
        Cidr.parse("2001:db8::/32"), Cidr.parse("192.76.120.10/32")));
    assertTrue(set.contains(InetAddress.getByName("54.172.61.1")));
    assertTrue(set.contains(InetAddress.getByName("192.76.120.10")));
    assertTrue(set.contains(InetAddress.getByName("2001:db8::5")));
    assertTrue(set.contains(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
        (byte) 192, 76, 120, 10}));
    assertFalse(set.contains(InetAddress.getByName("192.76.120.11")));
    assertFalse(set.contains(InetAddress.getByName("2001:db9::5")));
    assertEquals(3, set.cidrs().size());
    assertTrue(CidrSet.of(java.util.List.of()).isEmpty());
    assertFalse(CidrSet.of(java.util.List.of()).contains(InetAddress.getByName("10.0.0.1")));
  }

  @Test
  void ipv4ChecksAllocateNothing() throws UnknownHostException {
    CidrSet set = CidrSet.of(java.util.List.of(Cidr.parse("54.172.60.0/23"),
        Cidr.parse("18.228.249.0/24")));
    Cidr cidr = Cidr.parse("18.228.249.0/24");
    InetAddress a = InetAddress.getByName("18.228.249.17");
    boolean[] sink = new boolean[1];
    assertTrue(Allocations.perRun(50_000, () -> sink[0] = set.contains(a)) < 1);
    assertTrue(Allocations.perRun(50_000, () -> sink[0] = cidr.contains(a)) < 1);
  }
}
