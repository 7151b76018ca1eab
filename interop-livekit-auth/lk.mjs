#!/usr/bin/env node
// LiveKit's own node server SDK, driven by bundles/livekit-auth's tests: one JSON command on stdin, one JSON answer
// on stdout ({"ok":true,...} or {"ok":false,"error":...}).
//   {"cmd":"verify","jwt","key","secret"}          TokenVerifier.verify: the claims, as the SFU's SDK sees them
//   {"cmd":"sign-webhook","body","key","secret"}   the Authorization value LiveKit puts on a webhook: an
//                                                   AccessToken whose sha256 claim is the body's SHA-256 (base64)
//   {"cmd":"receive-webhook","body","auth","key","secret"}  WebhookReceiver.receive, for cross-checking
import { createHash } from "node:crypto";
import { AccessToken, TokenVerifier, WebhookReceiver } from "livekit-server-sdk";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const msg = JSON.parse(Buffer.concat(chunks).toString("utf8"));

async function run() {
    switch (msg.cmd) {
        case "verify":
            return { claims: await new TokenVerifier(msg.key, msg.secret).verify(msg.jwt) };
        case "sign-webhook": {
            const at = new AccessToken(msg.key, msg.secret);
            at.sha256 = createHash("sha256").update(msg.body, "utf8").digest("base64");
            return { auth: await at.toJwt() };
        }
        case "receive-webhook": {
            const ev = await new WebhookReceiver(msg.key, msg.secret).receive(msg.body, msg.auth);
            return { event: ev.toJson() };
        }
        default:
            throw new Error("unknown command " + msg.cmd);
    }
}

try {
    process.stdout.write(JSON.stringify({ ok: true, ...(await run()) }) + "\n");
} catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.message ? e.message : e) }) + "\n");
}
