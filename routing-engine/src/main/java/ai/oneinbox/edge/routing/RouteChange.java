package ai.oneinbox.edge.routing;

import java.util.Objects;

/**
 * One change of the versioned route feed. Versions are consecutive per feed (1, 2, 3, ...); a table
 * applies version {@code n + 1} after {@code n}, ignores a replayed one, and reports a gap.
 */
public sealed interface RouteChange {
  long version();

  /** A number was created or changed. */
  record NumberUpserted(long version, NumberRoute route) implements RouteChange {
    public NumberUpserted {
      Versions.require(version);
      Objects.requireNonNull(route, "route");
    }
  }

  /** A number was released or deleted. */
  record NumberRemoved(long version, E164 number) implements RouteChange {
    public NumberRemoved {
      Versions.require(version);
      Objects.requireNonNull(number, "number");
    }
  }

  /** An agent was created or changed. */
  record AgentUpserted(long version, Agent agent) implements RouteChange {
    public AgentUpserted {
      Versions.require(version);
      Objects.requireNonNull(agent, "agent");
    }
  }

  /** An agent was deleted; numbers that name it then see it as unavailable. */
  record AgentRemoved(long version, String agentId) implements RouteChange {
    public AgentRemoved {
      Versions.require(version);
      Ids.require(agentId, "agentId");
    }
  }

  /** A trunk was created or changed. */
  record TrunkUpserted(long version, Trunk trunk) implements RouteChange {
    public TrunkUpserted {
      Versions.require(version);
      Objects.requireNonNull(trunk, "trunk");
    }
  }

  /** A trunk was deleted. */
  record TrunkRemoved(long version, String trunkId) implements RouteChange {
    public TrunkRemoved {
      Versions.require(version);
      Ids.require(trunkId, "trunkId");
    }
  }
}
