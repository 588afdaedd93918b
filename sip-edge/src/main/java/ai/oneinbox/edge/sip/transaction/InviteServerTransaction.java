package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;

/**
 * The INVITE server transaction, RFC 3261 §17.2.1 as updated by RFC 6026 §8.5 (the Accepted state).
 *
 * <pre>
 *                               |INVITE
 *                               |pass INV to TU
 *            INVITE             V send 100 (done by the TU at once)
 *            send response+-----------+
 *                +--------|           |--------+101-199 from TU
 *                |        | Proceeding|        |send response
 *                +------->|           |<-------+
 *                         |           |          Transport Err.
 *                         |           |          Inform TU
 *                         |           |--------------->+
 *                         +-----------+                |
 *            300-699 from TU |     |2xx from TU        |
 *            send response   |     |send response      |
 *                            |     +------------------>+------------+
 *                            |                         |  Accepted  | INVITE: absorb
 *            INVITE          V          Timer G fires  |            | 2xx from TU: send
 *            send response+-----------+ send response  +------------+
 *                +--------|           |--------+             | Timer L fires
 *                |        | Completed |        |             V
 *                +------->|           |<-------+         Terminated
 *                         +-----------+
 *                            |     |
 *                        ACK |     | Timer H fires / Transport Err.
 *                        -   |     | inform TU
 *                            V     V
 *                         +-----------+
 *                         | Confirmed |   ACK: absorb
 *                         +-----------+
 *                               | Timer I fires
 *                               V
 *                          Terminated
 * </pre>
 *
 * Timer G (response retransmit, T1 doubling to T2) runs over unreliable transports only; timer I is zero
 * over reliable ones. Timer L (RFC 6026) is 64*T1.
 *
 * @param <M> the message type
 */
public final class InviteServerTransaction<M> extends Transaction<M> {
  private final ServerTransactionUser user;
  private M lastResponse;
  private Duration timerGInterval;

  public InviteServerTransaction(SipTimers timers, TimerScheduler scheduler,
      TransactionTransport<M> transport, boolean reliable, ServerTransactionUser user) {
    super(timers, scheduler, transport, reliable, TransactionState.PROCEEDING);
    this.user = user;
  }

  /** The INVITE arrived again: re-send the last response (Proceeding, Completed); absorb it otherwise. */
  public void receiveRequestRetransmission() {
    if ((state == TransactionState.PROCEEDING || state == TransactionState.COMPLETED)
        && lastResponse != null) {
      transport.send(lastResponse);
    }
  }

  /** An ACK matched this transaction (non-2xx final ACK, §17.2.3): Completed → Confirmed. */
  public void receiveAck() {
    if (state != TransactionState.COMPLETED) {
      return;
    }
    state = TransactionState.CONFIRMED;
    cancelTimers();
    startTimer(timers.timerI(reliable), TransactionState.CONFIRMED, this::terminate);
  }

  /**
   * The TU sends a response; the transaction takes ownership of {@code response}. Responses in a state
   * that cannot send them (a provisional after the final) are discarded.
   */
  public void sendResponse(int status, M response) {
    switch (state) {
      case PROCEEDING -> {
        if (status < 200) {
          replaceLast(response);
          transport.send(response);
        } else if (status < 300) {
          replaceLast(null);
          state = TransactionState.ACCEPTED;
          transport.send(response);
          transport.discard(response);
          startTimer(timers.sixtyFourT1(), TransactionState.ACCEPTED, this::terminate);
        } else {
          replaceLast(response);
          state = TransactionState.COMPLETED;
          transport.send(response);
          if (!reliable) {
            timerGInterval = timers.timerG();
            startTimer(timerGInterval, TransactionState.COMPLETED, this::timerG);
          }
          startTimer(timers.timerH(), TransactionState.COMPLETED, this::timerH);
        }
      }
      case ACCEPTED -> {
        if (status >= 200 && status < 300) {
          transport.send(response);
        }
        transport.discard(response);
      }
      default -> transport.discard(response);
    }
  }

  /** A response could not be delivered. */
  public void transportError() {
    if (state == TransactionState.PROCEEDING || state == TransactionState.COMPLETED) {
      user.transportFailed();
      terminate();
    }
  }

  private void timerG() {
    transport.send(lastResponse);
    timerGInterval = timers.doubledCappedAtT2(timerGInterval);
    startTimer(timerGInterval, TransactionState.COMPLETED, this::timerG);
  }

  private void timerH() {
    user.timedOut();
    terminate();
  }

  private void replaceLast(M response) {
    discard(lastResponse);
    lastResponse = response;
  }

  @Override
  void releaseMessages() {
    replaceLast(null);
  }

  @Override
  void notifyTerminated() {
    user.terminated();
  }
}
