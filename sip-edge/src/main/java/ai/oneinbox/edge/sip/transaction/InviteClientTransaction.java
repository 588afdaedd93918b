package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;
import java.util.function.Function;

/**
 * The INVITE client transaction, RFC 3261 §17.1.1 as updated by RFC 6026 §8.4 (the Accepted state).
 *
 * <pre>
 *                                |INVITE from TU
 *              Timer A fires     |INVITE sent
 *              Reset A,          V                      Timer B fires
 *              INVITE sent +-----------+                or Transport Err.
 *                +---------|           |---------------+inform TU
 *                |         |  Calling  |               |
 *                +-------->|           |-------------->|
 *                          +-----------+ 2xx           |
 *                             |  |       2xx to TU     |
 *                             |  |1xx                  |
 *     300-699 +---------------+  |1xx to TU            |
 *    ACK sent |                  |                     |
 * resp. to TU |  1xx             V                     |
 *             |  1xx to TU  -----------+               |
 *             |  +---------|           |               |
 *             |  |         |Proceeding |-------------->|
 *             |  +-------->|           | 2xx           |
 *             |            +-----------+ 2xx to TU     |
 *             |       300-699    |                     |
 *             |       ACK sent,  |                     |
 *             |       resp. to TU|                     |
 *             |                  |                     |
 *             |                  V                     V
 *             |            +-----------+         +-----------+
 *             |            |           |         |           | 2xx: to TU
 *             +----------->| Completed |         | Accepted  |
 *                          |           |         |           |
 *                300-699   +-----------+         +-----------+
 *                ACK sent       |                      |
 *                (absorbed)     |Timer D fires         |Timer M fires
 *                               V                      V
 *                           Terminated             Terminated
 * </pre>
 *
 * Timer A runs over unreliable transports only (T1, doubling); timer B is 64*T1; timer D is at least 32 s
 * unreliable and zero reliable; timer M (RFC 6026) is 64*T1. The ACK for a non-2xx final response is
 * built by the TU's {@code ackFactory} (RFC 3261 §17.1.1.3) and re-sent for each retransmitted final.
 * After a CANCEL the TU calls {@link #cancelled()}: a downstream that never answers then releases the
 * transaction after 64*T1 (§9.1).
 *
 * <p>Responses are lent to the transaction (it never keeps or releases them); the requests it sends (the
 * INVITE, the ACK) are owned by it and discarded at termination.
 *
 * @param <M> the type of the messages it sends
 * @param <R> the type of the responses it receives
 */
public final class InviteClientTransaction<M, R> extends Transaction<M> {
  private M request;
  private final Function<R, M> ackFactory;
  private final ClientTransactionUser<R> user;
  private M ack;
  private Duration timerAInterval;
  private boolean cancelled;

  public InviteClientTransaction(SipTimers timers, TimerScheduler scheduler,
      TransactionTransport<M> transport, boolean reliable, M request, Function<R, M> ackFactory,
      ClientTransactionUser<R> user) {
    super(timers, scheduler, transport, reliable, TransactionState.CALLING);
    this.request = request;
    this.ackFactory = ackFactory;
    this.user = user;
  }

  /** Sends the INVITE and starts timers A and B. */
  public void start() {
    transport.send(request);
    if (state != TransactionState.CALLING) {
      return; // the send failed synchronously
    }
    if (!reliable) {
      timerAInterval = timers.timerA();
      startTimer(timerAInterval, TransactionState.CALLING, this::timerA);
    }
    startTimer(timers.timerB(), TransactionState.CALLING, this::timerB);
  }

  /** A response matched this transaction. */
  public void receiveResponse(int status, R response) {
    switch (state) {
      case CALLING, PROCEEDING -> {
        if (status < 200) {
          if (state == TransactionState.CALLING) {
            state = TransactionState.PROCEEDING;
            cancelTimers();
            if (cancelled) {
              startCancelGuard();
            }
          }
          user.response(status, response);
        } else if (status < 300) {
          state = TransactionState.ACCEPTED;
          cancelTimers();
          // Accepted (RFC 6026) forwards 2xx retransmissions and never re-sends the INVITE: let it go now
          // rather than hold it for 64*T1
          discard(request);
          request = null;
          startTimer(timers.sixtyFourT1(), TransactionState.ACCEPTED, this::terminate);
          user.response(status, response);
        } else {
          state = TransactionState.COMPLETED;
          cancelTimers();
          discard(request); // Completed re-sends only the ACK
          request = null;
          ack = ackFactory.apply(response);
          transport.send(ack);
          user.response(status, response);
          startTimer(timers.timerD(reliable), TransactionState.COMPLETED, this::terminate);
        }
      }
      case ACCEPTED -> {
        if (status >= 200 && status < 300) {
          user.response(status, response);
        }
      }
      case COMPLETED -> {
        if (status >= 300 && ack != null) {
          transport.send(ack);
        }
      }
      default -> {
        // Terminated: a late response is the TU's to forward statelessly, not ours
      }
    }
  }

  /**
   * The TU sent a CANCEL for this branch. Should the downstream never send a final response, the
   * transaction ends after 64*T1 and the TU hears {@code timedOut}.
   */
  public void cancelled() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    if (state == TransactionState.PROCEEDING) {
      startCancelGuard();
    }
  }

  /**
   * Hands the ACK of the non-2xx final over to whoever re-sends it in this transaction's stead (a lingering
   * record) and forgets it; the transaction is then aborted. Null outside Completed.
   */
  public M takeAck() {
    M taken = ack;
    ack = null;
    return taken;
  }

  /** The INVITE (or the ACK) could not be sent. */
  public void transportError() {
    if (state == TransactionState.CALLING || state == TransactionState.PROCEEDING) {
      user.transportFailed();
      terminate();
    }
  }

  private void startCancelGuard() {
    startTimer(timers.sixtyFourT1(), TransactionState.PROCEEDING, this::timerB);
  }

  private void timerA() {
    transport.send(request);
    timerAInterval = Duration.ofNanos(timerAInterval.toNanos() * 2);
    startTimer(timerAInterval, TransactionState.CALLING, this::timerA);
  }

  private void timerB() {
    user.timedOut();
    terminate();
  }

  @Override
  void releaseMessages() {
    discard(request);
    request = null;
    discard(ack);
    ack = null;
  }

  @Override
  void notifyTerminated() {
    user.terminated();
  }
}
