package dev.mxrtc.homeserver.endpoints;

import static dev.mxrtc.homeserver.endpoints.Paths.V3;
import static dev.mxrtc.homeserver.http.Router.Auth.REQUIRED;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.core.Keys;
import dev.mxrtc.homeserver.core.Tokens;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.http.Router;
import dev.mxrtc.homeserver.store.Database;

/** Device keys, one-time and fallback keys, cross-signing uploads, key changes and to-device messages. */
public final class KeyEndpoints {
    private final Database db;
    private final Keys keys;

    public KeyEndpoints(Database db, Keys keys) {
        this.db = db;
        this.keys = keys;
    }

    public void register(Router r) {
        r.post(V3 + "/keys/upload", REQUIRED, req -> keys.upload(req.caller(), req.object()));
        r.post(V3 + "/keys/query", REQUIRED, req -> keys.query(req.object()));
        r.post(V3 + "/keys/claim", REQUIRED, req -> keys.claim(req.object()));
        r.get(V3 + "/keys/changes", REQUIRED, req -> {
            String from = req.query("from");
            if (from == null) throw MatrixError.missingParam("Missing 'from'");
            long since = Tokens.parse(from);
            String to = req.query("to");
            ArrayNode changed = Json.array();
            db.tx(tx -> {
                long upTo = to == null ? tx.position() : Tokens.parse(to);
                keys.changedSince(tx, req.caller(), since, upTo).forEach(changed::add);
                return null;
            });
            ObjectNode o = Json.object();
            o.set("changed", changed);
            o.putArray("left");
            return o;
        });
        r.post(V3 + "/keys/device_signing/upload", REQUIRED, req -> {
            keys.uploadCrossSigning(req.caller(), req.object());
            return Json.object();
        });
        r.post(V3 + "/keys/signatures/upload", REQUIRED, req -> {
            req.object();
            return Json.object().set("failures", Json.object());
        });
        r.put(V3 + "/sendToDevice/:type/:txnId", REQUIRED, req -> {
            keys.sendToDevice(req.caller(), req.param("type"), req.param("txnId"), req.object());
            return Json.object();
        });
    }
}
