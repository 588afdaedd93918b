package ai.oneinbox.edge.sip.proxy;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Overload control for new calls: which share of new INVITEs the node answers {@code 503} + Retry-After at
 * once, without a transaction, so that the calls it has accepted can finish.
 *
 * <p>The signal is the kernel's count of datagrams dropped at the node's own SIP sockets for a full receive
 * buffer: the one sign that the node no longer keeps up which a slow machine, a slow agent or a collector
 * pause short enough to be absorbed by the buffer does not give. Once datagrams are lost, every lost one
 * comes back as a retransmission 500 ms later and each call in progress lives longer, so the work grows
 * exactly when there is no CPU for it (docs/PERFORMANCE.md, Eighth look: without this the edge collapsed
 * to 2,974–5,795 calls/s carried when offered 10,500). Each {@link #period} with drops raises the shed
 * share by {@link #STEP_UP} (at most {@link #MAX_SHARE}, so some new calls always get through and the node
 * learns when it is well again), each period without drops lowers it by {@link #STEP_DOWN}: quick to back
 * off, slow to take the load again. A 503 to a new INVITE costs the node the INVITE, the 503 and the ACK: about
 * a fifth of the datagrams of a completed call.
 *
 * <p>{@link #admit} is called on the I/O threads for every new INVITE and is one volatile read while
 * nothing is shed; {@link #period} is called by one thread, every {@link #PERIOD_MILLIS} ms.
 */
public final class LoadShedder {

  /** How often {@link #period} is called in the product (SipEdge). */
  public static final long PERIOD_MILLIS = 100;
  static final double STEP_UP = 0.1;
  static final double STEP_DOWN = 0.01;
  static final double MAX_SHARE = 0.9;

  /** Admits every call, whatever {@link #period} is told: for cores without sockets to watch (the warm-up). */
  public static final LoadShedder NEVER = new LoadShedder(null);

  private final DoubleSupplier random;
  private volatile double share;

  /** A shedder drawing from {@code random} (uniform in [0, 1)) which calls to shed; null: never sheds. */
  LoadShedder(DoubleSupplier random) {
    this.random = random;
  }

  public static LoadShedder create() {
    return new LoadShedder(() -> ThreadLocalRandom.current().nextDouble());
  }

  /** False when this new call is to be answered 503 now. */
  public boolean admit() {
    double s = share;
    return s == 0 || random.getAsDouble() >= s;
  }

  /** One control period: {@code drops} datagrams dropped at the node's sockets since the last one. */
  public void period(long drops) {
    if (random == null) {
      return;
    }
    double s = share;
    if (drops > 0) {
      share = Math.min(MAX_SHARE, s + STEP_UP);
    } else if (s > 0) {
      double lower = s - STEP_DOWN;
      share = lower < STEP_DOWN / 2 ? 0 : lower; // ends exactly at 0, where admit() draws nothing
    }
  }

  /** The share of new calls shed now (a gauge). */
  public double share() {
    return share;
  }
}
