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
  void everyKindOfCallRunsAndEndsAsScriptedLeavingNothingBehind() {
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    ProxyWarmUp.Result result = ProxyWarmUp.run(SipEdgeConfig.defaults(), alloc, 320, Duration.ofSeconds(30));
    assertEquals(320, result.calls());
    assertEquals(0, result.unexpected(), () -> "calls with another final status than scripted: " + result);
    for (ProxyWarmUp.Kind kind : ProxyWarmUp.Kind.values()) {
      int expected = kind == ProxyWarmUp.Kind.PLAIN ? 9 * 20 : 20;
      assertEquals(expected, result.byKind().getOrDefault(kind, 0), kind.name());
    }
    // every buffer the private core allocated was released (the allocator counts live direct/heap bytes)
    assertEquals(0, alloc.metric().usedHeapMemory());
    assertEquals(0, alloc.metric().usedDirectMemory());
  }

  @Test
  void stopsAtItsTimeBudget() {
    ProxyWarmUp.Result result = ProxyWarmUp.run(SipEdgeConfig.defaults(), UnpooledByteBufAllocator.DEFAULT,
        Integer.MAX_VALUE, Duration.ofMillis(200));
    assertTrue(result.calls() > 0 && result.calls() < Integer.MAX_VALUE);
  }
}
