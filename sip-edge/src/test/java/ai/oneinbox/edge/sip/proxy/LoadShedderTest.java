package ai.oneinbox.edge.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LoadShedderTest {

  private final AtomicReference<Double> draw = new AtomicReference<>(0.5);
  private final LoadShedder shedder = new LoadShedder(draw::get);

  @Test
  void admitsEveryCallUntilDatagramsAreDropped() {
    for (int i = 0; i < 50; i++) {
      shedder.period(0);
    }
    assertEquals(0, shedder.share());
    draw.set(0.0); // the lowest draw would be shed at any share above 0
    assertTrue(shedder.admit());
  }

  @Test
  void eachPeriodWithDropsShedsATenthMoreUpToNineTenths() {
    shedder.period(3);
    assertEquals(0.1, shedder.share(), 1e-9);
    draw.set(0.05);
    assertFalse(shedder.admit(), "a draw under the share is shed");
    draw.set(0.1);
    assertTrue(shedder.admit(), "a draw at or above it is admitted");
    for (int i = 0; i < 20; i++) {
      shedder.period(1_000);
    }
    assertEquals(LoadShedder.MAX_SHARE, shedder.share(), 1e-9);
    draw.set(0.95);
    assertTrue(shedder.admit(), "some new calls always get through");
  }

  @Test
  void quietPeriodsLowerTheShareSlowlyAndEndExactlyAtZero() {
    shedder.period(1);
    shedder.period(1); // 0.2
    for (int i = 0; i < 10; i++) {
      shedder.period(0);
    }
    assertEquals(0.1, shedder.share(), 1e-9, "a hundredth per quiet period");
    for (int i = 0; i < 10; i++) {
      shedder.period(0);
    }
    assertEquals(0.0, shedder.share(), "back to admitting everything, not a rounding error above 0");
    draw.set(0.0);
    assertTrue(shedder.admit());
  }

  @Test
  void neverShedsWhateverItIsTold() {
    for (int i = 0; i < 20; i++) {
      LoadShedder.NEVER.period(1_000_000);
    }
    assertEquals(0, LoadShedder.NEVER.share());
    assertTrue(LoadShedder.NEVER.admit());
  }
}
