package ai.oneinbox.edge.sip.transaction;

/**
 * The states of the four RFC 3261 §17 state machines, with RFC 6026's Accepted state for INVITE (each machine
 * uses a subset; see each class's diagram).
 */
public enum TransactionState {
  CALLING,
  TRYING,
  PROCEEDING,
  /** RFC 6026: a 2xx was sent/received; retransmissions of the request (server) or the 2xx (client) are handled here. */
  ACCEPTED,
  COMPLETED,
  CONFIRMED,
  TERMINATED
}
