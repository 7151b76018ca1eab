package dev.mxrtc.core.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The conformance corpus: one JSON file per case under {@code src/test/resources/conformance}, each
 * {@code {"name", "description", "now", "jssdk_differs"?, "input", "expected"}}. See docs/conformance.md.
 */
final class Corpus {

    /** The corpus must not shrink below this by accident. */
    static final int MINIMUM_CASES = 60;

    static final ObjectMapper JSON = new ObjectMapper();

    /** One case file, parsed. */
    record Case(Path file, JsonNode json) {

        String name() {
            return json.path("name").asText(file.getFileName().toString());
        }

        long now() {
            return json.path("now").asLong();
        }

        JsonNode input() {
            return json.path("input");
        }

        JsonNode expected() {
            return json.path("expected");
        }

        /** @return why matrix-js-sdk 43 computes something else for this case, if it does */
        Optional<String> jssdkDiffers() {
            JsonNode why = json.get("jssdk_differs");
            return why == null ? Optional.empty() : Optional.of(why.asText());
        }
    }

    private Corpus() {
    }

    /** @return the directory holding the case files (the test-classes copy of the resources) */
    static Path directory() {
        URL url = Corpus.class.getResource("/conformance");
        if (url == null) {
            throw new IllegalStateException("no /conformance directory on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return every case, ordered by file name */
    static List<Case> cases() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .map(Corpus::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether two JSON trees are equal, numbers compared by value (so 0 as int equals 0 as long) */
    static boolean sameJson(JsonNode a, JsonNode b) {
        return a.equals(NUMBERS_BY_VALUE, b);
    }

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.isNumber() && y.isNumber()) {
            return x.decimalValue().compareTo(y.decimalValue());
        }
        return x.equals(y) ? 0 : 1;
    };

    /** @return the tree as indented JSON with object keys sorted, for readable failure messages */
    static String pretty(JsonNode node) {
        try {
            Object plain = SORTED.treeToValue(node, Object.class);
            return SORTED.writerWithDefaultPrettyPrinter().writeValueAsString(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private static Case read(Path file) {
        try {
            return new Case(file, JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read conformance case " + file, e);
        }
    }
}
