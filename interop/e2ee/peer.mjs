#!/usr/bin/env node
// A matrix-js-sdk 43 client with Rust crypto (@matrix-org/matrix-sdk-crypto-wasm, in-memory store) that joins one
// room's MatrixRTC session with manageMediaKeys, so js-sdk's own RTCEncryptionManager and ToDeviceKeyTransport send
// and receive media keys over Olm to-device. Used by mxrtc's end-to-end encryption test (bundles/e2ee-runtime).
//
// Usage: node e2ee/peer.mjs <baseUrl> <localpart> <deviceId>
// The peer registers (m.login.dummy) or logs in with password "pw-<localpart>".
// stdin, one JSON command per line:
//   {"cmd":"join","room":"!r"}   join the room (it must be invited or public), then the RTC session
//   {"cmd":"leave"}              leave the RTC session (the room stays joined)
//   {"cmd":"exit"}               stop (stdin closing stops too)
// stdout, JSON lines:
//   {"type":"ready","user_id","device_id","curve25519","ed25519"}    logged in, crypto up, first sync done
//   {"type":"joined"}                                                 joinRoomSession called
//   {"type":"key","user_id","device_id","member_id","index","key","own":bool}  every EncryptionKeyChanged
//   {"type":"to_device_key","sender","room_id","member_id","index","key"}  every io.element.call.encryption_keys
//       to-device event the client decrypted, also outside (or after leaving) a session: what reached the device
//   {"type":"memberships","members":[{"user_id","device_id","member_id"}]}
//   {"type":"left"} / {"type":"error","message"}
// js-sdk's own logging goes to stderr (level from JSSDK_LOG_LEVEL, default warn).

import "../lib/node20.mjs";

const [baseUrl, localpart, deviceId] = process.argv.slice(2);
if (!deviceId) {
    process.stderr.write("usage: peer.mjs <baseUrl> <localpart> <deviceId>\n");
    process.exit(2);
}

const sdk = await import("matrix-js-sdk");
const { MatrixRTCSessionEvent } = await import("matrix-js-sdk/lib/matrixrtc/index.js");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
logger.setLevel(process.env.JSSDK_LOG_LEVEL ?? "warn", false);

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const password = "pw-" + localpart;

async function session() {
    const anon = sdk.createClient({ baseUrl });
    try {
        return await anon.registerRequest({
            username: localpart,
            password,
            device_id: deviceId,
            initial_device_display_name: "js-sdk e2ee peer",
            auth: { type: "m.login.dummy" },
        });
    } catch (e) {
        // already registered: log in with the same device
        return await anon.loginRequest({
            type: "m.login.password",
            identifier: { type: "m.id.user", user: localpart },
            password,
            device_id: deviceId,
        });
    }
}

const login = await session();
const client = sdk.createClient({
    baseUrl,
    userId: login.user_id,
    accessToken: login.access_token,
    deviceId: login.device_id,
});
await client.initRustCrypto({ useIndexedDB: false });

let rtc;
client.on(sdk.ClientEvent.ToDeviceEvent, (event) => {
    if (event.getType() !== "io.element.call.encryption_keys") return;
    const c = event.getContent();
    out({
        type: "to_device_key",
        sender: event.getSender(),
        room_id: c.room_id,
        member_id: c.member?.id,
        index: c.keys?.index,
        key: c.keys?.key,
    });
});
const b64 = (bytes) => Buffer.from(bytes).toString("base64");

function onKey(key, index, membership) {
    out({
        type: "key",
        user_id: membership.userId,
        device_id: membership.deviceId,
        member_id: membership.memberId,
        index,
        key: b64(key),
        own: membership.userId === client.getUserId() && membership.deviceId === client.getDeviceId(),
    });
}

async function join(roomId) {
    let room = client.getRoom(roomId);
    if (!room || room.getMyMembership() !== "join") {
        await client.joinRoom(roomId);
        for (let i = 0; i < 200 && !(room = client.getRoom(roomId)); i++) {
            await new Promise((r) => setTimeout(r, 50));
        }
    }
    rtc = client.matrixRTC.getRoomSession(room);
    rtc.on(MatrixRTCSessionEvent.EncryptionKeyChanged, onKey);
    rtc.on(MatrixRTCSessionEvent.MembershipsChanged, (_old, now) =>
        out({
            type: "memberships",
            members: now.map((m) => ({ user_id: m.sender ?? m.userId, device_id: m.deviceId, member_id: m.memberId })),
        }),
    );
    rtc.joinRoomSession([{ type: "livekit", livekit_service_url: "http://127.0.0.1:1/livekit" }], undefined, {
        manageMediaKeys: true,
    });
    out({ type: "joined" });
}

const ready = new Promise((resolve) => {
    client.once(sdk.ClientEvent.Sync, () => resolve());
});
await client.startClient({ initialSyncLimit: 20, pollTimeout: 500 });
await ready;
const keys = client.getCrypto().getOwnDeviceKeys ? await client.getCrypto().getOwnDeviceKeys() : {};
out({ type: "ready", user_id: client.getUserId(), device_id: client.getDeviceId(), ...keys });

let stopping = false;
async function stop() {
    if (stopping) return;
    stopping = true;
    try {
        if (rtc?.isJoined()) await rtc.leaveRoomSession(1000);
    } catch (e) {
        process.stderr.write(`leave failed: ${e}\n`);
    }
    client.stopClient();
    process.exit(0);
}

let buffered = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", async (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        try {
            const msg = JSON.parse(line);
            if (msg.cmd === "join") await join(msg.room);
            else if (msg.cmd === "leave") {
                await rtc.leaveRoomSession(2000);
                out({ type: "left" });
            } else if (msg.cmd === "exit") await stop();
        } catch (e) {
            out({ type: "error", message: String(e?.stack ?? e) });
        }
    }
});
process.stdin.on("end", stop);
