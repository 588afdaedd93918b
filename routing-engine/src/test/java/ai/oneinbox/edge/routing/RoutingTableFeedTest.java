package ai.oneinbox.edge.routing;

import static ai.oneinbox.edge.routing.Fixtures.NUMBER;
import static ai.oneinbox.edge.routing.Fixtures.agent;
import static ai.oneinbox.edge.routing.Fixtures.inbound;
import static ai.oneinbox.edge.routing.Fixtures.route;
import static ai.oneinbox.edge.routing.Fixtures.upsert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.routing.RouteDecision.ToAgent;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The versioned change feed and snapshot swaps. */
class RoutingTableFeedTest {
  private static final E164 OTHER = E164.of(442079460000L);

  @Test
  void appliesConsecutiveVersions() {
    RoutingTable table = RoutingTable.empty();
    assertEquals(0, table.version());
    assertEquals(new ApplyResult.Applied(1), table.apply(upsert(1, agent("a1"))));
    assertEquals(new ApplyResult.Applied(2),
        table.apply(upsert(2, route(NUMBER, "a1", InboundRouting.DEFAULT))));
    assertEquals(2, table.version());
    assertEquals(1, table.size());
    assertEquals("a1", table.number(NUMBER).orElseThrow().agentId());
    assertEquals(Optional.of(agent("a1")), table.agent("a1"));
  }

  @Test
  void replayedVersionsChangeNothing() {
    RoutingTable table = RoutingTable.empty();
    table.apply(upsert(1, route(NUMBER, "a1", InboundRouting.DEFAULT)));
    table.apply(upsert(2, route(NUMBER, "a2", InboundRouting.DEFAULT)));
    // The feed delivers 1 and 2 again (e.g. after a reconnect); a replay is not re-applied.
    assertEquals(new ApplyResult.AlreadyApplied(1, 2),
        table.apply(upsert(1, route(NUMBER, "a1", InboundRouting.DEFAULT))));
    assertEquals(new ApplyResult.AlreadyApplied(2, 2),
        table.apply(upsert(2, route(NUMBER, "a2", InboundRouting.DEFAULT))));
    assertEquals("a2", table.number(NUMBER).orElseThrow().agentId());
    assertEquals(2, table.version());
    assertEquals(1, table.shapeCount());
  }

  @Test
  void aGapIsReportedAndNotApplied() {
    RoutingTable table = RoutingTable.empty();
    table.apply(upsert(1, route(NUMBER, "a1", InboundRouting.DEFAULT)));
    ApplyResult r = table.apply(upsert(3, route(OTHER, "a1", InboundRouting.DEFAULT)));
    assertEquals(new ApplyResult.Gap(2, 3, 1), r);
    assertFalse(table.contains(OTHER));
    assertEquals(1, table.version());
    // After the resync delivers 2, 3 applies.
    assertEquals(new ApplyResult.Applied(2), table.apply(upsert(2, agent("a1"))));
    assertEquals(new ApplyResult.Applied(3),
        table.apply(upsert(3, route(OTHER, "a1", InboundRouting.DEFAULT))));
    assertTrue(table.contains(OTHER));
  }

  @Test
  void applyAllSkipsReplaysAndStopsAtTheFirstGap() {
    RoutingTable table = RoutingTable.empty();
    table.apply(upsert(1, agent("a1")));
    ApplyResult r = table.applyAll(List.of(
        upsert(1, agent("stale")),
        upsert(2, route(NUMBER, "a1", InboundRouting.DEFAULT)),
        upsert(3, agent("a2")),
        upsert(5, route(OTHER, "a1", InboundRouting.DEFAULT)),
        upsert(6, agent("a3"))));
    assertEquals(new ApplyResult.Gap(4, 5, 3), r);
    assertEquals(3, table.version());
    assertTrue(table.contains(NUMBER));
    assertFalse(table.contains(OTHER));
    assertTrue(table.agent("a2").isPresent());
    assertFalse(table.agent("stale").isPresent());
    assertFalse(table.agent("a3").isPresent());

    assertEquals(new ApplyResult.AlreadyApplied(3, 3), table.applyAll(List.of(upsert(2, agent("x")),
        upsert(3, agent("y")))));
    assertEquals(new ApplyResult.AlreadyApplied(3, 3), table.applyAll(List.of()));
    assertEquals(new ApplyResult.Applied(4), table.applyAll(List.of(upsert(3, agent("y")),
        upsert(4, agent("a4")))));
  }

