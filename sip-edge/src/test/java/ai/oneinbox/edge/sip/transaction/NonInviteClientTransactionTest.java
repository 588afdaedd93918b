package ai.oneinbox.edge.sip.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonInviteClientTransactionTest {
  private final VirtualScheduler clock = new VirtualScheduler();
  private final RecordingTransport transport = new RecordingTransport(clock);
  private final RecordingUser user = new RecordingUser();

  private NonInviteClientTransaction<String, String> transaction(boolean reliable) {
    return new NonInviteClientTransaction<>(SipTimers.DEFAULT, clock, transport, reliable, "BYE", user);
  }

  @Test
  void timerERetransmitsCappedAtT2UntilTimerF() {
    var tx = transaction(false);
    tx.start();
    clock.advance(Duration.ofSeconds(40));
    assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 11500L, 15500L, 19500L, 23500L, 27500L, 31500L),
        transport.timesMillis());
    assertEquals(List.of("timedOut", "terminated"), user.events);
    assertEquals(0, clock.pending());
  }

  @Test
  void inProceedingTimerERetransmitsEveryT2AndTimerFKeepsItsDeadline() {
    var tx = transaction(false);
    tx.start();
    clock.advance(Duration.ofMillis(600)); // retransmission at 500
    tx.receiveResponse(100, "100");
    assertEquals(TransactionState.PROCEEDING, tx.state());
    clock.advance(Duration.ofSeconds(40));
    // Pending E fires at 1500 (in Proceeding), then every T2; F still at 32 s from the start.
    assertEquals(List.of(0L, 500L, 1500L, 5500L, 9500L, 13500L, 17500L, 21500L, 25500L, 29500L),
        transport.timesMillis());
    assertEquals(List.of("response 100 100", "timedOut", "terminated"), user.events);
  }

  @Test
  void finalGoesToTheUserAndTimerKAbsorbsRetransmissions() {
    var tx = transaction(false);
    tx.start();
    tx.receiveResponse(200, "200");
    assertEquals(TransactionState.COMPLETED, tx.state());
    tx.receiveResponse(200, "200 again");
    clock.advance(Duration.ofMillis(4999));
    assertEquals(TransactionState.COMPLETED, tx.state());
    clock.advance(Duration.ofMillis(1));
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("BYE"), transport.messages());
    assertEquals(List.of("response 200 200", "terminated"), user.events);
    assertEquals(List.of("BYE"), transport.discarded);
  }

  @Test
  void reliableTransportNoTimerEAndTimerKZero() {
    var tx = transaction(true);
    tx.start();
    clock.advance(Duration.ofSeconds(10));
    tx.receiveResponse(481, "481");
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("BYE"), transport.messages());
  }

  @Test
  void transportErrorTerminates() {
    var tx = transaction(false);
    tx.start();
    tx.transportError();
    assertEquals(List.of("transportFailed", "terminated"), user.events);
  }
}
