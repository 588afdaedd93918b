package ai.oneinbox.edge.sip.transaction;

/**
 * The non-INVITE server transaction, RFC 3261 §17.2.2.
 *
 * <pre>
 *                                   |Request received
 *                                   |pass to TU
 *                                   V
 *                             +-----------+
 *                             |           |
 *                             | Trying    |-------------+
 *                             |           |             |
 *                             +-----------+             |200-699 from TU
 *                                   |                   |send response
 *                                   |1xx from TU        |
 *                                   |send response      |
 *                                   |                   |
 *                Request            V      1xx from TU  |
 *                send response+-----------+send response|
 *                    +--------|           |--------+    |
 *                    |        | Proceeding|        |    |
 *                    +------->|           |<-------+    |
 *             +<--------------|           |             |
 *             |Trnsprt Err    +-----------+             |
 *             |Inform TU            |                   |
 *             |                     |                   |
 *             |                     |200-699 from TU    |
 *             |                     |send response      |
 *             |  Request            V                   |
 *             |  send response+-----------+             |
 *             |      +--------|           |             |
 *             |      |        | Completed |<------------+
 *             |      +------->|           |
 *             +<--------------|           |
 *             |Trnsprt Err    +-----------+
 *             |Inform TU            |
 *             |                     |Timer J fires
 *             |                     |-
 *             |                     |
 *             |                     V
 *             +-------------->  Terminated
 * </pre>
 *
 * A retransmission in Trying is absorbed (no response yet to repeat). Timer J is 64*T1 over unreliable
 * transports and zero over reliable ones.
 *
 * @param <M> the message type
 */
public final class NonInviteServerTransaction<M> extends Transaction<M> {
  private final ServerTransactionUser user;
  private M lastResponse;

  public NonInviteServerTransaction(SipTimers timers, TimerScheduler scheduler,
      TransactionTransport<M> transport, boolean reliable, ServerTransactionUser user) {
    super(timers, scheduler, transport, reliable, TransactionState.TRYING);
    this.user = user;
  }

  /** The request arrived again: re-send the last response, if there is one. */
  public void receiveRequestRetransmission() {
    if ((state == TransactionState.PROCEEDING || state == TransactionState.COMPLETED)
        && lastResponse != null) {
      transport.send(lastResponse);
    }
  }

  /** The TU sends a response; the transaction takes ownership of {@code response}. */
  public void sendResponse(int status, M response) {
    if (state != TransactionState.TRYING && state != TransactionState.PROCEEDING) {
      transport.discard(response);
      return;
    }
    discard(lastResponse);
    lastResponse = response;
    transport.send(response);
    if (status < 200) {
      state = TransactionState.PROCEEDING;
    } else {
      state = TransactionState.COMPLETED;
      startTimer(timers.timerJ(reliable), TransactionState.COMPLETED, this::terminate);
    }
  }

  /**
   * Hands the last response over to whoever answers retransmissions in this transaction's stead (a
   * lingering record) and forgets it; the transaction is then aborted. Null when there is none.
   */
  public M takeLastResponse() {
    M response = lastResponse;
    lastResponse = null;
    return response;
  }

  /** A response could not be delivered. */
  public void transportError() {
    if (state == TransactionState.PROCEEDING || state == TransactionState.COMPLETED) {
      user.transportFailed();
      terminate();
    }
  }

  @Override
  void releaseMessages() {
    discard(lastResponse);
    lastResponse = null;
  }

  @Override
  void notifyTerminated() {
    user.terminated();
  }
}
