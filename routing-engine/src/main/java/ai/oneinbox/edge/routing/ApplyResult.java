package ai.oneinbox.edge.routing;

/** What {@link RoutingTable#apply} did with a change. */
public sealed interface ApplyResult {
  /** The table's version after the call. */
  long tableVersion();

  /** The change was the next version and is now visible to readers. */
  record Applied(long tableVersion) implements ApplyResult {}

  /** The change's version was already applied (a replay); nothing changed. */
  record AlreadyApplied(long version, long tableVersion) implements ApplyResult {}

  /**
   * The change skips versions: {@code expected} is the one the table needs next, {@code got} the one
   * offered. Nothing changed; the caller must resync (replay from {@code expected}, or a snapshot).
   */
  record Gap(long expected, long got, long tableVersion) implements ApplyResult {}
}
