package ai.oneinbox.edge.routing;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything a routing table holds at one feed version, built off to the side and then swapped in by
 * {@link RoutingTable#replace} in one step. Building does the work (about a second for a million
 * numbers); the swap is a reference write.
 */
public final class Snapshot {
  final State state;
  final TableWriter writer;

  private Snapshot(State state, TableWriter writer) {
    this.state = state;
    this.writer = writer;
  }

  /** A builder for the table at feed {@code version} (0: before the first change). */
  public static Builder builder(long version) {
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0: " + version);
    }
    return new Builder(version);
  }

  /** The feed version the snapshot is at. */
  public long version() {
    return state.version;
  }

  /** How many numbers it holds. */
  public int numberCount() {
    return state.size;
  }

  /** Collects numbers, agents and trunks; a later entry with the same number or id wins. */
  public static final class Builder {
    private final long version;
    private final TableWriter writer = new TableWriter();
    private long[] keys = new long[1024];
    private long[] shapeIds = new long[1024];
    private int count;
    private boolean built;

    private Builder(long version) {
      this.version = version;
      writer.begin(writer.emptyState());
    }

    public Builder number(NumberRoute route) {
      Objects.requireNonNull(route, "route");
      checkOpen();
      if (count == keys.length) {
        keys = Arrays.copyOf(keys, count * 2);
        shapeIds = Arrays.copyOf(shapeIds, count * 2);
      }
      keys[count] = route.number().value();
      shapeIds[count] = writer.acquireShape(route);
      count++;
      return this;
    }

    public Builder agent(Agent agent) {
      Objects.requireNonNull(agent, "agent");
      checkOpen();
      writer.setAgent(writer.slotFor(agent.id()), agent);
      return this;
    }

    public Builder trunk(Trunk trunk) {
      Objects.requireNonNull(trunk, "trunk");
      checkOpen();
      writer.apply(new RouteChange.TrunkUpserted(Math.max(version, 1), trunk));
      return this;
    }

    /** The snapshot; the builder cannot be used after. */
    public Snapshot build() {
      checkOpen();
      built = true;
      int[] duplicates = {0};
      long[][] directory = NumberIndex.build(keys, shapeIds, count, old -> {
        duplicates[0]++;
        writer.releaseShape(old);
      });
      keys = null;
      shapeIds = null;
      return new Snapshot(writer.publish(version, directory, count - duplicates[0]), writer);
    }

    private void checkOpen() {
      if (built) {
        throw new IllegalStateException("this snapshot builder has already built its snapshot");
      }
    }
  }
}
