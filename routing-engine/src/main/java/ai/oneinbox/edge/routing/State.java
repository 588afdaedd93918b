package ai.oneinbox.edge.routing;

import java.util.List;
import java.util.Map;

/**
 * One immutable version of the whole table. Readers take the current one with a single volatile read
 * and see numbers, shapes, agents and trunks of the same version.
 */
final class State {
  static final int CHUNK_BITS = 10;
  static final int CHUNK = 1 << CHUNK_BITS;

  final long version;
  final long[][] directory;
  final int mask;
  final int size;
  final RouteShape[][] shapes; // chunks, by shape id (typed: no cast, so no touch, on lookup)
  final Agent[][] agents; // chunks, by agent slot
  final Map<String, Integer> agentSlots; // append-only: a slot is never given to another id
  final List<Trunk> trunks;

  State(long version, long[][] directory, int size, RouteShape[][] shapes, Agent[][] agents,
      Map<String, Integer> agentSlots, List<Trunk> trunks) {
    this.version = version;
    this.directory = directory;
    this.mask = directory.length - 1;
    this.size = size;
    this.shapes = shapes;
    this.agents = agents;
    this.agentSlots = agentSlots;
    this.trunks = trunks;
  }

  /** The shape id of {@code number}, or -1. */
  long lookup(long number) {
    return NumberIndex.get(directory, mask, number);
  }

  RouteShape shape(long id) {
    return shapes[(int) (id >>> CHUNK_BITS)][(int) (id & (CHUNK - 1))];
  }

  /** The agent in {@code slot}, or null when the slot is empty (an agent not in the table). */
  Agent agent(int slot) {
    int chunk = slot >>> CHUNK_BITS;
    if (slot < 0 || chunk >= agents.length) {
      return null;
    }
    Agent[] agentsChunk = agents[chunk];
    return agentsChunk == null ? null : agentsChunk[slot & (CHUNK - 1)];
  }

  Agent agent(String id) {
    Integer slot = agentSlots.get(id);
    return slot == null ? null : agent(slot);
  }
}
