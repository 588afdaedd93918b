package ai.oneinbox.edge.api;

import ai.oneinbox.edge.routing.NumberRoute;
import java.time.OffsetDateTime;

/** A stored number: its route (what the edge needs) and its timestamps. */
record NumberRecord(NumberRoute route, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}
