#!/usr/bin/env node
// A matrix-js-sdk 43 client driven over stdin/stdout (one JSON object per line) by mxrtc's interop test against
// the running runtime (itest RuntimeInteropIT). Every command answers one line {"ok": true, ...} or
// {"ok": false, "error": "..."}; js-sdk's own logs go to stderr.
//
//   start {baseUrl, user, password}           register (UIA m.login.dummy) on the runtime's homeserver, start
//                                             syncing, wait until PREPARED; answers userId, deviceId
//   createRoom {name, invite}                 private room; answers roomId
//   join {roomId}                             join a room the client is invited to
//   invite {roomId, userId}
//   send {roomId, body}                       m.room.message; answers eventId
//   waitMessage {roomId, body}                until the timeline has that message (10 s); answers sender, eventId
//   toDevice {userId, deviceId, type, content}
//   waitToDevice {type}                       until a to-device event of that type arrived (10 s); answers it
//   room {roomId, userIds}                    js-sdk's view of the room: name, power levels, membership of userIds
//   waitMember {roomId, userId, membership}   until js-sdk's room state has that membership (15 s)
//   rtcJoin {roomId, delayMs, restartMs}      MatrixRTCSession.joinRoomSession, legacy (state event) format, with
//                                             a delayed leave of delayMs restarted every restartMs; waits until
//                                             js-sdk sees its own membership and one restart went through
//   rtcStatus {roomId}                        memberships js-sdk sees, delayed-event calls that succeeded
//   rtcLeave {roomId}
//   rtcWaitMember {roomId, userId, timeoutMs} until js-sdk's session has a membership of userId; answers it
//   rtcWaitGone {roomId, userId, timeoutMs}   until js-sdk's session has no membership of userId any more; answers
//                                             goneTs, the time (Date.now()) of the MembershipsChanged that removed it
//   stop

import "../lib/node20.mjs";

import { createInterface } from "node:readline";

const sdk = await import("matrix-js-sdk");
const { MatrixRTCSessionEvent } = await import("matrix-js-sdk/lib/matrixrtc/index.js");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
logger.setLevel(process.env.JSSDK_LOG_LEVEL ?? "warn", false);

let client;
const toDevice = []; // to-device events received: {type, sender, content}
const delayed = { sent: 0, restarted: 0, restartFailed: 0 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, ms = 10000) {
    const deadline = Date.now() + ms;
    for (;;) {
        const v = await fn();
        if (v) return v;
        if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
        await sleep(50);
    }
}
const room = (roomId) => until("room " + roomId, () => client.getRoom(roomId));
const session = async (roomId) => client.matrixRTC.getRoomSession(await room(roomId));

async function register(baseUrl, user, password) {
    const url = baseUrl + "/_matrix/client/v3/register";
    const post = (body) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const first = await post({ username: user, password, initial_device_display_name: "js-sdk interop" });
    const uia = await first.json();
    if (first.status !== 401 || !uia.session) throw new Error("register: expected a UIA 401, got " + first.status + " " + JSON.stringify(uia));
    const second = await post({ username: user, password, auth: { type: "m.login.dummy", session: uia.session } });
    const done = await second.json();
    if (second.status !== 200) throw new Error("register: " + second.status + " " + JSON.stringify(done));
    return done;
}

