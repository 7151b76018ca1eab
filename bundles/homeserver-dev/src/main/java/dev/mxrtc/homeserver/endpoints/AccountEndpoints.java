package dev.mxrtc.homeserver.endpoints;

import static dev.mxrtc.homeserver.endpoints.Paths.V1;
import static dev.mxrtc.homeserver.endpoints.Paths.V3;
import static dev.mxrtc.homeserver.http.Router.Auth.NONE;
import static dev.mxrtc.homeserver.http.Router.Auth.REQUIRED;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.homeserver.core.AccountData;
import dev.mxrtc.homeserver.core.Accounts;
import dev.mxrtc.homeserver.core.Ids;
import dev.mxrtc.homeserver.http.Json;
import dev.mxrtc.homeserver.http.MatrixError;
import dev.mxrtc.homeserver.http.Router;

/** Registration, login, logout, whoami, profile, devices, filters, account data and OpenID. */
public final class AccountEndpoints {
    private final Accounts accounts;
    private final AccountData accountData;
    private final Ids ids;

    public AccountEndpoints(Accounts accounts, AccountData accountData, Ids ids) {
        this.accounts = accounts;
        this.accountData = accountData;
        this.ids = ids;
    }

    public void register(Router r) {
        r.post(V3 + "/register", NONE, req -> {
            ObjectNode body = req.object();
            ObjectNode done = accounts.register(body, req.query("kind"));
            if (done != null) return done;
            return new Router.Reply(401, accounts.registrationFlows(ids.session()));
        });
        r.get(V3 + "/register/available", NONE, req -> {
            String u = req.query("username");
            if (u == null) throw MatrixError.missingParam("Missing username");
            return Json.object().put("available", accounts.usernameAvailable(u));
        });
        r.get(V1 + "/register/m.login.registration_token/validity", NONE, req -> Json.object().put("valid", false));
        r.get(V3 + "/login", NONE, req -> {
            ObjectNode o = Json.object();
            o.putArray("flows").addObject().put("type", "m.login.password");
            return o;
        });
        r.post(V3 + "/login", NONE, req -> accounts.login(req.object()));
        r.post(V3 + "/logout", REQUIRED, req -> {
            accounts.logout(req.caller(), false);
            return Json.object();
        });
        r.post(V3 + "/logout/all", REQUIRED, req -> {
            accounts.logout(req.caller(), true);
            return Json.object();
        });
        r.get(V3 + "/account/whoami", REQUIRED, req -> Json.object().put("user_id", req.caller().userId())
                .put("device_id", req.caller().deviceId()).put("is_guest", false));
        r.post(V3 + "/user/:userId/openid/request_token", REQUIRED, req -> {
            req.objectOrEmpty();
            return accounts.requestOpenIdToken(req.caller(), req.param("userId"));
        });
        r.get("/_matrix/federation/v1/openid/userinfo", NONE, req -> {
            String token = req.query("access_token");
            if (token == null) throw new MatrixError(401, "M_MISSING_TOKEN", "Missing access token");
            String user = accounts.openIdUser(token)
                    .orElseThrow(() -> new MatrixError(401, "M_UNKNOWN_TOKEN", "Invalid OpenID token"));
            return Json.object().put("sub", user);
        });

        r.get(V3 + "/profile/:userId", NONE, req -> accounts.profile(req.param("userId")));
        r.get(V3 + "/profile/:userId/:field", NONE, req -> {
            ObjectNode p = accounts.profile(req.param("userId"));
            String f = req.param("field");
            if (!p.has(f)) throw MatrixError.notFound("Profile field not set");
            return Json.object().set(f, p.get(f));
        });
        r.put(V3 + "/profile/:userId/:field", REQUIRED, req -> {
            accounts.setProfileField(req.caller(), req.param("userId"), req.param("field"), req.object());
            return Json.object();
        });

        r.get(V3 + "/devices", REQUIRED, req -> accounts.devices(req.caller()));
        r.get(V3 + "/devices/:deviceId", REQUIRED, req -> accounts.device(req.caller(), req.param("deviceId")));
        r.put(V3 + "/devices/:deviceId", REQUIRED, req -> {
            accounts.renameDevice(req.caller(), req.param("deviceId"), Json.optString(req.object(), "display_name"));
            return Json.object();
        });

        r.post(V3 + "/user/:userId/filter", REQUIRED, req -> Json.object()
                .put("filter_id", accountData.createFilter(req.caller(), req.param("userId"), req.object())));
        r.get(V3 + "/user/:userId/filter/:filterId", REQUIRED,
                req -> accountData.filter(req.caller(), req.param("userId"), req.param("filterId")));
        r.put(V3 + "/user/:userId/account_data/:type", REQUIRED, req -> {
            accountData.put(req.caller(), req.param("userId"), null, req.param("type"), req.object());
            return Json.object();
        });
        r.get(V3 + "/user/:userId/account_data/:type", REQUIRED,
                req -> accountData.get(req.caller(), req.param("userId"), null, req.param("type")));
        r.put(V3 + "/user/:userId/rooms/:roomId/account_data/:type", REQUIRED, req -> {
            accountData.put(req.caller(), req.param("userId"), req.param("roomId"), req.param("type"), req.object());
            return Json.object();
        });
        r.get(V3 + "/user/:userId/rooms/:roomId/account_data/:type", REQUIRED,
                req -> accountData.get(req.caller(), req.param("userId"), req.param("roomId"), req.param("type")));
    }
}
