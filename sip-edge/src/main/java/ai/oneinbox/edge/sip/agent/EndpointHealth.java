package ai.oneinbox.edge.sip.agent;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Health of agent endpoints (SIP URIs) from OPTIONS probes, with hysteresis: an endpoint goes down after
 * {@code downAfter} missed probes in a row and comes back after {@code upAfter} answers in a row, so one lost
 * datagram neither takes an agent out nor a flapping one back in. An endpoint never probed is up.
 *
 * <p>A probe's answer is any response (even 404 or 501: the endpoint is alive and speaks SIP); a miss is a
 * timeout or a transport error.
 */
public final class EndpointHealth {
  private final int downAfter;
  private final int upAfter;
  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

  /** Per endpoint: up or down, and how many results in a row point the other way. */
  private static final class State {
    boolean up = true;
    int streak;
  }

  public EndpointHealth(int downAfter, int upAfter) {
    if (downAfter < 1 || upAfter < 1) {
      throw new IllegalArgumentException("downAfter and upAfter must be at least 1");
    }
    this.downAfter = downAfter;
    this.upAfter = upAfter;
  }

  public boolean isUp(String endpoint) {
    State s = states.get(endpoint);
    return s == null || s.up;
  }

  /** The endpoint answered a probe. Returns true when this flipped it up. */
  public boolean answered(String endpoint) {
    State s = states.computeIfAbsent(endpoint, e -> new State());
    synchronized (s) {
      if (s.up) {
        s.streak = 0;
        return false;
      }
      if (++s.streak >= upAfter) {
        s.up = true;
        s.streak = 0;
        return true;
      }
      return false;
    }
  }

  /** The endpoint missed a probe. Returns true when this flipped it down. */
  public boolean missed(String endpoint) {
    State s = states.computeIfAbsent(endpoint, e -> new State());
    synchronized (s) {
      if (!s.up) {
        s.streak = 0;
        return false;
      }
      if (++s.streak >= downAfter) {
        s.up = false;
        s.streak = 0;
        return true;
      }
      return false;
    }
  }

  /** Forgets endpoints no agent uses any more. */
  public void retainOnly(java.util.Set<String> endpoints) {
    states.keySet().retainAll(endpoints);
  }
}
