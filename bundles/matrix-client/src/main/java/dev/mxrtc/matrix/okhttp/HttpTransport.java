package dev.mxrtc.matrix.okhttp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.matrix.ErrorKind;
import dev.mxrtc.matrix.MatrixError;
import dev.mxrtc.matrix.MatrixException;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One homeserver's HTTP edge: builds URLs with encoded path segments, sends JSON, parses answers and maps errors
 * to {@link MatrixError}. {@link #call} retries transient failures: 429 after the server's retry-after, 5xx and
 * network errors with backoff for requests marked idempotent (GET, PUT with a transaction id), at most
 * {@code maxRetries} times. The request (and so its transaction id) is the same on every attempt.
 *
 * <p>The access token comes from a supplier, never from a field that is logged; it is never logged.
 */
final class HttpTransport {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    /** Cap on a server-requested wait, so a bad retry-after cannot park a caller for hours. */
    private static final long MAX_RETRY_AFTER_MS = 120_000L;

    /** Whether a failed attempt may be repeated. */
    enum Retry {
        /** Never repeated (the caller handles failures, e.g. the sync loop). */
        NONE,
        /** Repeated on 429 only: the server did not act on it. */
        RATE_LIMIT_ONLY,
        /** Repeated on 429, 5xx and network errors: repeating has the same effect as sending once. */
        IDEMPOTENT
    }

    private final OkHttpClient http;
    private final ObjectMapper mapper;
    private final HttpUrl base;
    private final Supplier<String> accessToken;
    private final int maxRetries;
    private final Backoff backoff;
    private final CountDownLatch closed = new CountDownLatch(1);

    HttpTransport(OkHttpClient http, ObjectMapper mapper, String baseUrl, Supplier<String> accessToken, int maxRetries,
            Backoff backoff) {
        this.http = Objects.requireNonNull(http, "http");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(baseUrl, "baseUrl"));
        if (parsed == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
        }
        this.base = parsed;
        this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
        this.maxRetries = maxRetries;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    ObjectMapper mapper() {
        return mapper;
    }

    OkHttpClient http() {
        return http;
    }

    String baseUrl() {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Wakes and fails callers waiting out a retry delay; idempotent. */
    void close() {
        closed.countDown();
    }

    /**
     * A URL under the homeserver: {@code prefix} is a fixed path ({@code _matrix/client/v3}), each of
     * {@code segments} is one encoded path segment (room ids, event types, state keys, txn ids).
     */
    HttpUrl.Builder url(String prefix, String... segments) {
        HttpUrl.Builder b = base.newBuilder().addPathSegments(prefix);
        for (String s : segments) {
            b.addPathSegment(s);
        }
        return b;
    }

    /** Builds a request; {@code body} null sends none (GET) or {@code {}} (POST/PUT). */
    Request request(String method, HttpUrl url, JsonNode body, boolean authenticated) {
        Request.Builder b = new Request.Builder().url(url);
        if (authenticated) {
            String token = accessToken.get();
            if (token == null || token.isEmpty()) {
                throw new MatrixException(new MatrixError(ErrorKind.MISSING_TOKEN, "M_MISSING_TOKEN",
                        "not logged in", 0, java.util.OptionalLong.empty(), java.util.OptionalLong.empty(), false));
            }
            b.header("Authorization", "Bearer " + token);
        }
        RequestBody rb = null;
        if (!"GET".equals(method)) {
            rb = RequestBody.create(write(body == null ? mapper.createObjectNode() : body), JSON);
        }
        return b.method(method, rb).build();
    }

    /** Sends with the given retry policy; returns the parsed JSON answer (an empty object for an empty body). */
    JsonNode call(Request request, Retry retry) {
        int attempt = 0;
        while (true) {
            try {
                return once(http.newCall(request));
            } catch (MatrixException e) {
                MatrixError err = e.error();
                long wait = retryDelay(err, retry, attempt);
                if (wait < 0 || attempt >= maxRetries) {
                    throw e;
                }
                LOG.debug("{} {} failed with {} ({}), retry {} in {} ms", request.method(), request.url().encodedPath(),
                        err.errcode(), err.httpStatus(), attempt + 1, wait);
                sleep(wait, e);
                attempt++;
            }
        }
    }

    /** One attempt on a prepared call (the sync loop keeps the call to cancel it). */
    JsonNode once(Call call) {
        Answer a = exchange(call);
        if (a.isSuccessful()) {
            return a.json() == null ? mapper.createObjectNode() : a.json();
        }
        throw new MatrixException(a.error());
    }

    /** An HTTP answer before error mapping, for flows that read error bodies (user-interactive auth). */
    record Answer(int status, JsonNode json, String retryAfter) {
        boolean isSuccessful() {
            return status >= 200 && status < 300;
        }

        MatrixError error() {
            return MatrixErrors.from(status, json, retryAfter);
        }
    }

    /** One attempt, any status; only a failure to get an answer throws. */
    Answer exchange(Call call) {
        try (Response response = call.execute()) {
            ResponseBody body = response.body();
            String text = body == null ? "" : body.string();
            return new Answer(response.code(), parse(text), response.header("Retry-After"));
        } catch (InterruptedIOException e) {
            throw new MatrixException(MatrixError.network("timeout or cancelled: " + e.getMessage()), e);
        } catch (IOException e) {
            throw new MatrixException(MatrixError.network(e.getClass().getSimpleName() + ": " + e.getMessage()), e);
        }
    }

    private long retryDelay(MatrixError err, Retry retry, int attempt) {
        return switch (retry) {
            case NONE -> -1;
            case RATE_LIMIT_ONLY -> err.kind() == ErrorKind.RATE_LIMITED ? rateLimitWait(err, attempt) : -1;
            case IDEMPOTENT -> switch (err.kind()) {
                case RATE_LIMITED -> rateLimitWait(err, attempt);
                case SERVER_ERROR, NETWORK -> backoff.delayMs(attempt);
                case NOT_FOUND, FORBIDDEN, UNKNOWN_TOKEN, MISSING_TOKEN, UNRECOGNIZED, MAX_DELAY_EXCEEDED, CONFLICT,
                        BAD_REQUEST, USER_IN_USE, OTHER -> -1;
            };
        };
    }

    private long rateLimitWait(MatrixError err, int attempt) {
        long wait = err.retryAfterMs().orElse(backoff.delayMs(attempt));
        return Math.min(wait, MAX_RETRY_AFTER_MS);
    }

    private void sleep(long ms, MatrixException cause) {
        try {
            if (closed.await(ms, TimeUnit.MILLISECONDS)) {
                throw cause;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    private JsonNode parse(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Parses caller-supplied content: it must be a JSON object. */
    ObjectNode object(String json) {
        try {
            JsonNode n = mapper.readTree(json);
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        throw new IllegalArgumentException("not a JSON object");
    }

    /** Query parameters in a fixed order. */
    static HttpUrl withQuery(HttpUrl.Builder b, Map<String, String> query) {
        query.forEach(b::addQueryParameter);
        return b.build();
    }
}
