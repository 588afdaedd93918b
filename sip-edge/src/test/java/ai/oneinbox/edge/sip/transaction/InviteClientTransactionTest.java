package ai.oneinbox.edge.sip.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InviteClientTransactionTest {
  private final VirtualScheduler clock = new VirtualScheduler();
  private final RecordingTransport transport = new RecordingTransport(clock);
  private final RecordingUser user = new RecordingUser();

  private InviteClientTransaction<String, String> transaction(boolean reliable) {
    return new InviteClientTransaction<>(SipTimers.DEFAULT, clock, transport, reliable, "INVITE",
        response -> "ACK for " + response, user);
  }

  @Test
  void timerARetransmitsWithDoublingUntilTimerB() {
    var tx = transaction(false);
    tx.start();
    clock.advance(Duration.ofSeconds(40));
    assertEquals(List.of(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L), transport.timesMillis());
    assertEquals(List.of("timedOut", "terminated"), user.events);
    assertEquals(List.of("INVITE"), transport.discarded);
    assertEquals(0, clock.pending());
  }

  @Test
  void reliableTransportHasNoTimerA() {
    var tx = transaction(true);
    tx.start();
    clock.advance(Duration.ofMillis(31999));
    assertEquals(List.of("INVITE"), transport.messages());
    assertEquals(TransactionState.CALLING, tx.state());
    clock.advance(Duration.ofMillis(1));
    assertEquals(List.of("timedOut", "terminated"), user.events);
  }

  @Test
  void provisionalStopsRetransmissionsAndTimerB() {
    var tx = transaction(false);
    tx.start();
    clock.advance(Duration.ofMillis(600));
    tx.receiveResponse(100, "100");
    tx.receiveResponse(180, "180");
    clock.advance(Duration.ofMinutes(5));
    assertEquals(TransactionState.PROCEEDING, tx.state());
    assertEquals(List.of("INVITE", "INVITE"), transport.messages());
    assertEquals(List.of("response 100 100", "response 180 180"), user.events);
  }

  @Test
  void nonSuccessFinalIsAcknowledgedAndItsRetransmissionsAbsorbedUntilTimerD() {
    var tx = transaction(false);
    tx.start();
    tx.receiveResponse(180, "180");
    tx.receiveResponse(486, "486");
    assertEquals(TransactionState.COMPLETED, tx.state());
    tx.receiveResponse(486, "486 again");
    assertEquals(List.of("INVITE", "ACK for 486", "ACK for 486"), transport.messages());
    assertEquals(List.of("response 180 180", "response 486 486"), user.events);
    clock.advance(Duration.ofMillis(31999));
    assertEquals(TransactionState.COMPLETED, tx.state());
    clock.advance(Duration.ofMillis(1));
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("INVITE", "ACK for 486"), transport.discarded);
  }

  @Test
  void reliableTransportTimerDIsZero() {
    var tx = transaction(true);
    tx.start();
    tx.receiveResponse(503, "503");
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("response 503 503", "terminated"), user.events);
  }

  @Test
  void successMovesToAcceptedWhereRetransmitted2xxReachTheUserUntilTimerM() {
    var tx = transaction(false);
    tx.start();
    tx.receiveResponse(200, "200");
    assertEquals(TransactionState.ACCEPTED, tx.state());
    tx.receiveResponse(200, "200 again");
    tx.receiveResponse(180, "stray 180");
    clock.advance(Duration.ofSeconds(32));
    assertEquals(TransactionState.TERMINATED, tx.state());
    assertEquals(List.of("INVITE"), transport.messages()); // no ACK for 2xx: that is the UAC's
    assertEquals(List.of("response 200 200", "response 200 200 again", "terminated"), user.events);
  }

  @Test
  void cancelledBranchThatNeverAnswersEndsAfter64T1() {
    var tx = transaction(false);
    tx.start();
    tx.cancelled(); // still Calling: the guard starts with the first provisional
    tx.receiveResponse(180, "180");
    clock.advance(Duration.ofMillis(31999));
    assertEquals(TransactionState.PROCEEDING, tx.state());
    clock.advance(Duration.ofMillis(1));
    assertEquals(List.of("response 180 180", "timedOut", "terminated"), user.events);
  }

  @Test
  void cancelledBranchThatAnswers487IsAcknowledged() {
    var tx = transaction(false);
    tx.start();
    tx.receiveResponse(180, "180");
    tx.cancelled();
    tx.receiveResponse(487, "487");
    assertEquals(TransactionState.COMPLETED, tx.state());
    clock.advance(Duration.ofSeconds(40));
    assertEquals(List.of("response 180 180", "response 487 487", "terminated"), user.events);
  }

  @Test
  void transportErrorInCallingTerminates() {
    var tx = transaction(false);
    tx.start();
    tx.transportError();
    assertEquals(List.of("transportFailed", "terminated"), user.events);
    assertEquals(0, clock.pending());
  }
}
