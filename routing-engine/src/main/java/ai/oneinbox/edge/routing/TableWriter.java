package ai.oneinbox.edge.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes new {@link State}s from old ones, for one writer at a time. A mutation starts from a published
 * state, copies each array it writes the first time it writes it (copy-on-write, at segment and chunk
 * granularity), and ends in a new state; the published one is never touched. Also keeps the writer's
 * books: the shape of each id and how many numbers use it, and the slot of each agent id.
 */
final class TableWriter {
  private final HashMap<RouteShape.Key, Integer> shapeIds;
  private int[] shapeRefs;
  private int shapeHigh;
  private int[] freeShapes;
  private int freeCount;
  private final ConcurrentHashMap<String, Integer> agentSlots;
  private int agentHigh;
  // One String instance per agent id for all shapes: decisions then touch a few thousand strings,
  // which stay in cache, not one per shape.
  private final HashMap<String, String> canonicalIds;

  // The mutation in progress.
  private final Set<Object> owned = Collections.newSetFromMap(new IdentityHashMap<>());
  private long[][] directory;
  private int size;
  private Object[][] shapes;
  private Object[][] agents;
  private List<Trunk> trunks;
  private boolean trunksOwned;

  TableWriter() {
    this(new HashMap<>(), new int[64], 0, new int[16], 0, new ConcurrentHashMap<>(), 0,
        new HashMap<>());
  }

  private TableWriter(HashMap<RouteShape.Key, Integer> shapeIds, int[] shapeRefs, int shapeHigh,
      int[] freeShapes, int freeCount, ConcurrentHashMap<String, Integer> agentSlots,
      int agentHigh, HashMap<String, String> canonicalIds) {
    this.shapeIds = shapeIds;
    this.shapeRefs = shapeRefs;
    this.shapeHigh = shapeHigh;
    this.freeShapes = freeShapes;
    this.freeCount = freeCount;
    this.agentSlots = agentSlots;
    this.agentHigh = agentHigh;
    this.canonicalIds = canonicalIds;
  }

  /** An independent writer with the same books, for a table that adopts a snapshot. */
  TableWriter copy() {
    return new TableWriter(new HashMap<>(shapeIds), shapeRefs.clone(), shapeHigh,
        freeShapes.clone(), freeCount, new ConcurrentHashMap<>(agentSlots), agentHigh,
        new HashMap<>(canonicalIds));
  }

  /** The empty state, version 0, of this writer. */
  State emptyState() {
    return new State(0, NumberIndex.EMPTY_DIRECTORY, 0, new Object[0][], new Object[0][],
        agentSlots, List.of());
  }

  /** {@code state} with this writer's agent slots (the same slots, in this writer's own map). */
  State adopt(State state) {
    return new State(state.version, state.directory, state.size, state.shapes, state.agents,
        agentSlots, state.trunks);
  }

  void begin(State base) {
    owned.clear();
    directory = base.directory;
    size = base.size;
    shapes = base.shapes;
    agents = base.agents;
    trunks = base.trunks;
    trunksOwned = false;
  }

  State finish(long version) {
    if (size > (long) directory.length * NumberIndex.MAX_AVERAGE_PER_SEGMENT) {
      long[] keys = new long[size];
      long[] values = new long[size];
      int n = NumberIndex.collect(directory, keys, values);
      directory = NumberIndex.build(keys, values, n, old -> { });
    }
    return publish(version, directory, size);
  }

  /** Ends the mutation with a directory built outside it (a snapshot's bulk load). */
  State publish(long version, long[][] newDirectory, int newSize) {
    State state = new State(version, newDirectory, newSize, shapes, agents, agentSlots,
        trunksOwned ? List.copyOf(trunks) : trunks);
    owned.clear();
    directory = null;
    shapes = null;
    agents = null;
    trunks = null;
    return state;
  }

  void apply(RouteChange change) {
    if (change instanceof RouteChange.NumberUpserted c) {
      putNumber(c.route());
    } else if (change instanceof RouteChange.NumberRemoved c) {
      removeNumber(c.number().value());
    } else if (change instanceof RouteChange.AgentUpserted c) {
      setAgent(slotFor(c.agent().id()), c.agent());
    } else if (change instanceof RouteChange.AgentRemoved c) {
      Integer slot = agentSlots.get(c.agentId());
      if (slot != null) {
        setAgent(slot, null);
      }
    } else if (change instanceof RouteChange.TrunkUpserted c) {
      putTrunk(c.trunk());
    } else if (change instanceof RouteChange.TrunkRemoved c) {
      removeTrunk(c.trunkId());
    }
  }