const commands = {
    async start({ baseUrl, user, password }) {
        const reg = await register(baseUrl, user, password);
        client = sdk.createClient({ baseUrl, userId: reg.user_id, deviceId: reg.device_id, accessToken: reg.access_token,
            timelineSupport: true });
        // count the delayed-leave calls that went through (MSC4140 on the runtime's homeserver)
        const sendDelayed = client._unstable_sendDelayedStateEvent.bind(client);
        client._unstable_sendDelayedStateEvent = async (...args) => {
            const r = await sendDelayed(...args);
            delayed.sent++;
            return r;
        };
        const restart = client._unstable_restartScheduledDelayedEvent.bind(client);
        client._unstable_restartScheduledDelayedEvent = async (...args) => {
            try {
                const r = await restart(...args);
                delayed.restarted++;
                return r;
            } catch (e) {
                delayed.restartFailed++;
                throw e;
            }
        };
        client.on(sdk.ClientEvent.ToDeviceEvent, (e) => toDevice.push({ type: e.getType(), sender: e.getSender(), content: e.getContent() }));
        const prepared = new Promise((resolve) => client.on(sdk.ClientEvent.Sync, (s) => s === "PREPARED" && resolve()));
        await client.startClient({ initialSyncLimit: 20 });
        await prepared;
        return { userId: client.getUserId(), deviceId: client.getDeviceId() };
    },
    async createRoom({ name, invite }) {
        const r = await client.createRoom({ preset: "private_chat", name, invite: invite ?? [] });
        await room(r.room_id);
        return { roomId: r.room_id };
    },
    async join({ roomId }) {
        await client.joinRoom(roomId);
        await until("joined " + roomId, () => client.getRoom(roomId)?.getMyMembership() === "join");
        return {};
    },
    async invite({ roomId, userId }) {
        await client.invite(roomId, userId);
        return {};
    },
    async send({ roomId, body }) {
        return { eventId: (await client.sendTextMessage(roomId, body)).event_id };
    },
    async waitMessage({ roomId, body }) {
        const r = await room(roomId);
        const e = await until("message " + body, () =>
            r.getLiveTimeline().getEvents().find((e) => e.getType() === "m.room.message" && e.getContent().body === body));
        return { sender: e.getSender(), eventId: e.getId() };
    },
    async toDevice({ userId, deviceId, type, content }) {
        await client.sendToDevice(type, new Map([[userId, new Map([[deviceId, content]])]]));
        return {};
    },
    async waitToDevice({ type }) {
        return await until("to-device " + type, () => toDevice.find((e) => e.type === type));
    },
    async room({ roomId, userIds }) {
        const r = await room(roomId);
        const st = r.currentState;
        const members = {};
        for (const u of userIds ?? []) members[u] = st.getMember(u)?.membership ?? null;
        return {
            name: r.name,
            powerLevels: st.getStateEvents("m.room.power_levels", "")?.getContent() ?? null,
            members,
        };
    },
    async waitMember({ roomId, userId, membership }) {
        const r = await room(roomId);
        await until(userId + " " + membership + " in " + roomId, () => r.currentState.getMember(userId)?.membership === membership, 15000);
        return {};
    },
    async rtcJoin({ roomId, delayMs, restartMs }) {
        const s = await session(roomId);
        s.joinRoomSession([{ type: "livekit", livekit_service_url: "http://127.0.0.1:9/livekit/jwt" }], undefined, {
            manageMediaKeys: false,
            delayedLeaveEventDelayMs: delayMs,
            delayedLeaveEventRestartMs: restartMs,
        });
        const mine = await until("own membership", () =>
            s.memberships.find((m) => m.sender === client.getUserId() && m.deviceId === client.getDeviceId() && m.eventId),
            30000); // after a restart of the homeserver js-sdk's sync reconnects first
        await until("a delayed-leave restart", () => delayed.restarted > 0, 15000);
        return { membershipEventId: mine.eventId, slotId: mine.slotId ?? null, delayed };
    },
    async rtcStatus({ roomId }) {
        const s = await session(roomId);
        return { memberships: s.memberships.map((m) => ({ sender: m.sender, deviceId: m.deviceId, eventId: m.eventId })), delayed };
    },
    async rtcWaitMember({ roomId, userId, timeoutMs }) {
        const s = await session(roomId);
        const m = await until("a membership of " + userId, () => s.memberships.find((m) => m.sender === userId),
            timeoutMs ?? 15000);
        return { deviceId: m.deviceId, eventId: m.eventId, memberId: m.memberId ?? null, ts: Date.now() };
    },
    async rtcWaitGone({ roomId, userId, timeoutMs }) {
        const s = await session(roomId);
        const present = () => s.memberships.some((m) => m.sender === userId);
        if (!present()) return { goneTs: Date.now(), already: true };
        return await new Promise((resolve, reject) => {
            const onChange = () => {
                if (present()) return;
                const goneTs = Date.now();
                clearTimeout(timer);
                s.off(MatrixRTCSessionEvent.MembershipsChanged, onChange);
                resolve({ goneTs, already: false });
            };
            const timer = setTimeout(() => {
                s.off(MatrixRTCSessionEvent.MembershipsChanged, onChange);
                reject(new Error("the membership of " + userId + " still there after " + timeoutMs + " ms"));
            }, timeoutMs ?? 30000);
            s.on(MatrixRTCSessionEvent.MembershipsChanged, onChange);
        });
    },
    async rtcLeave({ roomId }) {
        return { left: await (await session(roomId)).leaveRoomSession(5000) };
    },
    async stop() {
        client?.stopClient();
        setTimeout(() => process.exit(0), 50);
        return {};
    },
};

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
    if (!line.trim()) continue;
    let reply;
    try {
        const msg = JSON.parse(line);
        reply = { ok: true, ...(await commands[msg.cmd](msg)) };
    } catch (e) {
        reply = { ok: false, error: String(e?.stack ?? e) };
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
}
process.exit(0);
