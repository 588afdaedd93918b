package ai.oneinbox.edge.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipParser;
import ai.oneinbox.edge.sip.message.SipResponse;
import ai.oneinbox.edge.sip.testing.NettyLeaks;
import ai.oneinbox.edge.sip.transaction.TransactionKey;
import ai.oneinbox.edge.sip.transaction.VirtualScheduler;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lingering records of finished transactions, on a virtual clock and an in-memory network. */
@Timeout(10)
@ExtendWith(NettyLeaks.class)
class LingeringTest {
  static final InetSocketAddress PEER = new InetSocketAddress("10.9.0.1", 5060);
  static final Duration LINGER = Duration.ofSeconds(32);
  static final long SEED = 0x5EEDL;

  final VirtualScheduler clock = new VirtualScheduler();
  final TestNetwork net = new TestNetwork();
  final List<String> evicted = new ArrayList<>();
  final List<ByteBuf> handedOver = new ArrayList<>();
  Lingering store = newStore(1 << 20);

  Lingering newStore(int maxRecords) {
    return new Lingering(net, UnpooledByteBufAllocator.DEFAULT, clock, () -> clock.now().toNanos(), maxRecords,
        () -> evicted.add("evicted"));
  }

  @AfterEach
  void everyRecordEndsAndReleasesItsBuffer() {
    clock.advance(Duration.ofMinutes(5));
    assertEquals(0, store.size());
    assertEquals(0, clock.pending(), "no expiry pass stays armed on an empty store");
    for (ByteBuf b : handedOver) {
      assertEquals(0, b.refCnt(), "every buffer handed over is released");
    }
  }

  static TransactionKey key(String branch) {
    return new TransactionKey("z9hG4bK-" + branch, "10.9.0.1:5060", "BYE");
  }

  ByteBuf answer(String text) {
    ByteBuf b = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    handedOver.add(b);
    return b;
  }

  void resend(TransactionKey key, String answer) {
    store.add(Lingering.hash(SEED, key, true), key.hashCode(), LINGER, Lingering.RESEND, answer(answer),
        TransportKind.UDP, PEER);
  }

  boolean request(TransactionKey key) {
    return store.request(Lingering.hash(SEED, key, true), key.hashCode());
  }

  @Test
  void aRetransmittedRequestGetsTheAnswerAgainUntilTheRecordEnds() {
    resend(key("a"), "SIP/2.0 200 OK\r\n\r\n");
    assertTrue(request(key("a")));
    assertTrue(request(key("a")));
    assertEquals(2, net.sent.size());
    assertEquals("SIP/2.0 200 OK\r\n\r\n", net.sent.get(0).text());
    assertEquals(PEER, net.sent.get(0).to());
    assertFalse(request(key("b")), "another key matches nothing");

    clock.advance(LINGER.minusMillis(1));
    assertTrue(request(key("a")), "still there just before its time");
    clock.advance(Duration.ofMillis(1));
    assertFalse(request(key("a")), "gone at its time, even before the pass drops it");
    clock.advance(Duration.ofMillis(200));
    assertEquals(0, store.size());
    assertEquals(0, handedOver.get(0).refCnt(), "dropped with its buffer");
  }

  @Test
  void serverAndClientKeysNeverMatchEachOther() {
    TransactionKey k = key("same");
    assertNotEquals(Lingering.hash(SEED, k, true), Lingering.hash(SEED, k, false));
    assertNotEquals(Lingering.hash(SEED, k, true), Lingering.hash(SEED + 1, k, true), "the seed changes the hash");
    store.add(Lingering.hash(SEED, k, false), k.hashCode(), LINGER, Lingering.ABSORB, null, null, null);
    assertFalse(request(k));
  }

