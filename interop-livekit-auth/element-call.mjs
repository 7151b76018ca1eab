#!/usr/bin/env node
// Element Call's way to a LiveKit JWT (element-call src/livekit/auth/openID.ts), with matrix-js-sdk 43 from
// ../interop (installed there with npm ci): the client asks its homeserver for an OpenID token, POSTs it with the
// MatrixRTC member to {livekit_service_url}/get_token (falling back to /sfu/get on 404, as Element Call does), and
// LiveKit's own TokenVerifier checks the JWT it got. One JSON command on stdin:
//   {baseUrl, userId, deviceId, accessToken, serviceUrl, roomId, memberId, key, secret, jsSdkDir}
// answers {"ok":true, status, url, claims, endpoint} or {"ok":false,"error"}.
// With "mode":"native" (and livekitUrl), the homeserver-native MSC4195 way instead: js-sdk's own
// client._unstable_getLivekitToken({url, room_id, slot_id, member}) against the homeserver.
import "../interop/lib/node20.mjs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { TokenVerifier } from "livekit-server-sdk";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const m = JSON.parse(Buffer.concat(chunks).toString("utf8"));

try {
    const sdk = await import(pathToFileURL(join(m.jsSdkDir, "node_modules/matrix-js-sdk/lib/index.js")).href);
    const client = sdk.createClient({ baseUrl: m.baseUrl, userId: m.userId, deviceId: m.deviceId, accessToken: m.accessToken });
    if (m.mode === "native") {
        const { jwt } = await client._unstable_getLivekitToken({
            url: m.livekitUrl,
            room_id: m.roomId,
            slot_id: "m.call#ROOM",
            member: { id: m.memberId, claimed_device_id: client.getDeviceId() },
        });
        const claims = await new TokenVerifier(m.key, m.secret).verify(jwt);
        process.stdout.write(JSON.stringify({ ok: true, status: 200, claims, endpoint: "msc4195" }) + "\n");
        process.exit(0);
    }
    const openIdToken = await client.getOpenIdToken();
    const body = {
        room_id: m.roomId,
        slot_id: "m.call#ROOM",
        openid_token: openIdToken,
        member: { id: m.memberId, claimed_user_id: client.getUserId(), claimed_device_id: client.getDeviceId() },
    };
    let endpoint = "get_token";
    let res = await fetch(m.serviceUrl + "/get_token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
    });
    if (res.status === 404) {
        endpoint = "sfu/get";
        res = await fetch(m.serviceUrl + "/sfu/get", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ room: m.roomId, openid_token: openIdToken, device_id: client.getDeviceId() }),
        });
    }
    const answer = await res.json();
    const claims = res.ok ? await new TokenVerifier(m.key, m.secret).verify(answer.jwt) : null;
    process.stdout.write(JSON.stringify({ ok: true, status: res.status, url: answer.url, claims, endpoint }) + "\n");
} catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.stack ? e.stack : e) }) + "\n");
}
process.exit(0);
