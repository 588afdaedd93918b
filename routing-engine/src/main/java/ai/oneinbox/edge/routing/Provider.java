package ai.oneinbox.edge.routing;

/** Who provides a number or a trunk. */
public enum Provider {
  /** The offline provider of fictional 555-01xx numbers, for development and tests. */
  SANDBOX,
  TWILIO,
  TELNYX,
  /** Any other SIP trunk, checked by source address only. */
  GENERIC
}
