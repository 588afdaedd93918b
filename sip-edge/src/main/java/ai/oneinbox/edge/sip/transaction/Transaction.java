package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What the four state machines share: the state, the timers that are running (cancelled on every state
 * change that makes them moot, and all at termination) and the messages held for retransmission. Every
 * method runs on the transaction's {@link TimerScheduler}.
 */
abstract class Transaction<M> {
  final SipTimers timers;
  final TimerScheduler scheduler;
  final TransactionTransport<M> transport;
  final boolean reliable;
  private final List<TimerScheduler.Timer> running = new ArrayList<>(3);
  TransactionState state;

  Transaction(SipTimers timers, TimerScheduler scheduler, TransactionTransport<M> transport,
      boolean reliable, TransactionState initial) {
    this.timers = timers;
    this.scheduler = scheduler;
    this.transport = transport;
    this.reliable = reliable;
    this.state = initial;
  }

  public final TransactionState state() {
    return state;
  }

  public final boolean isTerminated() {
    return state == TransactionState.TERMINATED;
  }

  /** Starts a timer that fires only if the transaction is still in {@code whileIn} by then. */
  final void startTimer(Duration delay, TransactionState whileIn, Runnable onFire) {
    startTimer(delay, EnumSet.of(whileIn), onFire);
  }

  /** Starts a timer that fires only if the transaction is still in one of {@code whileIn} by then. */
  final void startTimer(Duration delay, Set<TransactionState> whileIn, Runnable onFire) {
    if (delay.isZero()) {
      onFire.run();
      return;
    }
    TimerScheduler.Timer[] self = new TimerScheduler.Timer[1];
    self[0] = scheduler.schedule(delay, () -> {
      running.remove(self[0]);
      if (whileIn.contains(state)) {
        onFire.run();
      }
    });
    running.add(self[0]);
  }

  final void cancelTimers() {
    for (TimerScheduler.Timer t : running) {
      t.cancel();
    }
    running.clear();
  }

  /** Moves to Terminated once: cancels timers, lets go of held messages, tells the TU. */
  final void terminate() {
    if (state == TransactionState.TERMINATED) {
      return;
    }
    state = TransactionState.TERMINATED;
    cancelTimers();
    releaseMessages();
    notifyTerminated();
  }

  abstract void releaseMessages();

  abstract void notifyTerminated();

  final void discard(M message) {
    if (message != null) {
      transport.discard(message);
    }
  }
}
