package dev.mxrtc.matrix.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.matrix.ErrorKind;
import dev.mxrtc.matrix.MatrixError;

/** Error mapping as a table ({@code errors.tsv}: status, Retry-After, body → kind, errcode, hints); backoff bounds. */
class MatrixErrorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> table() throws IOException {
        try (InputStream in = MatrixErrorsTest.class.getResourceAsStream("errors.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> Arguments.of((Object) l.split("\t", -1)))
                    .toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("table")
    void mapsErrorAnswers(String[] row) {
        int status = Integer.parseInt(row[0]);
        JsonNode body;
        try {
            body = row[2].isEmpty() ? null : JSON.readTree(row[2]);
        } catch (IOException e) {
            body = null; // not JSON, as a proxy's HTML page
        }
        MatrixError e = MatrixErrors.from(status, body, row[1].isEmpty() ? null : row[1]);
        assertEquals(ErrorKind.valueOf(row[3]), e.kind(), String.join(" | ", row));
        assertEquals(row[4], e.errcode());
        assertEquals(status, e.httpStatus());
        assertEquals(row[5].isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(row[5])),
                e.retryAfterMs());
        assertEquals(row[6].isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(row[6])),
                e.maxDelayMs());
    }

    @Test
    void softLogoutIsKept() throws IOException {
        assertTrue(MatrixErrors.from(401, JSON.readTree("{\"errcode\":\"M_UNKNOWN_TOKEN\",\"soft_logout\":true}"),
                null).softLogout());
    }

    @Test
    void backoffGrowsWithJitterAndIsCapped() {
        Backoff low = new Backoff(100, 1_000, () -> 0.0);
        Backoff high = new Backoff(100, 1_000, () -> 0.999_999);
        assertEquals(50, low.delayMs(0));
        assertEquals(99, high.delayMs(0));
        assertEquals(200, low.delayMs(2));
        assertEquals(399, high.delayMs(2));
        assertEquals(500, low.delayMs(10), "capped at max");
        assertEquals(999, high.delayMs(40));
    }
}