  @Test
  void fieldsDoNotBorrowFromEachOther() {
    TransactionKey a = new TransactionKey("z9hG4bKab", "c", "BYE");
    TransactionKey b = new TransactionKey("z9hG4bKa", "bc", "BYE");
    assertNotEquals(Lingering.hash(SEED, a, true), Lingering.hash(SEED, b, true));
  }

  @Test
  void recordsEndInTheOrderTheyCameAndTheRingGrowsKeepingThem() {
    // 5,000 records (the ring starts at 1,024) added 1 ms apart, each one still found until its own time
    for (int i = 0; i < 5_000; i++) {
      resend(key("g" + i), "SIP/2.0 200 OK\r\nCSeq: " + i + " BYE\r\n\r\n");
      clock.advance(Duration.ofMillis(1));
    }
    assertEquals(5_000, store.size());
    for (int i = 0; i < 5_000; i += 499) {
      int before = net.sent.size();
      assertTrue(request(key("g" + i)), "record " + i + " survives the growth");
      assertTrue(net.sent.get(before).text().contains("CSeq: " + i + " BYE"), "with its own answer");
    }
    clock.advance(LINGER.minusMillis(5_000).plusMillis(2_500)); // the first half is due
    assertFalse(request(key("g0")));
    assertFalse(request(key("g2400")));
    assertTrue(request(key("g2600")));
    assertTrue(store.size() <= 2_600 && store.size() >= 2_400, "the due half dropped: " + store.size());
    assertTrue(evicted.isEmpty());
  }

  @Test
  void theMessageIsCopiedSoNoBufferLivesWithTheRecord() {
    resend(key("c"), "SIP/2.0 200 OK\r\nCSeq: 7 BYE\r\n\r\n");
    assertEquals(0, handedOver.get(0).refCnt(), "released when the record is added, not 32 s later");
    assertTrue(request(key("c")));
    assertTrue(request(key("c")));
    assertEquals("SIP/2.0 200 OK\r\nCSeq: 7 BYE\r\n\r\n", net.sent.get(0).text());
    assertEquals(net.sent.get(0).text(), net.sent.get(1).text(), "each re-send its own copy");
  }

  @Test
  void theOctetRingWrapsAndGrowsWhileWrappedKeepingEveryRecordsOwnMessage() {
    // messages of 60-160 octets: 2,000 of them outgrow the first 64 KB; after most expire, 3,000 more wrap
    // around the ring and make it grow again while its live octets straddle the end
    int total = 0;
    for (int i = 0; i < 2_000; i++) {
      resend(key("w" + i), message(i));
      clock.advance(Duration.ofMillis(1));
    }
    clock.advance(LINGER.minusMillis(2_000).plusMillis(1_500)); // records 0..1,500 are due
    for (int i = 2_000; i < 5_000; i++) {
      resend(key("w" + i), message(i));
    }
    for (int i = 0; i < 5_000; i++) {
      int before = net.sent.size();
      boolean live = request(key("w" + i));
      assertEquals(i > 1_500, live, "record " + i);
      if (live) {
        assertEquals(message(i), net.sent.get(before).text(), "record " + i + " re-sends its own octets");
        total++;
      }
    }
    assertEquals(3_499, total);
  }

  static String message(int i) {
    return "SIP/2.0 200 OK\r\nCSeq: " + i + " BYE\r\nX-Pad: " + "p".repeat(i % 101) + "\r\n\r\n";
  }

  @Test
  void aFullStoreEndsItsOldestRecordEarlyAndCountsIt() {
    store = newStore(8);
    for (int i = 0; i < 12; i++) {
      resend(key("f" + i), "SIP/2.0 200 OK\r\n\r\n");
    }
    assertEquals(8, store.size());
    assertEquals(4, evicted.size());
    for (int i = 0; i < 4; i++) {
      assertFalse(request(key("f" + i)), "the oldest made room");
      assertEquals(0, handedOver.get(i).refCnt(), "and let go of its buffer");
    }
    for (int i = 4; i < 12; i++) {
      assertTrue(request(key("f" + i)));
    }
  }

