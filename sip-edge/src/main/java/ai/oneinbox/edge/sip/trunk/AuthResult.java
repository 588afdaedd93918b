package ai.oneinbox.edge.sip.trunk;

/** What {@link TrunkAuthenticator} concluded, with the reason the call log and the metrics show. */
public sealed interface AuthResult {

  /** Why, in a few words ("twilio range 54.172.60.0/23", "scanner user agent sipvicious"). */
  String reason();

  /** The request comes from a trunk (or passes the binding check). */
  record Accept(String reason) implements AuthResult {}

  /** Answer nothing: a scanner from an untrusted source should not learn that anything listens here. */
  record Drop(String reason) implements AuthResult {}

  /** Answer {@code 403} with {@code reasonPhrase}. */
  record Reject(int status, String reasonPhrase, String reason) implements AuthResult {}
}
