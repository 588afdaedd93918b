package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;
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
  /** The timers running, newest first (at most three at a time); null when none. */
  private Armed running;
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
    startTimer(delay, 1 << whileIn.ordinal(), onFire);
  }

  /** Starts a timer that fires only if the transaction is still in one of {@code whileIn} by then. */
  final void startTimer(Duration delay, Set<TransactionState> whileIn, Runnable onFire) {
    int mask = 0;
    for (TransactionState s : whileIn) {
      mask |= 1 << s.ordinal();
    }
    startTimer(delay, mask, onFire);
  }

  private void startTimer(Duration delay, int whileIn, Runnable onFire) {
    if (delay.isZero()) {
      onFire.run();
      return;
    }
    Armed armed = new Armed(whileIn, onFire);
    armed.next = running;
    running = armed;
    armed.timer = scheduler.schedule(delay, armed);
  }

  final void cancelTimers() {
    for (Armed a = running; a != null; a = a.next) {
      if (a.timer != null) {
        a.timer.cancel();
      }
    }
    running = null;
  }

  /**
   * One running timer: the states it may fire in (a bit per {@link TransactionState}), what it does, its
   * handle, and the next running timer. One object, because transactions linger for up to 64*T1 with a
   * timer pending, thousands of calls a second.
   */
  private final class Armed implements Runnable {
    final int whileIn;
    final Runnable onFire;
    TimerScheduler.Timer timer;
    Armed next;

    Armed(int whileIn, Runnable onFire) {
      this.whileIn = whileIn;
      this.onFire = onFire;
    }

    @Override
    public void run() {
      unlink(this);
      if ((whileIn & (1 << state.ordinal())) != 0) {
        onFire.run();
      }
    }
  }

  private void unlink(Armed armed) {
    if (running == armed) {
      running = armed.next;
      return;
    }
    for (Armed a = running; a != null; a = a.next) {
      if (a.next == armed) {
        a.next = armed.next;
        return;
      }
    }
  }

  /**
   * Ends the transaction now, whatever its state (the node is stopping): timers cancelled, held messages
   * released, the TU told {@code terminated}. Nothing is sent.
   */
  public final void abort() {
    terminate();
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