  @Test
  void aKeyAddedAgainIsFoundByItsNewestRecord() {
    resend(key("again"), "SIP/2.0 200 OK\r\nX: first\r\n\r\n");
    clock.advance(LINGER); // the first is due; the pass may not have run yet
    resend(key("again"), "SIP/2.0 200 OK\r\nX: second\r\n\r\n");
    assertTrue(request(key("again")));
    assertTrue(net.sent.get(0).text().contains("X: second"));
  }

  @Test
  void clientRecordsForwardA2xxUpstreamResendTheAckAndAbsorbTheRest() {
    TransactionKey accepted = new TransactionKey("z9hG4bK-oi1", "", "INVITE");
    TransactionKey completed = new TransactionKey("z9hG4bK-oi2", "", "INVITE");
    TransactionKey bye = new TransactionKey("z9hG4bK-oi3", "", "BYE");
    store.add(Lingering.hash(SEED, accepted, false), accepted.hashCode(), LINGER, Lingering.FORWARD_2XX, null,
        TransportKind.UDP, PEER);
    InetSocketAddress agent = new InetSocketAddress("10.0.0.1", 5080);
    store.add(Lingering.hash(SEED, completed, false), completed.hashCode(), LINGER, Lingering.RESEND_ACK,
        answer("ACK sip:a@10.0.0.1:5080 SIP/2.0\r\n\r\n"), TransportKind.UDP, agent);
    store.add(Lingering.hash(SEED, bye, false), bye.hashCode(), Duration.ofSeconds(5), Lingering.ABSORB, null,
        null, null);

    assertTrue(respond(accepted, 200));
    assertEquals(1, net.sent.size());
    assertEquals(PEER, net.sent.get(0).to());
    assertTrue(net.sent.get(0).text().startsWith("SIP/2.0 200 Whatever\r\nVia: SIP/2.0/UDP 10.9.0.1:5060"),
        "our Via popped: " + net.sent.get(0).text());
    assertTrue(respond(accepted, 486), "a non-2xx on an accepted branch is absorbed");
    assertEquals(1, net.sent.size());

    assertTrue(respond(completed, 486));
    assertEquals(2, net.sent.size());
    assertEquals(agent, net.sent.get(1).to());
    assertTrue(net.sent.get(1).text().startsWith("ACK "));

    assertTrue(respond(bye, 200));
    assertEquals(2, net.sent.size(), "absorbed");
    clock.advance(Duration.ofSeconds(5));
    assertFalse(respond(bye, 200), "after timer K the response is the core's to forward by Via");
  }

  private boolean respond(TransactionKey key, int status) {
    String text = "SIP/2.0 " + status + " Whatever\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.254:5060;branch=" + key.branch() + "\r\n"
        + "Via: SIP/2.0/UDP 10.9.0.1:5060;branch=z9hG4bK-up;received=10.9.0.1;rport=5060\r\n"
        + "From: <sip:a@10.9.0.1>;tag=f\r\nTo: <sip:b@10.0.0.254>;tag=t\r\nCall-ID: lg\r\n"
        + "CSeq: 1 " + key.method() + "\r\nContent-Length: 0\r\n\r\n";
    ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    SipResponse response = (SipResponse) SipParser.parse(buf, SipLimits.DEFAULTS);
    buf.release();
    try {
      return store.response(Lingering.hash(SEED, key, false), key.hashCode(), response);
    } finally {
      response.release();
    }
  }

  @Test
  void clearEndsEverythingAtOnceAndSendsNothing() {
    for (int i = 0; i < 10; i++) {
      resend(key("c" + i), "SIP/2.0 200 OK\r\n\r\n");
    }
    store.clear();
    assertEquals(0, store.size());
    assertEquals(0, clock.pending());
    assertFalse(request(key("c3")));
    assertTrue(net.sent.isEmpty());
  }
}
