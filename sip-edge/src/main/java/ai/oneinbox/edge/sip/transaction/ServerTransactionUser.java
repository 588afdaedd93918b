package ai.oneinbox.edge.sip.transaction;

/** What a server transaction reports to its transaction user (the proxy core). Called on the scheduler. */
public interface ServerTransactionUser {

  /** Timer H fired: the final response was never acknowledged. */
  default void timedOut() {}

  /** A response could not be sent (RFC 3261 §17.2.4). */
  default void transportFailed() {}

  /** The transaction reached Terminated; it must be removed from the transaction table. */
  void terminated();
}
