package dev.mxrtc.livekit.auth.osgi;

import dev.mxrtc.livekit.auth.LiveKitAuthService;
import dev.mxrtc.livekit.auth.LiveKitAuthService.Reply;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/** Hands servlet requests below the mount point to {@link LiveKitAuthService} (used on the whiteboard and by tests). */
public final class LiveKitAuthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Bodies are small JSON objects or webhooks; anything larger is refused unread. */
    static final int MAX_BODY = 1 << 20;

    private final transient LiveKitAuthService service;

    public LiveKitAuthServlet(LiveKitAuthService service) {
        this.service = service;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            res.sendError(413);
            return;
        }
        Reply reply = service.handle(req.getMethod(), path, req::getHeader, body);
        res.setStatus(reply.status());
        reply.headers().forEach(res::setHeader);
        byte[] out = reply.body();
        if (out.length > 0) {
            res.setContentLength(out.length);
            res.getOutputStream().write(out);
        }
    }
}
