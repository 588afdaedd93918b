package ai.oneinbox.edge.routing;

import java.util.List;
import java.util.Optional;

/** Small builders for test data. */
final class Fixtures {
  private Fixtures() {}

  static final E164 NUMBER = E164.of(14155550100L);

  static Agent agent(String id) {
    return new Agent(id, List.of("sip:" + id + "@10.0.0.1:5080"), 0, Optional.empty(), true);
  }

  static Agent agent(String id, String voicemailMessage) {
    return new Agent(id, List.of("sip:" + id + "@10.0.0.1:5080"), 0, Optional.of(voicemailMessage),
        true);
  }

  static Agent disabled(String id) {
    return new Agent(id, List.of("sip:" + id + "@10.0.0.1:5080"), 0, Optional.empty(), false);
  }

  static InboundRouting inbound(String agentId, String fallbackAgentId, String voicemailMessage) {
    return new InboundRouting(Optional.ofNullable(agentId), Optional.ofNullable(fallbackAgentId),
        Optional.ofNullable(voicemailMessage));
  }

  static NumberRoute route(E164 number, String agentId, InboundRouting inbound) {
    return new NumberRoute(number, agentId, Optional.ofNullable(inbound), Ownership.SANDBOX);
  }

  static NumberRoute outboundOnly(E164 number, String agentId) {
    return new NumberRoute(number, agentId, Optional.empty(), Ownership.SANDBOX);
  }

  static RouteChange.NumberUpserted upsert(long version, NumberRoute route) {
    return new RouteChange.NumberUpserted(version, route);
  }

  static RouteChange.AgentUpserted upsert(long version, Agent agent) {
    return new RouteChange.AgentUpserted(version, agent);
  }

  /** A table at version {@code agents.length + 1}: the agents, then {@code route}. */
  static RoutingTable table(NumberRoute route, Agent... agents) {
    Snapshot.Builder b = Snapshot.builder(1);
    for (Agent a : agents) {
      b.agent(a);
    }
    RoutingTable table = RoutingTable.create(new RoutingConfig("US", "platform message"));
    table.replace(b.number(route).build());
    return table;
  }
}
