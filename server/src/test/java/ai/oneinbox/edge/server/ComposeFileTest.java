package ai.oneinbox.edge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs on the development machines, so {@code docker-compose.yml} is kept correct by reading
 * it: its image builds with the same command as {@code bin/edge}, runs what {@code bin/edge} runs, sets only
 * environment variables the configuration knows, and gives its two nodes one cluster identity.
 */
class ComposeFileTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?[-?]([^}]*))?}");
    private static final List<String> NODES = List.of("edge-1", "edge-2");

    private final Map<String, Object> compose = load();

    @Test
    void theImageBuildsWithTheOneRuntimeBuildThatBinEdgeUses() throws IOException {
        String dockerfile = (String) map(map(compose.get("x-edge")).get("build")).get("dockerfile_inline");
        List<String> runs = dockerfile.lines().map(String::strip).filter(l -> l.startsWith("RUN ")).toList();
        assertEquals(List.of("RUN bin/build"), runs, "the image's build steps");

        String binEdge = Files.readString(REPO.resolve("bin/edge"));
        assertTrue(binEdge.contains("\"$root/bin/build\""), "bin/edge builds through bin/build");
        // bin/build is the one place that says how: no other launcher carries its own Maven command.
        assertFalse(binEdge.contains("mvn "), "bin/edge must not build by a Maven command of its own");
        String binBuild = Files.readString(REPO.resolve("bin/build"));
        assertTrue(binBuild.contains("-Dmaven.test.skip=true -pl server -am package"), binBuild);
    }

    @Test
    void theImageRunsWhatBinEdgeRuns() throws IOException {
        String dockerfile = (String) map(map(compose.get("x-edge")).get("build")).get("dockerfile_inline");
        String binEdge = Files.readString(REPO.resolve("bin/edge"));
        // bin/edge: java @config/jvm.options -cp server/target/classes:server/target/lib/* EdgeMain --config ...
        assertTrue(binEdge.contains("-cp \"$root/server/target/classes:$root/server/target/lib/*\""), binEdge);
        assertTrue(dockerfile.contains("COPY --from=build /src/server/target/classes /app/classes"), dockerfile);
        assertTrue(dockerfile.contains("COPY --from=build /src/server/target/lib /app/lib"), dockerfile);
        assertTrue(dockerfile.contains("\"java\", \"@/app/config/jvm.options\", \"-cp\", \"/app/classes:/app/lib/*\""),
                dockerfile);
        assertTrue(dockerfile.contains("\"" + EdgeMain.class.getName() + "\", \"--config\", \"/app/config/edge.yaml\""),
                dockerfile);
    }

    @Test
    void everyEdgeVariableItSetsIsOneTheConfigurationKnows() {
        for (String node : NODES) {
            Map<String, Object> env = environment(node);
            assertFalse(env.isEmpty(), node);
            for (String name : env.keySet()) {
                if (name.startsWith("EDGE_")) {
                    assertTrue(ConfigLoader.ENVIRONMENT.containsKey(name),
                            node + " sets " + name + ", which the configuration does not know");
                }
            }
            // ...and the values it interpolates from the host's environment are EDGE_* names too.
            for (Object value : env.values()) {
                Matcher m = INTERPOLATION.matcher(String.valueOf(value));
                while (m.find()) {
                    assertTrue(ConfigLoader.ENVIRONMENT.containsKey(m.group(1)), node + ": " + value);
                }
            }
        }
    }

    @Test
    void bothNodesShareOneAdvertisedHostThatReachesThemBoth() {
        List<String> hosts = new ArrayList<>();
        for (String node : NODES) {
            Object value = environment(node).get("EDGE_SIP_ADVERTISED_HOST");
            assertTrue(value instanceof String, node + " sets no EDGE_SIP_ADVERTISED_HOST");
            hosts.add(interpolatedDefault((String) value));
        }
        assertEquals(1, hosts.stream().distinct().count(), "one advertised host for the cluster: " + hosts);
        String host = hosts.get(0);
        assertFalse(host.isBlank(), "the advertised host's default");
        for (String node : NODES) {
            Map<String, Object> service = service(node);
            Map<String, Object> networks = map(service.get("networks"));
            @SuppressWarnings("unchecked")
            List<String> aliases = (List<String>) map(networks.get("default")).get("aliases");
            assertTrue(aliases.contains(host), node + " is not reachable as " + host + ": " + aliases);
        }
    }

    private Map<String, Object> environment(String node) {
        return map(service(node).get("environment"));
    }

    private Map<String, Object> service(String node) {
        return map(map(compose.get("services")).get(node));
    }

    /** {@code ${NAME:-default}} → default; a literal stays as it is. */
    private static String interpolatedDefault(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        return m.matches() ? (m.group(2) == null ? "" : m.group(2)) : value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "expected a mapping, got " + value);
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> load() {
        try {
            // SnakeYAML resolves the anchors and `<<` merge keys the file uses for the nodes' shared part.
            return new Yaml().load(Files.readString(REPO.resolve("docker-compose.yml")));
        } catch (IOException e) {
            throw new AssertionError("cannot read docker-compose.yml", e);
        }
    }
}
