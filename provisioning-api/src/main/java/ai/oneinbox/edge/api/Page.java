package ai.oneinbox.edge.api;

import java.util.List;
import java.util.Optional;

/** One page of a list and the cursor of the next, if there is one. */
record Page<T>(List<T> items, Optional<String> nextCursor) {}
