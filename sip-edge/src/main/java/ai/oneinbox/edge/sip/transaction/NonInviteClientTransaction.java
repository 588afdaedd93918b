package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The non-INVITE client transaction, RFC 3261 §17.1.2.
 *
 * <pre>
 *                                    |Request from TU
 *                                    |send request
 *                Timer E             V
 *                send request  +-----------+
 *                    +---------|           |-------------------+
 *                    |         |  Trying   |  Timer F          |
 *                    +-------->|           |  or Transport Err.|
 *                              +-----------+  inform TU        |
 *                 200-699         |  |                         |
 *                 resp. to TU     |  |1xx                      |
 *                 +---------------+  |resp. to TU              |
 *                 |                  |                         |
 *                 |   Timer E        V       Timer F           |
 *                 |   send req +-----------+ or Transport Err. |
 *                 |  +---------|           | inform TU         |
 *                 |  |         |Proceeding |------------------>|
 *                 |  +-------->|           |-----+             |
 *                 |            +-----------+     |1xx          |
 *                 |              |      ^        |resp to TU   |
 *                 | 200-699      |      +--------+             |
 *                 | resp. to TU  |                             |
 *                 |              |                             |
 *                 |              V                             |
 *                 |            +-----------+                   |
 *                 |            |           |                   |
 *                 |            | Completed |                   |
 *                 |            |           |                   |
 *                 |            +-----------+                   |
 *                 |              ^   |                         |
 *                 |              |   | Timer K                 |
 *                 +--------------+   | -                       |
 *                                    |                         |
 *                                    V                         |
 *              NOTE:           +-----------+                   |
 *                              |           |                   |
 *          transitions         | Terminated|<------------------+
 *          labeled with        |           |
 *          the event           +-----------+
 *          over the action
 *          to take
 * </pre>
 *
 * Timer E runs over unreliable transports only: T1 doubling up to T2 in Trying, T2 in Proceeding. Timer F
 * is 64*T1. Timer K is T4 unreliable, zero reliable.
 *
 * <p>Responses are lent (never kept or released here); the request is owned and discarded at termination.
 *
 * @param <M> the type of the messages it sends
 * @param <R> the type of the responses it receives
 */
public final class NonInviteClientTransaction<M, R> extends Transaction<M> {
  private static final Set<TransactionState> PENDING =
      EnumSet.of(TransactionState.TRYING, TransactionState.PROCEEDING);
  private M request;
  private final ClientTransactionUser<R> user;
  private Duration timerEInterval;

  public NonInviteClientTransaction(SipTimers timers, TimerScheduler scheduler,
      TransactionTransport<M> transport, boolean reliable, M request, ClientTransactionUser<R> user) {
    super(timers, scheduler, transport, reliable, TransactionState.TRYING);
    this.request = request;
    this.user = user;
  }

  /** Sends the request and starts timers E and F. */
  public void start() {
    transport.send(request);
    if (state != TransactionState.TRYING) {
      return;
    }
    if (!reliable) {
      timerEInterval = timers.timerE();
      startTimer(timerEInterval, PENDING, this::timerE);
    }
    startTimer(timers.timerF(), PENDING, this::timerF);
  }

  /** A response matched this transaction (retransmitted finals in Completed are absorbed). */
  public void receiveResponse(int status, R response) {
    if (state != TransactionState.TRYING && state != TransactionState.PROCEEDING) {
      return;
    }
    if (status < 200) {
      // Timers E and F keep running: both fire in Trying and in Proceeding.
      state = TransactionState.PROCEEDING;
      user.response(status, response);
      return;
    }
    state = TransactionState.COMPLETED;
    cancelTimers();
    // Completed only absorbs retransmitted finals: the request is never sent again, so let it go now
    // rather than hold it through timer K
    discard(request);
    request = null;
    user.response(status, response);
    startTimer(timers.timerK(reliable), TransactionState.COMPLETED, this::terminate);
  }

  /** The request could not be sent. */
  public void transportError() {
    if (state == TransactionState.TRYING || state == TransactionState.PROCEEDING) {
      user.transportFailed();
      terminate();
    }
  }

  private void timerE() {
    transport.send(request);
    timerEInterval = state == TransactionState.TRYING
        ? timers.doubledCappedAtT2(timerEInterval)
        : timers.t2();
    startTimer(timerEInterval, PENDING, this::timerE);
  }

  private void timerF() {
    user.timedOut();
    terminate();
  }

  @Override
  void releaseMessages() {
    discard(request);
    request = null;
  }

  @Override
  void notifyTerminated() {
    user.terminated();
  }
}