  @Test
  void removalsTakeEffectAndFreeTheirShapes() {
    RoutingTable table = RoutingTable.empty();
    table.apply(upsert(1, route(NUMBER, "a1", inbound(null, "fb", null))));
    table.apply(upsert(2, route(OTHER, "a1", inbound(null, "fb", null))));
    assertEquals(1, table.shapeCount());
    table.apply(new RouteChange.NumberRemoved(3, NUMBER));
    assertFalse(table.contains(NUMBER));
    assertEquals(1, table.shapeCount());
    table.apply(new RouteChange.NumberRemoved(4, OTHER));
    assertEquals(0, table.size());
    assertEquals(0, table.shapeCount());
    // Removing what is not there is a no-op, but the version moves on.
    assertEquals(new ApplyResult.Applied(5), table.apply(new RouteChange.NumberRemoved(5, OTHER)));
  }

  @Test
  void changingANumbersRouteReleasesTheOldShape() {
    RoutingTable table = RoutingTable.empty();
    table.apply(upsert(1, route(NUMBER, "a1", InboundRouting.DEFAULT)));
    table.apply(upsert(2, route(NUMBER, "a2", InboundRouting.DEFAULT)));
    assertEquals(1, table.shapeCount());
    assertEquals(1, table.size());
    assertEquals("a2", table.number(NUMBER).orElseThrow().agentId());
  }

  @Test
  void agentsArriveAndLeaveIndependentlyOfNumbers() {
    RoutingTable table = RoutingTable.empty();
    table.apply(upsert(1, route(NUMBER, "a1", InboundRouting.DEFAULT)));
    assertTrue(table.resolve(NUMBER, Availability.ALL_AVAILABLE).trace()
        .has(TraceStep.INBOUND_AGENT_UNKNOWN));
    table.apply(upsert(2, agent("a1")));
    assertInstanceOf(ToAgent.class, table.resolve(NUMBER, Availability.ALL_AVAILABLE));
    table.apply(upsert(3, Fixtures.disabled("a1")));
    assertTrue(table.resolve(NUMBER, Availability.ALL_AVAILABLE).trace()
        .has(TraceStep.INBOUND_AGENT_DISABLED));
    table.apply(new RouteChange.AgentRemoved(4, "a1"));
    assertEquals(Optional.empty(), table.agent("a1"));
    assertTrue(table.resolve(NUMBER, Availability.ALL_AVAILABLE).trace()
        .has(TraceStep.INBOUND_AGENT_UNKNOWN));
    table.apply(new RouteChange.AgentRemoved(5, "never-existed"));
    assertEquals(Optional.empty(), table.agent("never-existed"));
  }

  @Test
  void trunksAreUpsertedByIdAndRemoved() throws Exception {
    RoutingTable table = RoutingTable.empty();
    Trunk t1 = trunk("t1", "10.0.0.0/8");
    table.apply(new RouteChange.TrunkUpserted(1, t1));
    table.apply(new RouteChange.TrunkUpserted(2, trunk("t2", "192.0.2.0/24")));
    Trunk t1b = trunk("t1", "198.51.100.0/24");
    table.apply(new RouteChange.TrunkUpserted(3, t1b));
    assertEquals(List.of(t1b, table.trunk("t2").orElseThrow()), table.trunks());
    assertEquals(List.of(t1b), table.trunksFrom(InetAddress.getByName("198.51.100.7")));
    assertEquals(List.of(), table.trunksFrom(InetAddress.getByName("10.1.1.1")));
    table.apply(new RouteChange.TrunkRemoved(4, "t1"));
    assertEquals(Optional.empty(), table.trunk("t1"));
    assertEquals(1, table.trunks().size());
    assertThrows(UnsupportedOperationException.class, () -> table.trunks().clear());
  }

