package ai.oneinbox.edge.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A deterministic, realistic table for the benchmarks: {@code count} distinct North American numbers,
 * 10,000 agents of 500 tenants, and the inbound-routing variants the product has (70% plain inbound,
 * 15% with a fallback agent, 10% outbound-only, 5% with their own voicemail message).
 */
final class RoutingData {
  static final int AGENTS = 10_000;
  static final int TENANTS = 500;

  final long[] numbers;
  final List<NumberRoute> routes;
  final List<Agent> agents;

  RoutingData(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    numbers = distinctNumbers(count, random);
    agents = new ArrayList<>(AGENTS);
    for (int a = 0; a < AGENTS; a++) {
      agents.add(new Agent("agent-" + a, List.of("sip:agent-" + a + "@10.1." + (a >> 8 & 255) + "."
          + (a & 255) + ":5080"), a % 4 == 0 ? 0 : 20, a % 3 == 0
          ? Optional.of("Agent " + a + " is busy, leave a message.") : Optional.empty(), a % 50 != 0));
    }
    Ownership[] owners = new Ownership[TENANTS];
    for (int t = 0; t < TENANTS; t++) {
      owners[t] = t % 5 == 0 ? Ownership.SANDBOX
          : new Ownership(t % 2 == 0 ? Provider.TWILIO : Provider.TELNYX,
              Optional.of("integration-" + t), Optional.of("trunk-" + t),
              Optional.of(String.format("AC%032x", t)), Optional.of("tenant" + t + ".pstn.twilio.com"));
    }
    String[] messages = {"Sorry, we are closed.", "Leave a message after the tone.",
        "All our agents are busy.", "Please call back during business hours."};
    routes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int a = random.nextInt(AGENTS);
      String agentId = "agent-" + a;
      int variant = random.nextInt(100);
      Optional<InboundRouting> inbound;
      if (variant < 70) {
        inbound = Optional.of(InboundRouting.DEFAULT);
      } else if (variant < 85) {
        inbound = Optional.of(new InboundRouting(Optional.empty(),
            Optional.of("agent-" + (a + 1) % AGENTS), Optional.empty()));
      } else if (variant < 95) {
        inbound = Optional.empty();
      } else {
        inbound = Optional.of(new InboundRouting(Optional.empty(), Optional.empty(),
            Optional.of(messages[random.nextInt(messages.length)])));
      }
      routes.add(new NumberRoute(E164.of(numbers[i]), agentId, inbound, owners[a % TENANTS]));
    }
  }

  Snapshot snapshot() {
    Snapshot.Builder b = Snapshot.builder(1);
    for (Agent a : agents) {
      b.agent(a);
    }
    for (NumberRoute r : routes) {
      b.number(r);
    }
    return b.build();
  }

  RoutingTable table() {
    RoutingTable table = RoutingTable.empty();
    table.replace(snapshot());
    return table;
  }

  /** {@code count} distinct numbers +1 NXX NXX XXXX, in random order. */
  private static long[] distinctNumbers(int count, SplittableRandom random) {
    long[] candidates = new long[count + count / 8 + 1024];
    for (;;) {
      for (int i = 0; i < candidates.length; i++) {
        long area = 200 + random.nextInt(800);
        long exchange = 200 + random.nextInt(800);
        long line = random.nextInt(10_000);
        candidates[i] = 10_000_000_000L + area * 10_000_000L + exchange * 10_000L + line;
      }
      long[] sorted = candidates.clone();
      Arrays.sort(sorted);
      int unique = 0;
      for (int i = 0; i < sorted.length; i++) {
        if (i == 0 || sorted[i] != sorted[i - 1]) {
          sorted[unique++] = sorted[i];
        }
      }
      if (unique >= count) {
        long[] result = Arrays.copyOf(sorted, count);
        for (int i = count - 1; i > 0; i--) { // Fisher-Yates: random order
          int j = random.nextInt(i + 1);
          long t = result[i];
          result[i] = result[j];
          result[j] = t;
        }
        return result;
      }
    }
  }
}
