package ai.oneinbox.edge.routing;

import java.util.Objects;
import java.util.Optional;

/** Checks shared by the domain records' constructors. */
final class Ids {
  private Ids() {}

  static String require(String id, String name) {
    Objects.requireNonNull(id, name);
    if (id.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return id;
  }

  static void requireOptional(Optional<String> id, String name) {
    Objects.requireNonNull(id, name);
    id.ifPresent(v -> require(v, name));
  }
}
