package ai.oneinbox.edge.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.SipEdgeConfig;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ProxyWarmUpTest {

  @Test
  void runsTheRequestedCallsAndLeavesNothingBehind() {
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    int calls = ProxyWarmUp.run(SipEdgeConfig.defaults(), alloc, 300, Duration.ofSeconds(30));
    assertEquals(300, calls);
    // every buffer the private core allocated was released (the allocator counts live direct/heap bytes)
    assertEquals(0, alloc.metric().usedHeapMemory());
  }

  @Test
  void stopsAtItsTimeBudget() {
    int calls = ProxyWarmUp.run(SipEdgeConfig.defaults(), UnpooledByteBufAllocator.DEFAULT, Integer.MAX_VALUE,
        Duration.ofMillis(200));
    assertTrue(calls > 0 && calls < Integer.MAX_VALUE);
  }
}
