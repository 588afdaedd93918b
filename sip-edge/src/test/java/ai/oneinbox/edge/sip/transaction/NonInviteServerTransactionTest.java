package ai.oneinbox.edge.sip.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonInviteServerTransactionTest {
  private final VirtualScheduler clock = new VirtualScheduler();
  private final RecordingTransport transport = new RecordingTransport(clock);
  private final RecordingUser user = new RecordingUser();

  private NonInviteServerTransaction<String> transaction(boolean reliable) {
    return new NonInviteServerTransaction<>(SipTimers.DEFAULT, clock, transport, reliable, user);
  }

  @Test
  void retransmissionInTryingIsAbsorbed() {
    var tx = transaction(false);
    tx.receiveRequestRetransmission();
    assertEquals(List.of(), transport.messages());
    assertEquals(TransactionState.TRYING, tx.state());
  }

  @Test
  void provisionalMovesToProceedingAndIsRepeated() {
    var tx = transaction(false);
    tx.sendResponse(100, "100");
    assertEquals(TransactionState.PROCEEDING, tx.state());
    tx.receiveRequestRetransmission();
    assertEquals(List.of("100", "100"), transport.messages());
  }

  @Test
  void finalIsRepeatedUntilTimerJ() {
    var tx = transaction(false);
    tx.sendResponse(100, "100");
    tx.sendResponse(200, "200");
    assertEquals(TransactionState.COMPLETED, tx.state());
    tx.receiveRequestRetransmission();
    tx.sendResponse(500, "second final");
    assertEquals(List.of("100", "200", "200"), transport.messages());
    clock.advance(Duration.ofMillis(31999));
    assertEquals(TransactionState.COMPLETED, tx.state());
    clock.advance(Duration.ofMillis(1));
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("terminated"), user.events);
    assertEquals(List.of("100", "second final", "200"), transport.discarded);
  }

  @Test
  void reliableTransportTerminatesOnTheFinal() {
    var tx = transaction(true);
    tx.sendResponse(200, "200");
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("terminated"), user.events);
  }

  @Test
  void transportErrorTerminates() {
    var tx = transaction(false);
    tx.sendResponse(200, "200");
    tx.transportError();
    assertEquals(List.of("transportFailed", "terminated"), user.events);
  }
}
