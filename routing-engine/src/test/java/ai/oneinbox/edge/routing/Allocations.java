package ai.oneinbox.edge.routing;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread, from the JVM's own per-thread counter. */
final class Allocations {
  private Allocations() {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Average bytes allocated per run of {@code body} over {@code runs} runs (after a warm-up). */
  static double perRun(int runs, Runnable body) {
    for (int i = 0; i < runs; i++) {
      body.run();
    }
    long id = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(id);
    for (int i = 0; i < runs; i++) {
      body.run();
    }
    return (double) (THREADS.getThreadAllocatedBytes(id) - before) / runs;
  }
}
