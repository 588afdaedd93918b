package ai.oneinbox.edge.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallLogTest {

  @Test
  void writesEveryLineInOrderFromItsOwnThread() throws InterruptedException {
    List<String> written = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch all = new CountDownLatch(100);
    try (CallLog log = new CallLog(line -> {
      written.add(line);
      threads.add(Thread.currentThread().getName());
      all.countDown();
    }, 1_000, Duration.ofMillis(5))) {
      for (int i = 0; i < 100; i++) {
        assertTrue(log.add("call " + i));
      }
      assertTrue(all.await(10, TimeUnit.SECONDS), "the writer drains without being asked");
    }
    for (int i = 0; i < 100; i++) {
      assertEquals("call " + i, written.get(i));
    }
    assertTrue(threads.stream().allMatch("sip-call-log"::equals), "written off the caller's thread: " + threads);
  }

  @Test
  void aFullLogDropsAndCountsInsteadOfBlocking() {
    List<String> written = new ArrayList<>();
    // a period far longer than the test: only flush() drains
    try (CallLog log = new CallLog(written::add, 3, Duration.ofHours(1))) {
      assertTrue(log.add("a"));
      assertTrue(log.add("b"));
      assertTrue(log.add("c"));
      assertFalse(log.add("d"));
      assertFalse(log.add("e"));
      assertEquals(2, log.dropped());
      log.flush();
      assertEquals(List.of("a", "b", "c"), written);
      assertTrue(log.add("f"), "room again once drained");
      log.flush();
      assertEquals(List.of("a", "b", "c", "f"), written);
    }
  }

  @Test
  void closeWritesWhatIsWaitingAndRefusesMore() {
    List<String> written = new ArrayList<>();
    CallLog log = new CallLog(written::add, 10, Duration.ofHours(1));
    log.add("last call");
    log.close();
    assertEquals(List.of("last call"), written);
    assertFalse(log.add("after close"));
  }

  @Test
  void aFailingSinkLosesOnlyItsLine() {
    List<String> written = new ArrayList<>();
    try (CallLog log = new CallLog(line -> {
      if (line.equals("bad")) {
        throw new IllegalStateException("disk full");
      }
      written.add(line);
    }, 10, Duration.ofHours(1))) {
      log.add("one");
      log.add("bad");
      log.add("two");
      log.flush();
      assertEquals(List.of("one", "two"), written);
    }
  }
}
