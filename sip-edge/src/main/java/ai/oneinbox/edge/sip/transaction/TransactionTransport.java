package ai.oneinbox.edge.sip.transaction;

/**
 * How a transaction sends its messages. A transaction may send the same message several times
 * (retransmissions); {@code send} therefore must not take ownership of the message. When the transaction
 * no longer needs a message it hands it to {@link #discard} once, which releases whatever the message holds
 * (e.g. a reference-counted buffer).
 *
 * @param <M> the message type of the SIP layer
 */
public interface TransactionTransport<M> {

  /** Sends {@code message}; a failure is reported back through the transaction's {@code transportError()}. */
  void send(M message);

  /** The transaction is done with {@code message}. */
  void discard(M message);
}