  void putNumber(NumberRoute route) {
    long key = route.number().value();
    int id = acquireShape(route);
    long h = NumberIndex.mix(key);
    int s = NumberIndex.segmentOf(h, directory.length - 1);
    long[] segment = directory[s];
    long old = NumberIndex.getInSegment(segment, h, key);
    if (old == id) {
      releaseShape(id); // the same route again
      return;
    }
    if (old < 0 && !NumberIndex.hasRoom(segment)) {
      segment = mine(NumberIndex.rebuilt(segment, 0, NumberIndex.count(segment) + 1));
    } else {
      segment = own(segment);
    }
    NumberIndex.putInPlace(segment, h, key, id);
    ownDirectory()[s] = segment;
    if (old >= 0) {
      releaseShape(old);
    } else {
      size++;
    }
  }

  void removeNumber(long key) {
    long h = NumberIndex.mix(key);
    int s = NumberIndex.segmentOf(h, directory.length - 1);
    long[] segment = directory[s];
    long old = NumberIndex.getInSegment(segment, h, key);
    if (old < 0) {
      return;
    }
    ownDirectory()[s] = mine(NumberIndex.rebuilt(segment, key, NumberIndex.count(segment) - 1));
    size--;
    releaseShape(old);
  }

  /** The shape id for {@code route}'s shape, counting one more number that uses it. */
  int acquireShape(NumberRoute route) {
    RouteShape.Key key = RouteShape.Key.of(route);
    Integer existing = shapeIds.get(key);
    if (existing != null) {
      shapeRefs[existing]++;
      return existing;
    }
    String agentId = canonicalIds.computeIfAbsent(key.agentId(), id -> id);
    key = new RouteShape.Key(agentId, key.inboundRouting(), key.ownership());
    int id = freeCount > 0 ? freeShapes[--freeCount] : shapeHigh++;
    if (id >= shapeRefs.length) {
      shapeRefs = Arrays.copyOf(shapeRefs, shapeRefs.length * 2);
    }
    String fallback = key.inboundRouting().flatMap(InboundRouting::fallbackAgentId).orElse(null);
    RouteShape shape = new RouteShape(key, slotFor(route.inboundAgentId()),
        fallback == null ? -1 : slotFor(fallback));
    shapes = setChunked(shapes, id, shape);
    shapeIds.put(key, id);
    shapeRefs[id] = 1;
    return id;
  }

  /** One number fewer uses shape {@code id}; the last one frees it. */
  void releaseShape(long id) {
    int i = (int) id;
    if (--shapeRefs[i] > 0) {
      return;
    }
    RouteShape shape = (RouteShape) shapes[i >>> State.CHUNK_BITS][i & (State.CHUNK - 1)];
    shapeIds.remove(shape.key());
    shapes = setChunked(shapes, i, null);
    if (freeCount == freeShapes.length) {
      freeShapes = Arrays.copyOf(freeShapes, freeCount * 2);
    }
    freeShapes[freeCount++] = i;
  }

  /** The slot of agent {@code id}, given now if it has none (slots are never given back). */
  int slotFor(String id) {
    Integer slot = agentSlots.get(id);
    if (slot != null) {
      return slot;
    }
    int s = agentHigh++;
    agents = setChunked(agents, s, null); // the chunk exists before any state names the slot
    agentSlots.put(id, s);
    return s;
  }

  void setAgent(int slot, Agent agent) {
    agents = setChunked(agents, slot, agent);
  }

  int shapeCount() {
    return shapeIds.size();
  }

  private void putTrunk(Trunk trunk) {
    ownTrunks();
    for (int i = 0; i < trunks.size(); i++) {
      if (trunks.get(i).id().equals(trunk.id())) {
        trunks.set(i, trunk);
        return;
      }
    }
    trunks.add(trunk);
  }

  private void removeTrunk(String id) {
    ownTrunks();
    trunks.removeIf(t -> t.id().equals(id));
  }

  private void ownTrunks() {
    if (!trunksOwned) {
      trunks = new ArrayList<>(trunks);
      trunksOwned = true;
    }
  }

  private long[][] ownDirectory() {
    if (!owned.contains(directory)) {
      directory = directory.clone();
      owned.add(directory);
    }
    return directory;
  }

  private long[] own(long[] segment) {
    return owned.contains(segment) ? segment : mine(segment.clone());
  }

  private <T> T mine(T array) {
    if (array != NumberIndex.EMPTY_SEGMENT) {
      owned.add(array);
    }
    return array;
  }

  /** {@code chunks} with {@code [index] = value}, copying the top array and the chunk if shared. */
  private Object[][] setChunked(Object[][] chunks, int index, Object value) {
    int c = index >>> State.CHUNK_BITS;
    Object[][] top = chunks;
    if (c >= top.length) {
      top = Arrays.copyOf(top, Math.max(c + 1, top.length * 2));
      owned.add(top);
    } else if (!owned.contains(top)) {
      top = top.clone();
      owned.add(top);
    }
    Object[] chunk = top[c];
    if (chunk == null) {
      chunk = new Object[State.CHUNK];
      owned.add(chunk);
    } else if (!owned.contains(chunk)) {
      chunk = chunk.clone();
      owned.add(chunk);
    }
    chunk[index & (State.CHUNK - 1)] = value;
    top[c] = chunk;
    return top;
  }
}
