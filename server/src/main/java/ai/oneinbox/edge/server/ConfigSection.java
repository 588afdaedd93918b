package ai.oneinbox.edge.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the YAML configuration, read key by key with the key's full path at hand, so every
 * error names it. Keys that nobody reads are reported by {@link #finish()} as unknown, with the nearest
 * known key as a suggestion: a typo in the file stops the start-up instead of silently taking a default.
 */
final class ConfigSection {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String path;
    private final JsonNode node;
    private final Map<String, String> envSources;
    private final Set<String> known = new LinkedHashSet<>();

    ConfigSection(String path, JsonNode node, Map<String, String> envSources) {
        this.path = path;
        this.node = node;
        this.envSources = envSources;
    }

    ConfigSection section(String key) throws ConfigException {
        JsonNode child = value(key);
        if (child != null && !child.isObject()) {
            throw error(key, "must be a mapping of keys, got " + describe(child));
        }
        return new ConfigSection(keyPath(key), child == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : child, envSources);
    }

    String string(String key, String defaultValue) throws ConfigException {
        JsonNode v = value(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw error(key, "must be a text value, got " + describe(v));
        }
        return v.asText().trim();
    }

    int integer(String key, int defaultValue, int min, int max) throws ConfigException {
        JsonNode v = value(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        long parsed;
        if (v.isIntegralNumber()) {
            parsed = v.asLong();
        } else if (v.isTextual() && v.asText().trim().matches("-?\\d{1,10}")) {
            parsed = Long.parseLong(v.asText().trim());
        } else {
            throw error(key, "must be an integer between " + min + " and " + max + ", got " + describe(v));
        }
        if (parsed < min || parsed > max) {
            throw error(key, "must be between " + min + " and " + max + ", got " + parsed);
        }
        return (int) parsed;
    }

    boolean bool(String key, boolean defaultValue) throws ConfigException {
        JsonNode v = value(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw error(key, "must be true or false, got " + describe(v));
    }

    Duration duration(String key, Duration defaultValue, Duration min, Duration max) throws ConfigException {
        JsonNode v = value(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(v.asText().trim());
        if (!v.isTextual() || !m.matches()) {
            throw error(key, "must be a duration such as 500ms, 2s, 1m or 1h, got " + describe(v));
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw error(key, "must be between " + human(min) + " and " + human(max) + ", got " + v.asText().trim());
        }
        return d;
    }

    List<String> strings(String key, List<String> defaultValue) throws ConfigException {
        JsonNode v = value(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) { // from the environment: comma-separated
            for (String part : v.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return List.copyOf(out);
        }
        if (!v.isArray()) {
            throw error(key, "must be a list, got " + describe(v));
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isValueNode() || item.isNull()) {
                throw new ConfigException(keyPath(key) + "[" + i + "]", "must be a text value, got " + describe(item));
            }
            out.add(item.asText().trim());
        }
        return List.copyOf(out);
    }

    List<Integer> integers(String key, List<Integer> defaultValue, int min, int max) throws ConfigException {
        JsonNode v = value(key);
        if (v == null || v.isNull()) {
            return defaultValue;
        }
        if (!v.isArray()) {
            throw error(key, "must be a list of integers, got " + describe(v));
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isIntegralNumber() || item.asLong() < min || item.asLong() > max) {
                throw new ConfigException(keyPath(key) + "[" + i + "]",
                        "must be an integer between " + min + " and " + max + ", got " + describe(item));
            }
            out.add(item.asInt());
        }
        return List.copyOf(out);
    }

    /** An error about a key of this section, naming the environment variable when the value came from one. */
    ConfigException error(String key, String reason) {
        String full = keyPath(key);
        String env = envSources.get(full);
        return new ConfigException(env == null ? full : env + " (" + full + ")", reason);
    }

    /** Every key present in this mapping must have been read; anything else is a typo or a stale key. */
    void finish() throws ConfigException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                String hint = nearest(name);
                throw new ConfigException(keyPath(name),
                        "unknown key" + (hint == null ? "" : " (did you mean " + keyPath(hint) + "?)"));
            }
        }
    }

    private JsonNode value(String key) {
        known.add(key);
        return node.get(key);
    }

    private String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String nearest(String name) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String describe(JsonNode v) {
        if (v.getNodeType() == JsonNodeType.OBJECT) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        return "'" + v.asText() + "'";
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
