package ai.oneinbox.edge.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table against a plain HashMap, over random changes that grow, shrink and resegment it. */
class NumberIndexTest {

  @Test
  void randomChangesAgreeWithAHashMap() {
    SplittableRandom random = new SplittableRandom(42);
    RoutingTable table = RoutingTable.empty();
    Map<Long, String> model = new HashMap<>();
    List<Long> keys = new ArrayList<>();
    long version = 0;
    for (int round = 0; round < 40; round++) {
      List<RouteChange> batch = new ArrayList<>();
      int n = round % 3 == 0 ? 1 : 500;
      for (int i = 0; i < n; i++) {
        version++;
        if (!keys.isEmpty() && random.nextInt(4) == 0) {
          long key = keys.get(random.nextInt(keys.size()));
          batch.add(new RouteChange.NumberRemoved(version, E164.of(key)));
          model.remove(key);
        } else {
          long key = random.nextInt(3) == 0 && !keys.isEmpty()
              ? keys.get(random.nextInt(keys.size()))
              : 10_000_000_000L + random.nextLong(89_999_999_999L);
          String agent = "agent-" + random.nextInt(50);
          batch.add(new RouteChange.NumberUpserted(version,
              Fixtures.route(E164.of(key), agent, InboundRouting.DEFAULT)));
          if (model.put(key, agent) == null) {
            keys.add(key);
          }
        }
      }
      if (n == 1) {
        table.apply(batch.get(0));
      } else {
        table.applyAll(batch);
      }
      assertEquals(version, table.version());
      assertEquals(model.size(), table.size());
      for (long key : keys) {
        assertEquals(Optional.ofNullable(model.get(key)),
            table.number(E164.of(key)).map(NumberRoute::agentId), "number " + key);
      }
    }
    assertTrue(model.size() > NumberIndex.MAX_AVERAGE_PER_SEGMENT, "grew past one segment");
    long distinctAgents = model.values().stream().distinct().count();
    assertEquals(distinctAgents, table.shapeCount());
  }

  @Test
  void snapshotOfManyNumbersFindsEachOne() {
    Snapshot.Builder b = Snapshot.builder(7);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      b.number(Fixtures.route(E164.of(14_150_000_000L + i * 7L), "a" + (i % 100),
          InboundRouting.DEFAULT));
    }
    RoutingTable table = RoutingTable.empty();
    table.replace(b.build());
    assertEquals(n, table.size());
    for (int i = 0; i < n; i++) {
      assertEquals("a" + (i % 100),
          table.number(E164.of(14_150_000_000L + i * 7L)).orElseThrow().agentId());
      assertTrue(!table.contains(E164.of(14_150_000_000L + i * 7L + 1)));
    }
    assertEquals(100, table.shapeCount());
  }

  @Test
  void segmentCountIsAPowerOfTwoNearTheTarget() {
    assertEquals(1, NumberIndex.segmentsFor(0));
    assertEquals(1, NumberIndex.segmentsFor(512));
    assertEquals(2, NumberIndex.segmentsFor(513));
    assertEquals(2048, NumberIndex.segmentsFor(1_000_000));
  }

  @Test
  void aProbeThatRunsOffTheSegmentsEndWrapsToItsStart() {
    long[] segment = NumberIndex.newSegment(4);
    int capacity = NumberIndex.capacity(segment);
    // keys whose home slot is the last one: the second and third are stored in slots 0 and 1
    List<Long> last = new ArrayList<>();
    for (long k = 14_155_550_000L; last.size() < 4; k++) {
      long h = NumberIndex.mix(k);
      if ((int) (((h & 0xFFFF_FFFFL) * capacity) >>> 32) == capacity - 1) {
        last.add(k);
      }
    }
    for (int i = 0; i < 3; i++) {
      NumberIndex.putInPlace(segment, NumberIndex.mix(last.get(i)), last.get(i), 100 + i);
    }
    assertEquals(last.get(1), segment[0], "wrapped to slot 0");
    assertEquals(last.get(2), segment[2], "then slot 1");
    for (int i = 0; i < 3; i++) {
      assertEquals(100 + i, NumberIndex.getInSegment(segment, NumberIndex.mix(last.get(i)), last.get(i)));
    }
    assertEquals(-1, NumberIndex.getInSegment(segment, NumberIndex.mix(last.get(3)), last.get(3)),
        "an absent key wraps too and stops at the first empty slot");
  }
}
