package dev.mxrtc.admin.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP in and out: turns a servlet request into an {@link AdminRequest} and writes the {@link AdminResponse}. */
final class AdminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);

    private final transient AdminRoutes routes;

    AdminServlet(AdminRoutes routes) {
        this.routes = routes;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, String> query = new HashMap<>();
        req.getParameterMap().forEach((k, v) -> query.put(k, v.length == 0 ? "" : v[0]));
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        AdminRequest request = new AdminRequest(req.getMethod(), path, query, String.valueOf(req.getRemoteAddr()),
                Optional.ofNullable(req.getHeader("Host")), Optional.ofNullable(req.getHeader("Origin")),
                Optional.ofNullable(req.getHeader("Authorization")));
        AdminResponse response;
        try {
            response = routes.handle(request);
        } catch (RuntimeException e) {
            LOG.warn("admin: {} failed", request, e);
            resp.sendError(500);
            return;
        }
        resp.setStatus(response.status());
        resp.setContentType(response.contentType());
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        response.headers().forEach(resp::setHeader);
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        if (!req.getMethod().equals("HEAD")) {
            resp.getOutputStream().write(body);
        }
    }
}
