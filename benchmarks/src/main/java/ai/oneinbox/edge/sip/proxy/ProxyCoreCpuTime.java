package ai.oneinbox.edge.sip.proxy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link ProxyCoreBenchmark#call} timed in thread CPU time, in rounds of 5,000 calls: on a machine whose
 * cores are shared with other work, wall-clock JMH scores include the time the thread waited for a core, and
 * a short JMH warm-up may end before the JIT has compiled the call path (it takes ~10,000 calls). CPU time
 * of the later rounds is the steady-state cost. A cross-check of the JMH figure, not a replacement.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar ai.oneinbox.edge.sip.proxy.ProxyCoreCpuTime}
 */
public final class ProxyCoreCpuTime {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ProxyCoreCpuTime() {}

  public static void main(String[] args) {
    // the product's leak-detector sampling (config/jvm.options), before Netty reads it
    System.setProperty("io.netty.leakDetection.samplingInterval", "1024");
    ProxyCoreBenchmark benchmark = new ProxyCoreBenchmark();
    benchmark.setUp();
    Blackhole bh = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int calls = 5_000;
    for (int round = 1; round <= rounds; round++) {
      long cpu0 = THREADS.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        benchmark.call(bh);
      }
      long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      System.out.printf(Locale.ROOT, "round %d: %d calls, CPU %.1f us/call, wall %.1f us/call%n", round, calls,
          cpu / 1e3 / calls, wall / 1e3 / calls);
    }
  }
}
