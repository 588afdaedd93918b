package ai.oneinbox.edge.sip.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The RFC 4475 / 5118 corpus and fuzz seeds under src/test/resources/conformance. */
public final class Corpus {

    /** One row of expectations.tsv. */
    public record Expectation(String file, String section, String title, String validity, String action) {
        public boolean valid() {
            return validity.startsWith("valid");
        }

        public boolean response() {
            return validity.contains("response");
        }
    }

    private Corpus() {
    }

    public static byte[] bytes(String resource) {
        try (InputStream in = Corpus.class.getResourceAsStream("/conformance/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Expectation> expectations() {
        String tsv = new String(bytes("rfc4475/expectations.tsv"), StandardCharsets.UTF_8);
        List<Expectation> rows = new ArrayList<>();
        for (String line : tsv.split("\n")) {
            String[] f = line.split("\t");
            if (f[0].equals("file")) {
                continue;
            }
            rows.add(new Expectation(f[0], f[1], f[2], f[3], f[4]));
        }
        return rows;
    }

    /** Resource names of every fuzz seed (relative to conformance/). */
    public static List<String> fuzzSeeds() {
        try {
            Path root = Path.of(Corpus.class.getResource("/conformance/fuzz-seeds").toURI());
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith(".sip"))
                        .map(p -> "fuzz-seeds/" + root.relativize(p).toString().replace('\\', '/'))
                        .sorted()
                        .collect(Collectors.toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