  @Test
  void snapshotSwapReplacesEverythingAtItsVersion() {
    RoutingTable table = RoutingTable.empty();
    table.apply(upsert(1, route(NUMBER, "a1", InboundRouting.DEFAULT)));
    table.apply(upsert(2, agent("a1")));
    Snapshot snapshot = Snapshot.builder(40)
        .agent(agent("b1"))
        .number(route(OTHER, "b1", InboundRouting.DEFAULT))
        .trunk(trunk("t1", "10.0.0.0/8"))
        .build();
    assertEquals(40, snapshot.version());
    assertEquals(1, snapshot.numberCount());
    table.replace(snapshot);
    assertEquals(40, table.version());
    assertFalse(table.contains(NUMBER));
    assertFalse(table.agent("a1").isPresent());
    assertEquals("b1", assertInstanceOf(ToAgent.class,
        table.resolve(OTHER, Availability.ALL_AVAILABLE)).agent().id());
    assertEquals(1, table.trunks().size());
    assertEquals(new ApplyResult.AlreadyApplied(40, 40), table.apply(upsert(40, agent("x"))));
    assertEquals(new ApplyResult.Gap(41, 42, 40), table.apply(upsert(42, agent("x"))));
    assertEquals(new ApplyResult.Applied(41),
        table.apply(upsert(41, route(NUMBER, "b1", InboundRouting.DEFAULT))));
    assertEquals(2, table.size());
  }

  @Test
  void oneSnapshotServesTwoTablesIndependently() {
    Snapshot snapshot = Snapshot.builder(1).agent(agent("a1"))
        .number(route(NUMBER, "a1", InboundRouting.DEFAULT)).build();
    RoutingTable first = RoutingTable.empty();
    RoutingTable second = RoutingTable.empty();
    first.replace(snapshot);
    second.replace(snapshot);
    first.apply(upsert(2, agent("only-first")));
    first.apply(upsert(3, route(OTHER, "only-first", InboundRouting.DEFAULT)));
    second.apply(upsert(2, agent("only-second")));
    assertFalse(second.contains(OTHER));
    assertFalse(second.agent("only-first").isPresent());
    assertFalse(first.agent("only-second").isPresent());
    assertEquals("only-first", assertInstanceOf(ToAgent.class,
        first.resolve(OTHER, Availability.ALL_AVAILABLE)).agent().id());
  }

  @Test
  void snapshotBuilderKeepsTheLastEntryOfADuplicateNumber() {
    Snapshot snapshot = Snapshot.builder(0)
        .number(route(NUMBER, "a1", InboundRouting.DEFAULT))
        .number(route(NUMBER, "a2", InboundRouting.DEFAULT))
        .number(route(OTHER, "a3", InboundRouting.DEFAULT))
        .build();
    assertEquals(2, snapshot.numberCount());
    RoutingTable table = RoutingTable.empty();
    table.replace(snapshot);
    assertEquals("a2", table.number(NUMBER).orElseThrow().agentId());
    assertEquals(2, table.shapeCount());
  }

  @Test
  void aBuilderBuildsOnce() {
    Snapshot.Builder b = Snapshot.builder(0);
    b.build();
    assertThrows(IllegalStateException.class, b::build);
    assertThrows(IllegalStateException.class, () -> b.agent(agent("a")));
  }

  private static Trunk trunk(String id, String cidr) {
    return new Trunk(id, Provider.TWILIO, "sip:" + id + ".pstn.twilio.com",
        List.of(Cidr.parse(cidr)), Optional.empty(), Optional.of("AC" + id), 0);
  }
}
