package ai.oneinbox.edge.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Readers never lock and never see a torn or missing entry: numbers present before and after every
 * change stay visible throughout, with one of the routes they had, while a writer churns other numbers,
 * rewrites these, resegments the table and swaps snapshots.
 */
class RoutingTableConcurrencyTest {
  private static final int STABLE = 20_000;
  private static final int READERS = 3;

  private static E164 stable(int i) {
    return E164.of(14_150_000_000L + i);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void readersSeeEveryStableNumberDuringUpdates() throws Exception {
    RoutingTable table = RoutingTable.empty();
    Snapshot.Builder initial = Snapshot.builder(1).agent(Fixtures.agent("A")).agent(Fixtures.agent("B"));
    for (int i = 0; i < STABLE; i++) {
      initial.number(Fixtures.route(stable(i), "A", InboundRouting.DEFAULT));
    }
    table.replace(initial.build());

    AtomicBoolean writing = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    CountDownLatch started = new CountDownLatch(READERS);
    ExecutorService pool = Executors.newFixedThreadPool(READERS);
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < READERS; r++) {
      int seed = r;
      readers.add(pool.submit(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        long lastVersion = 0;
        started.countDown();
        while (writing.get() && problems.size() < 10) {
          int i = random.nextInt(STABLE);
          Optional<NumberRoute> route = table.number(stable(i));
          if (route.isEmpty()) {
            problems.add("stable number " + i + " missing");
          } else if (!route.get().agentId().equals("A") && !route.get().agentId().equals("B")) {
            problems.add("stable number " + i + " has agent " + route.get().agentId());
          }
          RouteDecision d = table.resolve(stable(i), Availability.ALL_AVAILABLE);
          if (!(d instanceof RouteDecision.ToAgent)) {
            problems.add("stable number " + i + " resolved to " + d + ": " + d.trace());
          }
          long v = table.version();
          if (v < lastVersion) {
            problems.add("version went back from " + lastVersion + " to " + v);
          }
          lastVersion = v;
          reads.incrementAndGet();
        }
      }));
    }
    started.await(10, TimeUnit.SECONDS);

    SplittableRandom random = new SplittableRandom(99);
    long version = 1;
    List<Long> churn = new ArrayList<>();
    for (int round = 0; round < 300; round++) {
      List<RouteChange> batch = new ArrayList<>();
      for (int k = 0; k < 50; k++) {
        version++;
        int op = random.nextInt(3);
        if (op == 0) {
          long n = 16_000_000_000L + random.nextLong(1_000_000_000L);
          churn.add(n);
          batch.add(Fixtures.upsert(version,
              Fixtures.route(E164.of(n), "C" + random.nextInt(10), InboundRouting.DEFAULT)));
        } else if (op == 1 && !churn.isEmpty()) {
          batch.add(new RouteChange.NumberRemoved(version,
              E164.of(churn.remove(random.nextInt(churn.size())))));
        } else {
          batch.add(Fixtures.upsert(version, Fixtures.route(stable(random.nextInt(STABLE)),
              random.nextBoolean() ? "A" : "B", InboundRouting.DEFAULT)));
        }
      }
      if (round % 2 == 0) {
        for (RouteChange c : batch) {
          assertTrue(table.apply(c) instanceof ApplyResult.Applied);
        }
      } else {
        assertEquals(new ApplyResult.Applied(version), table.applyAll(batch));
      }
      if (round % 100 == 99) {
        // A full resync: the stable numbers (as B now) plus the churn, swapped in at once.
        Snapshot.Builder b = Snapshot.builder(++version).agent(Fixtures.agent("A"))
            .agent(Fixtures.agent("B"));
        for (int i = 0; i < STABLE; i++) {
          b.number(Fixtures.route(stable(i), "B", InboundRouting.DEFAULT));
        }
        for (long n : churn) {
          b.number(Fixtures.route(E164.of(n), "C0", InboundRouting.DEFAULT));
        }
        table.replace(b.build());
      }
    }
    writing.set(false);
    for (Future<?> f : readers) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(List.of(), List.copyOf(problems));
    assertTrue(reads.get() > 0);
    assertEquals(version, table.version());
  }
}
