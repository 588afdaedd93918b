package ai.oneinbox.edge.sip.transaction;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Live transactions by {@link TransactionKey}. Entries are added when a transaction starts and removed when
 * it terminates; the table is bounded, so a flood of new transactions is refused (the proxy answers 503)
 * instead of growing the heap. Safe for concurrent use: every event loop matches messages here.
 *
 * @param <T> the transaction (or the object that owns it)
 */
public final class TransactionTable<T> {
  private final ConcurrentHashMap<TransactionKey, T> entries;
  private final AtomicInteger size = new AtomicInteger();
  private final int maxEntries;

  public TransactionTable(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.entries = new ConcurrentHashMap<>(Math.min(maxEntries, 1 << 16));
  }

  public Optional<T> find(TransactionKey key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** The outcome of {@link #add}. */
  public enum AddResult { ADDED, EXISTS, FULL }

  /** Adds {@code value} unless the key is present or the table is full. */
  public AddResult add(TransactionKey key, T value) {
    if (size.incrementAndGet() > maxEntries) {
      size.decrementAndGet();
      return AddResult.FULL;
    }
    if (entries.putIfAbsent(key, value) != null) {
      size.decrementAndGet();
      return AddResult.EXISTS;
    }
    return AddResult.ADDED;
  }

  /** Removes the entry for {@code key} if it is still {@code value}. */
  public void remove(TransactionKey key, T value) {
    if (entries.remove(key, value)) {
      size.decrementAndGet();
    }
  }

  public int size() {
    return size.get();
  }

  public int maxEntries() {
    return maxEntries;
  }
}
