package ai.oneinbox.edge.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TraceTest {

  @ParameterizedTest
  @EnumSource(TraceStep.class)
  void everyStepRendersWithItsSubject(TraceStep step) {
    Trace trace = new Trace(14155550100L, Trace.append(0, 0, step), "in-agent", "fb-agent");
    assertEquals(List.of(step), trace.codes());
    String text = trace.toString();
    assertFalse(text.contains("%s") || text.contains("null"), text);
    switch (step.subject) {
      case NUMBER -> assertTrue(text.contains("+14155550100"), text);
      case INBOUND -> assertTrue(text.contains("in-agent"), text);
      case FALLBACK -> assertTrue(text.contains("fb-agent"), text);
      case NONE -> assertEquals(step.text, text);
    }
  }

  @Test
  void holdsUpToEightStepsInOrder() {
    long packed = 0;
    List<TraceStep> expected = new ArrayList<>();
    for (int i = 0; i < Trace.MAX_STEPS; i++) {
      TraceStep step = TraceStep.VALUES[TraceStep.VALUES.length - 1 - i];
      packed = Trace.append(packed, i, step);
      expected.add(step);
    }
    Trace trace = new Trace(14155550100L, packed, "a", "b");
    assertEquals(expected, trace.codes());
    assertEquals(Trace.MAX_STEPS, trace.steps().size());
    assertTrue(trace.has(expected.get(7)));
    assertFalse(trace.has(TraceStep.NUMBER_FOUND));
  }
}
