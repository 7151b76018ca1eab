package dev.mxrtc.core.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mxrtc.api.spi.FocusSelection;
import dev.mxrtc.core.inspect.Inspector;
import dev.mxrtc.focus.selection.MultiSfu;
import dev.mxrtc.focus.selection.OldestMembership;

/**
 * Runs the core's inspector over every conformance case: its output must equal the case's {@code expected}
 * as a JSON tree (sessions by slot id, members oldest first, rejected events in input order with their reasons).
 */
@Timeout(60)
class ConformanceTest {

    private static final List<FocusSelection> SELECTIONS = List.of(new OldestMembership(), new MultiSfu());

    @Test
    void theCorpusHasEnoughCases() {
        int count = Corpus.cases().size();
        assertTrue(count >= Corpus.MINIMUM_CASES,
                "the conformance corpus has " + count + " cases, fewer than " + Corpus.MINIMUM_CASES);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseInspectsToItsExpectedOutput() {
        return Corpus.cases().stream().map(c -> DynamicTest.dynamicTest(c.file().getFileName().toString(), () -> {
            Object result = new Inspector(SELECTIONS).inspect(c.input(), c.now());
            JsonNode actual = result instanceof String text ? Corpus.JSON.readTree(text) : Corpus.JSON.valueToTree(result);
            if (!Corpus.sameJson(c.expected(), actual)) {
                // Fails with readable, diffable text.
                assertEquals(Corpus.pretty(c.expected()), Corpus.pretty(actual),
                        c.name() + ": " + c.json().path("description").asText());
            }
        }));
    }
}
