package ai.oneinbox.edge.sip.transaction;

/**
 * What a client transaction reports to its transaction user (the proxy core). Called on the scheduler.
 *
 * @param <R> the response type
 */
public interface ClientTransactionUser<R> {

  /**
   * A response the TU must see (every provisional, the first final, and, for INVITE, 2xx retransmissions).
   * The response is lent for the duration of the call: the TU retains it if it keeps it.
   */
  void response(int status, R response);

  /** Timer B or F fired (or the cancelled branch never answered): no final response will come. Reported before {@link #terminated}. */
  void timedOut();

  /** The request could not be sent (RFC 3261 §17.1.4). */
  void transportFailed();

  /** The transaction reached Terminated; it must be removed from the transaction table. */
  void terminated();
}
