package dev.mxrtc.homeserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.core.Caller;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: decodes the path, matches a route, authenticates, bounds the body, calls the handler and
 * writes JSON or a Matrix error. Serves everything under {@code /_matrix/*} and {@code /.well-known/matrix/*}.
 */
public final class MatrixServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MatrixServlet.class);

    private final transient Router router;
    private final transient Function<String, Optional<Caller>> tokens;
    private final int maxBodyBytes;

    /**
     * @param tokens       resolves an access token to its caller (empty when unknown)
     * @param maxBodyBytes larger request bodies are refused with 413 {@code M_TOO_LARGE}
     */
    public MatrixServlet(Router router, Function<String, Optional<Caller>> tokens, int maxBodyBytes) {
        this.router = router;
        this.tokens = tokens;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Access-Control-Allow-Origin", "*");
        resp.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        resp.setHeader("Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization");
        String method = req.getMethod();
        if ("OPTIONS".equals(method)) {
            answer(method, req, resp, 200, Json.object(), false);
            return;
        }
        Object result;
        try {
            result = dispatch(method, req);
        } catch (MatrixError e) {
            // refused before (or while) reading the body, e.g. 401 on a PUT: read what is left of it so the
            // connection stays usable for the client's next request instead of being closed under it
            discardBody(req);
            answer(method, req, resp, e.status(), errorBody(e), e.status() == 413);
            return;
        } catch (ClientGone e) {
            LOG.debug("Client went away while sending {} {}: {}", method, req.getRequestURI(), e.getCause().toString());
            return;
        } catch (InterruptedException e) {
            // a long poll (/sync) cut short because the HTTP server is stopping: not a server error
            Thread.currentThread().interrupt();
            LOG.debug("Interrupted {} {} (server stopping)", method, req.getRequestURI());
            answer(method, req, resp, 503, errorBody(new MatrixError(503, "M_UNKNOWN", "Server is stopping")), false);
            return;
        } catch (Exception e) {
            LOG.error("Internal error on {} {}", method, req.getRequestURI(), e);
            answer(method, req, resp, 500, errorBody(new MatrixError(500, "M_UNKNOWN", "Internal server error")), false);
            return;
        }
        if (result instanceof Router.Reply reply) answer(method, req, resp, reply.status(), reply.body(), false);
        else answer(method, req, resp, 200, (JsonNode) result, false);
    }

    /**
     * Writes the answer. A client that went away in the meantime (closed or reset the connection, or stopped reading
     * until the connector's idle timeout cut the write) is the client's business, not a server error: DEBUG, like a
     * long poll cut by a stop. Before this, such a write failure fell into the handler's catch-all and was logged as an
     * ERROR "Internal error" (seen with long-polling /sync clients killed mid-answer).
     */
    private static void answer(String method, HttpServletRequest req, HttpServletResponse resp, int status,
            JsonNode body, boolean closeAfter) {
        try {
            // the refused body may not have been read to its end: the connection cannot carry another request, and
            // a client that pooled it would send its next request into a closed socket
            if (closeAfter) resp.setHeader("Connection", "close");
            writeJson(resp, status, body);
        } catch (IOException e) {
            LOG.debug("Client went away before the answer to {} {} was written: {}", method, req.getRequestURI(),
                    e.toString());
        }
    }

    /** The request body could not be read because the client went away (closed, reset, or stalled the upload). */
    private static final class ClientGone extends Exception {
        private static final long serialVersionUID = 1L;

        ClientGone(IOException cause) {
            super(cause);
        }
    }

    private Object dispatch(String method, HttpServletRequest req) throws Exception {
        String raw = req.getRequestURI();
        String context = req.getContextPath();
        if (context != null && !context.isEmpty() && raw.startsWith(context)) raw = raw.substring(context.length());
        List<String> segments = new ArrayList<>();
        for (String s : raw.substring(raw.startsWith("/") ? 1 : 0).split("/", -1)) segments.add(decode(s));

        Router.Match match = router.match(method, segments);
        Router.Match.Found found = switch (match) {
            case Router.Match.Found f -> f;
            case Router.Match.NotFound n -> throw MatrixError.unrecognized("Unrecognized request");
            case Router.Match.WrongMethod w -> throw new MatrixError(405, "M_UNRECOGNIZED", "Unrecognized request method");
        };
        Map<String, String> query = parseQuery(req.getQueryString());
        Caller caller = authenticate(found.route().auth(), req, query);
        byte[] body;
        try {
            body = readBody(req);
        } catch (IOException e) {
            throw new ClientGone(e);
        }
        return found.route().handler().handle(new ApiRequest(method, found.params(), query, body, caller));
    }

    private Caller authenticate(Router.Auth auth, HttpServletRequest req, Map<String, String> query) {
        String token = null;
        String header = req.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) token = header.substring(7).trim();
        else if (query.containsKey("access_token")) token = query.get("access_token");
        return switch (auth) {
            case NONE -> null;
            case OPTIONAL -> token == null ? null : tokens.apply(token).orElseThrow(MatrixServlet::unknownToken);
            case REQUIRED -> {
                if (token == null) throw new MatrixError(401, "M_MISSING_TOKEN", "Missing access token");
                yield tokens.apply(token).orElseThrow(MatrixServlet::unknownToken);
            }
        };
    }

    private static MatrixError unknownToken() {
        return new MatrixError(401, "M_UNKNOWN_TOKEN", "Unknown access token", Map.of("soft_logout", false));
    }

    private byte[] readBody(HttpServletRequest req) throws IOException {
        long declared = req.getContentLengthLong();
        try (InputStream in = req.getInputStream()) {
            if (declared > maxBodyBytes) {
                drain(in);
                throw tooLarge();
            }
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                drain(in);
                throw tooLarge();
            }
            return bytes;
        }
    }

    private void discardBody(HttpServletRequest req) {
        try {
            drain(req.getInputStream());
        } catch (IOException | IllegalStateException e) {
            LOG.debug("could not discard the rest of a refused request body: {}", e.toString());
        }
    }

    /**
     * Reads and discards what is left of a refused body, up to a bound, so that the client, still sending, reads
     * the 413 instead of seeing the connection closed under it. Past the bound the connection is given up.
     */
    private void drain(InputStream in) throws IOException {
        long left = 16L * maxBodyBytes;
        byte[] buf = new byte[8192];
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
            left -= n;
        }
    }

    private MatrixError tooLarge() {
        return new MatrixError(413, "M_TOO_LARGE", "Request body larger than " + maxBodyBytes + " bytes");
    }

    private static Map<String, String> parseQuery(String qs) {
        Map<String, String> out = new HashMap<>();
        if (qs == null || qs.isEmpty()) return out;
        for (String pair : qs.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static String decode(String segment) {
        // path segments: '+' is literal, only %XX escapes are decoded
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw MatrixError.unrecognized("Malformed path");
        }
    }

    private static String decodeQuery(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw MatrixError.invalidParam("Malformed query string");
        }
    }

    private static ObjectNode errorBody(MatrixError e) {
        ObjectNode body = Json.object();
        body.put("errcode", e.errcode());
        body.put("error", e.getMessage());
        e.extra().forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
        return body;
    }

    private static void writeJson(HttpServletResponse resp, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setContentLength(bytes.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(bytes);
        }
    }
}
