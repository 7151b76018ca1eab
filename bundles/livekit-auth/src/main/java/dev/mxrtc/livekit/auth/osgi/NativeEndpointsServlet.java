package dev.mxrtc.livekit.auth.osgi;

import dev.mxrtc.livekit.auth.LiveKitAuthService.Reply;
import dev.mxrtc.livekit.auth.NativeEndpoints;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/** Serves {@code /_matrix/client/unstable/io.element.msc4195/rtc/livekit/*} from {@link NativeEndpoints}. */
public final class NativeEndpointsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    public static final String PATTERN = "/_matrix/client/unstable/io.element.msc4195/rtc/livekit/*";

    private final transient NativeEndpoints endpoints;

    public NativeEndpointsServlet(NativeEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(LiveKitAuthServlet.MAX_BODY + 1);
        }
        if (body.length > LiveKitAuthServlet.MAX_BODY) {
            res.sendError(413);
            return;
        }
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        Reply reply = endpoints.handle(req.getMethod(), path, req.getHeader("Authorization"), body);
        res.setStatus(reply.status());
        reply.headers().forEach(res::setHeader);
        byte[] out = reply.body();
        res.setContentLength(out.length);
        res.getOutputStream().write(out);
    }
}
