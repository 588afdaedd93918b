package ai.oneinbox.edge.sip.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InviteServerTransactionTest {
  private final VirtualScheduler clock = new VirtualScheduler();
  private final RecordingTransport transport = new RecordingTransport(clock);
  private final RecordingUser user = new RecordingUser();

  private InviteServerTransaction<String> transaction(boolean reliable) {
    return new InviteServerTransaction<>(SipTimers.DEFAULT, clock, transport, reliable, user);
  }

  @Test
  void retransmittedInviteInProceedingGetsTheLastProvisionalAgain() {
    var tx = transaction(false);
    tx.receiveRequestRetransmission(); // nothing sent yet: absorbed
    tx.sendResponse(100, "100");
    tx.sendResponse(180, "180");
    tx.receiveRequestRetransmission();
    assertEquals(List.of("100", "180", "180"), transport.messages());
    assertEquals(List.of("100"), transport.discarded);
    assertEquals(TransactionState.PROCEEDING, tx.state());
  }

  @Test
  void nonSuccessFinalIsRetransmittedByTimerGUntilTimerH() {
    var tx = transaction(false);
    tx.sendResponse(486, "486");
    assertEquals(TransactionState.COMPLETED, tx.state());
    clock.advance(Duration.ofSeconds(40));
    // G: T1, doubling, capped at T2 = 4 s; H at 64*T1 = 32 s stops it.
    assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L, 23500L, 27500L, 31500L),
        transport.timesMillis());
    assertEquals(List.of("timedOut", "terminated"), user.events);
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("486"), transport.discarded);
    assertEquals(0, clock.pending());
  }

  @Test
  void retransmittedInviteInCompletedGetsTheFinalAgain() {
    var tx = transaction(false);
    tx.sendResponse(404, "404");
    tx.receiveRequestRetransmission();
    assertEquals(List.of("404", "404"), transport.messages());
  }

  @Test
  void ackMovesToConfirmedAndTimerIEndsIt() {
    var tx = transaction(false);
    tx.sendResponse(487, "487");
    clock.advance(Duration.ofMillis(600)); // one G retransmission
    tx.receiveAck();
    assertEquals(TransactionState.CONFIRMED, tx.state());
    tx.receiveAck(); // ACK retransmission absorbed
    tx.receiveRequestRetransmission(); // absorbed in Confirmed
    clock.advance(Duration.ofMillis(4999));
    assertEquals(TransactionState.CONFIRMED, tx.state());
    clock.advance(Duration.ofMillis(1));
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("487", "487"), transport.messages());
    assertEquals(List.of("terminated"), user.events);
  }

  @Test
  void reliableTransportHasNoTimerGAndTimerIIsZero() {
    var tx = transaction(true);
    tx.sendResponse(503, "503");
    clock.advance(Duration.ofSeconds(10));
    assertEquals(List.of("503"), transport.messages());
    tx.receiveAck();
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("terminated"), user.events);
  }

  @Test
  void reliableTransportStillTimesOutWithoutAck() {
    var tx = transaction(true);
    tx.sendResponse(503, "503");
    clock.advance(Duration.ofSeconds(32));
    assertEquals(List.of("timedOut", "terminated"), user.events);
  }

  @Test
  void successMovesToAcceptedWhichAbsorbsInvitesAndPassesRetransmitted2xx() {
    var tx = transaction(false);
    tx.sendResponse(100, "100");
    tx.sendResponse(200, "200");
    assertEquals(TransactionState.ACCEPTED, tx.state());
    tx.receiveRequestRetransmission();
    tx.sendResponse(200, "200 again");
    tx.sendResponse(180, "late 180");
    assertEquals(List.of("100", "200", "200 again"), transport.messages());
    clock.advance(Duration.ofMillis(31999));
    assertEquals(TransactionState.ACCEPTED, tx.state());
    clock.advance(Duration.ofMillis(1)); // timer L
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("terminated"), user.events);
    assertEquals(List.of("100", "200", "200 again", "late 180"), transport.discarded);
  }

  @Test
  void transportErrorTerminatesAndInformsTheUser() {
    var tx = transaction(false);
    tx.sendResponse(180, "180");
    tx.transportError();
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("transportFailed", "terminated"), user.events);
    tx.sendResponse(200, "too late");
    assertEquals(List.of("180", "too late"), transport.discarded);
  }
}
