package ai.oneinbox.edge.routing;

final class Versions {
  private Versions() {}

  static long require(long version) {
    if (version < 1) {
      throw new IllegalArgumentException("feed versions start at 1: " + version);
    }
    return version;
  }
}
