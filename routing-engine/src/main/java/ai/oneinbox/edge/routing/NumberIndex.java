package ai.oneinbox.edge.routing;

import java.util.function.LongConsumer;

/**
 * The number → value map of the routing table: open addressing over {@code long[]}, split into
 * segments so that a change copies one small segment instead of the whole map.
 *
 * <p>A segment is one {@code long[]} of {@code 2 * capacity + 1} longs: key and value side by side
 * (one cache line serves both), linear probing, key 0 = empty slot (no E.164 number is 0), and the
 * entry count in the last element. The directory ({@code long[][]}) picks a segment with the high half
 * of the key's hash; the slot within it comes from the low half. Published segments are never written
 * again: readers need no lock and never see a torn entry.
 */
final class NumberIndex {
  private NumberIndex() {}

  /** Entries per segment aimed at when a directory is built. */
  static final int TARGET_PER_SEGMENT = 512;
  /** A directory is rebuilt with more segments when it averages this many entries per segment. */
  static final int MAX_AVERAGE_PER_SEGMENT = 4 * TARGET_PER_SEGMENT;

  static final long[] EMPTY_SEGMENT = {0L};
  static final long[][] EMPTY_DIRECTORY = {EMPTY_SEGMENT};

  /** MurmurHash3's 64-bit finaliser: every key bit moves every hash bit. */
  static long mix(long key) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  static int segmentOf(long hash, int mask) {
    return (int) (hash >>> 32) & mask;
  }

  private static int slotOf(long hash, int capacity) {
    return (int) (((hash & 0xFFFF_FFFFL) * capacity) >>> 32);
  }

  /** The value of {@code key}, or -1. */
  static long get(long[][] directory, int mask, long key) {
    long h = mix(key);
    return getInSegment(directory[segmentOf(h, mask)], h, key);
  }

  static long getInSegment(long[] segment, long hash, long key) {
    int capacity = segment.length >>> 1;
    if (capacity == 0) {
      return -1;
    }
    int i = slotOf(hash, capacity);
    for (;;) {
      long k = segment[i << 1];
      if (k == key) {
        return segment[(i << 1) + 1];
      }
      if (k == 0) {
        return -1;
      }
      // Wrap to slot 0 without a branch: (capacity - 1 - i) >> 31 is all ones only when i == capacity. A
      // probe crosses the segment's end so rarely that C2 compiles an "if" here as a trap; the first lookup
      // that wraps then throws away the compiled call path around it (routing, InviteCall.route, startLeg)
      // and recompiles it, ~400 ms of C2 on a node already taking calls (docs/PERFORMANCE.md, Fourth look).
      i++;
      i &= ~((capacity - 1 - i) >> 31);
    }
  }

  static int count(long[] segment) {
    return (int) segment[segment.length - 1];
  }

  static int capacity(long[] segment) {
    return segment.length >>> 1;
  }

  /** Slots for {@code count} entries at a load of at most 0.6. */
  static int capacityFor(int count) {
    return count == 0 ? 0 : count + (count * 2) / 3 + 1;
  }

  /** Whether one more entry keeps the load at or under 0.75 (in-place insert allowed). */
  static boolean hasRoom(long[] segment) {
    int capacity = capacity(segment);
    return (count(segment) + 1) * 4L <= capacity * 3L;
  }

  static long[] newSegment(int count) {
    int capacity = capacityFor(count);
    return capacity == 0 ? EMPTY_SEGMENT : new long[2 * capacity + 1];
  }

  /**
   * Puts {@code key → value} into a segment not yet published, which has room. Returns the replaced
   * value, or -1.
   */
  static long putInPlace(long[] segment, long hash, long key, long value) {
    int capacity = capacity(segment);
    int i = slotOf(hash, capacity);
    for (;;) {
      long k = segment[i << 1];
      if (k == key) {
        long old = segment[(i << 1) + 1];
        segment[(i << 1) + 1] = value;
        return old;
      }
      if (k == 0) {
        segment[i << 1] = key;
        segment[(i << 1) + 1] = value;
        segment[segment.length - 1]++;
        return -1;
      }
      if (++i == capacity) {
        i = 0;
      }
    }
  }

  /** A new segment with the entries of {@code segment}, except {@code without} (0: none), for
   * {@code expected} entries. */
  static long[] rebuilt(long[] segment, long without, int expected) {
    long[] result = newSegment(expected);
    int capacity = capacity(segment);
    for (int i = 0; i < capacity; i++) {
      long k = segment[i << 1];
      if (k != 0 && k != without) {
        putInPlace(result, mix(k), k, segment[(i << 1) + 1]);
      }
    }
    return result;
  }

  /** Number of segments (a power of two) for {@code size} entries. */
  static int segmentsFor(int size) {
    int wanted = Math.max(1, (size + TARGET_PER_SEGMENT - 1) / TARGET_PER_SEGMENT);
    return wanted == 1 ? 1 : Integer.highestOneBit(wanted - 1) << 1;
  }

  /**
   * A directory holding {@code keys[i] → values[i]} for {@code i < n}; a later duplicate key replaces
   * the earlier value, which is passed to {@code replaced}.
   */
  static long[][] build(long[] keys, long[] values, int n, LongConsumer replaced) {
    int segments = segmentsFor(n);
    int mask = segments - 1;
    int[] counts = new int[segments];
    for (int i = 0; i < n; i++) {
      counts[segmentOf(mix(keys[i]), mask)]++;
    }
    long[][] directory = new long[segments][];
    for (int s = 0; s < segments; s++) {
      directory[s] = newSegment(counts[s]);
    }
    for (int i = 0; i < n; i++) {
      long h = mix(keys[i]);
      long old = putInPlace(directory[segmentOf(h, mask)], h, keys[i], values[i]);
      if (old >= 0) {
        replaced.accept(old);
      }
    }
    return directory;
  }

  /** All entries of a directory, into {@code keys} and {@code values} (sized for them). */
  static int collect(long[][] directory, long[] keys, long[] values) {
    int n = 0;
    for (long[] segment : directory) {
      int capacity = capacity(segment);
      for (int i = 0; i < capacity; i++) {
        long k = segment[i << 1];
        if (k != 0) {
          keys[n] = k;
          values[n] = segment[(i << 1) + 1];
          n++;
        }
      }
    }
    return n;
  }
}
