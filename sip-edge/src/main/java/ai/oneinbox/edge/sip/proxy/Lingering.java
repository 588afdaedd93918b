package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.sip.message.SipResponse;
import ai.oneinbox.edge.sip.transaction.TimerScheduler;
import ai.oneinbox.edge.sip.transaction.TransactionKey;
import ai.oneinbox.edge.sip.transport.Transport;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What is left of finished transactions while they linger for their RFC 3261/6026 timers, kept in
 * primitive arrays instead of transaction objects (ADR 0006).
 *
 * <p>A transaction that has its final answer only waits out a timer (L, M, J, D; I, K) to absorb
 * retransmissions: one record says how to treat what still matches it. {@link #ABSORB} drops it (an INVITE
 * server transaction Accepted or Confirmed, a non-INVITE client transaction Completed); {@link #RESEND}
 * answers a retransmitted request with the final response again (non-INVITE server, Completed);
 * {@link #RESEND_ACK} answers a retransmitted non-2xx final with the ACK again (INVITE client, Completed);
 * {@link #FORWARD_2XX} passes a retransmitted 2xx upstream and drops anything else (INVITE client,
 * Accepted). Records are matched by a 64-bit hash of the transaction key, seeded per node so that nobody
 * outside can aim a key at another's record, and checked against the key's own hash code too.
 *
 * <p>One store holds records of one lingering time, so they end in the order they were added: the records
 * are a ring, the oldest at its head, and an expiry pass drops the head while it is due. The ring grows up
 * to {@code maxRecords}; when full, the oldest record is ended early ({@code onEvicted}), as Kamailio ends
 * all of them after its wait timer. A record holds at most one shared address and the octets of one message
 * to send again, so a finished call costs the collector nothing while it lingers.
 *
 * <p>Those octets (a BYE's final answer, a failed leg's ACK) are copied into a byte ring of the store's own,
 * and the message's buffer is released when the record is added: a pooled buffer kept for 64*T1 would be a
 * Java object per finished call living through a dozen young collections at thousands of calls a second,
 * which the collector promotes and then has to reclaim from the old generation (ADR 0004 §2). The records
 * end in order, so their octets do too: the ring's oldest octets belong to the oldest record that has any.
 * It grows by doubling, as the records' ring does; a re-send copies the octets into a new buffer.
 *
 * <p>Touched only on its shard's scheduler, except {@link #size} (a gauge).
 */
final class Lingering {
  static final byte ABSORB = 0;
  static final byte RESEND = 1;
  static final byte RESEND_ACK = 2;
  static final byte FORWARD_2XX = 3;

  private static final int INITIAL_CAPACITY = 1024;
  private static final int INITIAL_OCTETS = 64 * 1024;
  /** The byte ring's bound (1 GiB, the largest power of two an array holds). */
  private static final int MAX_OCTETS = 1 << 30;
  /** Expired records are dropped in passes at most this often, so the pass costs nothing per call. */
  private static final long PASS_NANOS = Duration.ofMillis(100).toNanos();
  private static final TransportKind[] KINDS = TransportKind.values();

  private final Transport transport;
  private final ByteBufAllocator alloc;
  private final TimerScheduler scheduler;
  private final LongSupplier nanoTime;
  private final int maxRecords;
  private final Runnable onEvicted;

  // The ring: the record with sequence number n is at slot n & mask; the oldest is at head.
  private long[] hashes;
  private int[] checks;
  private long[] deadlines;
  private byte[] actions;
  private byte[] transports;
  private InetSocketAddress[] peers;
  /** Per slot: where its octets start in the byte ring (a position that only grows) and how many; 0: none. */
  private long[] octetStarts;
  private int[] octetLengths;
  /** Per slot: the next slot (+1) in the same bucket, newest first; 0 ends the chain. */
  private int[] chain;
  /** Per bucket (hash & mask): the newest slot (+1) in it; 0 when empty. */
  private int[] buckets;
  private int mask;
  private int head;
  // The byte ring: position p is at octets[p & octetMask]; the live octets are [octetHead, octetTail).
  private byte[] octets = new byte[INITIAL_OCTETS];
  private int octetMask = INITIAL_OCTETS - 1;
  private long octetHead;
  private long octetTail;
  /** Written only on the shard's scheduler; the gauge's read from another thread may be a moment stale. */
  private int size;
  private TimerScheduler.Timer pass;

  Lingering(Transport transport, ByteBufAllocator alloc, TimerScheduler scheduler, LongSupplier nanoTime,
      int maxRecords, Runnable onEvicted) {
    if (maxRecords < 1) {
      throw new IllegalArgumentException("maxRecords must be positive: " + maxRecords);
    }
    this.transport = transport;
    this.alloc = alloc;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.maxRecords = maxRecords;
    this.onEvicted = onEvicted;
    allocate(Math.min(INITIAL_CAPACITY, ceilingPowerOfTwo(maxRecords)));
  }

  static int ceilingPowerOfTwo(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  private void allocate(int capacity) {
    hashes = new long[capacity];
    checks = new int[capacity];
    deadlines = new long[capacity];
    actions = new byte[capacity];
    transports = new byte[capacity];
    peers = new InetSocketAddress[capacity];
    octetStarts = new long[capacity];
    octetLengths = new int[capacity];
    chain = new int[capacity];
    buckets = new int[capacity];
    mask = capacity - 1;
    head = 0;
  }

  int size() {
    return size;
  }

  /**
   * Adds a record lingering for {@code linger}: {@code buffer} (taken over and released here; may be null)
   * holds what {@link #RESEND} and {@link #RESEND_ACK} send again, and {@code peer} over {@code kind} is
   * where to.
   */
  void add(long hash, int check, Duration linger, byte action, ByteBuf buffer, TransportKind kind,
      InetSocketAddress peer) {
    int n = size;
    if (n >= maxRecords) {
      dropHead();
      onEvicted.run();
      n--;
    } else if (n == mask + 1) {
      grow();
    }
    int slot = (head + n) & mask;
    hashes[slot] = hash;
    checks[slot] = check;
    deadlines[slot] = nanoTime.getAsLong() + linger.toNanos();
    actions[slot] = action;
    transports[slot] = kind == null ? 0 : (byte) kind.ordinal();
    peers[slot] = peer;
    keepOctets(slot, buffer);
    int bucket = (int) hash & mask;
    chain[slot] = buckets[bucket];
    buckets[bucket] = slot + 1;
    size = n + 1;
    if (pass == null) {
      schedulePass(linger.toNanos());
    }
  }

  /**
   * A request matched {@code hash}/{@code check} in a server record: absorbed, or answered again. False when
   * no live record has that key.
   */
  boolean request(long hash, int check) {
    int slot = find(hash, check);
    if (slot < 0) {
      return false;
    }
    if (actions[slot] == RESEND && octetLengths[slot] > 0) {
      send(slot, copyOctets(slot));
    }
    return true;
  }

  /** A response matched a client record: absorbed, answered with the ACK again, or forwarded upstream. */
  boolean response(long hash, int check, SipResponse response) {
    int slot = find(hash, check);
    if (slot < 0) {
      return false;
    }
    int status = response.statusCode();
    switch (actions[slot]) {
      case RESEND_ACK -> {
        if (status >= 300 && octetLengths[slot] > 0) {
          send(slot, copyOctets(slot));
        }
      }
      case FORWARD_2XX -> {
        if (status >= 200 && status < 300) {
          send(slot, response.edit().popVia().encode(alloc)); // RFC 3261 §16.7 step 5: every 2xx goes up
        }
      }
      default -> {
        // absorbed
      }
    }
    return true;
  }

  /** True when a live record has this key (a CANCEL finds its INVITE answered already). */
  boolean contains(long hash, int check) {
    return find(hash, check) >= 0;
  }

  private int find(long hash, int check) {
    if (size == 0) {
      return -1;
    }
    for (int link = buckets[(int) hash & mask]; link != 0; link = chain[link - 1]) {
      int slot = link - 1;
      if (hashes[slot] == hash && checks[slot] == check) {
        return deadlines[slot] - nanoTime.getAsLong() > 0 ? slot : -1;
      }
    }
    return -1;
  }

  private void send(int slot, ByteBuf octets) {
    // Like the transactions it stands in for, a failed re-send changes nothing: the record ends on time.
    transport.send(KINDS[transports[slot]], peers[slot], octets);
  }

  /** Ends every record now (the node stops): nothing sent. */
  void clear() {
    while (size > 0) {
      dropHead();
    }
    if (pass != null) {
      pass.cancel();
      pass = null;
    }
  }

  private void expire() {
    pass = null;
    long now = nanoTime.getAsLong();
    while (size > 0 && deadlines[head] - now <= 0) {
      dropHead();
    }
    if (size > 0) {
      schedulePass(deadlines[head] - now);
    }
  }

  private void schedulePass(long inNanos) {
    pass = scheduler.schedule(Duration.ofNanos(Math.max(inNanos, PASS_NANOS)), this::expire);
  }

  private void dropHead() {
    int slot = head;
    unlink(slot);
    int length = octetLengths[slot];
    if (length > 0) {
      // the oldest record with octets holds the ring's oldest octets
      octetHead = octetStarts[slot] + length;
      octetLengths[slot] = 0;
    }
    peers[slot] = null;
    head = (head + 1) & mask;
    size = size - 1;
  }

  /** Removes {@code slot} from its bucket's chain: the oldest record, so the chain's last link. */
  private void unlink(int slot) {
    int bucket = (int) hashes[slot] & mask;
    int link = buckets[bucket];
    if (link == slot + 1) {
      buckets[bucket] = chain[slot];
      return;
    }
    while (link != 0) {
      int at = link - 1;
      if (chain[at] == slot + 1) {
        chain[at] = chain[slot];
        return;
      }
      link = chain[at];
    }
  }

  /** Doubles the ring, the oldest record moving to slot 0, and builds the buckets again. */
  private void grow() {
    long[] oldHashes = hashes;
    int[] oldChecks = checks;
    long[] oldDeadlines = deadlines;
    byte[] oldActions = actions;
    byte[] oldTransports = transports;
    InetSocketAddress[] oldPeers = peers;
    long[] oldOctetStarts = octetStarts;
    int[] oldOctetLengths = octetLengths;
    int oldMask = mask;
    int oldHead = head;
    int n = size;
    allocate((oldMask + 1) * 2);
    for (int i = 0; i < n; i++) {
      int from = (oldHead + i) & oldMask;
      hashes[i] = oldHashes[from];
      checks[i] = oldChecks[from];
      deadlines[i] = oldDeadlines[from];
      actions[i] = oldActions[from];
      transports[i] = oldTransports[from];
      peers[i] = oldPeers[from];
      octetStarts[i] = oldOctetStarts[from];
      octetLengths[i] = oldOctetLengths[from];
      int bucket = (int) hashes[i] & mask;
      chain[i] = buckets[bucket];
      buckets[bucket] = i + 1;
    }
  }

  /**
   * Copies {@code buffer}'s readable octets to the byte ring's tail for {@code slot}, and releases it. Octets
   * that would take the ring past {@link #MAX_OCTETS} are not kept: that record then absorbs what it would
   * have answered, as a record evicted early does.
   */
  private void keepOctets(int slot, ByteBuf buffer) {
    octetLengths[slot] = 0;
    if (buffer == null) {
      return;
    }
    try {
      int length = buffer.readableBytes();
      long needed = octetTail - octetHead + length;
      if (length == 0 || needed > MAX_OCTETS) {
        return;
      }
      if (needed > octets.length) {
        growOctets(needed);
      }
      int at = (int) octetTail & octetMask;
      int first = Math.min(length, octets.length - at);
      buffer.getBytes(buffer.readerIndex(), octets, at, first);
      if (first < length) {
        buffer.getBytes(buffer.readerIndex() + first, octets, 0, length - first);
      }
      octetStarts[slot] = octetTail;
      octetLengths[slot] = length;
      octetTail += length;
    } finally {
      buffer.release();
    }
  }

  /** A new buffer with {@code slot}'s octets, for the transport to send and release. */
  private ByteBuf copyOctets(int slot) {
    int length = octetLengths[slot];
    ByteBuf copy = alloc.buffer(length);
    int at = (int) octetStarts[slot] & octetMask;
    int first = Math.min(length, octets.length - at);
    copy.writeBytes(octets, at, first);
    if (first < length) {
      copy.writeBytes(octets, 0, length - first);
    }
    return copy;
  }

  /** Doubles the byte ring until {@code needed} octets fit; live octets keep their positions. */
  private void growOctets(long needed) {
    int capacity = octets.length;
    while (capacity < needed) {
      capacity *= 2;
    }
    byte[] grown = new byte[capacity];
    int newMask = capacity - 1;
    for (long p = octetHead; p < octetTail; ) {
      int from = (int) p & octetMask;
      int to = (int) p & newMask;
      int run = (int) Math.min(octetTail - p, Math.min(octets.length - from, capacity - to));
      System.arraycopy(octets, from, grown, to, run);
      p += run;
    }
    octets = grown;
    octetMask = newMask;
  }

  // --------------------------------------------------------------------------------------- key hashes

  /**
   * The 64-bit hash a record is matched by: FNV-1a over the key's branch, sent-by and method (each ended by
   * its length, so no field can borrow from the next) from a per-node seed, then MurmurHash3's finaliser.
   * {@code server} separates the two tables' keys.
   */
  static long hash(long seed, TransactionKey key, boolean server) {
    long h = seed ^ (server ? 0x9E3779B97F4A7C15L : 0xC2B2AE3D27D4EB4FL);
    h = mix(h, key.branch());
    h = mix(h, key.sentBy());
    h = mix(h, key.method());
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }

  private static long mix(long h, String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    return (h ^ s.length()) * 0x100000001B3L;
  }
}
