#!/usr/bin/env node
// A matrix-js-sdk 43 peer driven over stdin/stdout (one JSON object per line) by mxrtc's Java round-trip tests
// (bundles/app-call JsSdkRoundTripTest). Commands: {"cmd": ..., ...}; every command answers one line
// {"ok": true, ...} or {"ok": false, "error": "..."}. js-sdk's logs go to stderr.
//
//   start {baseUrl, userId, deviceId, accessToken}   create the client, start syncing, wait until PREPARED
//   join {roomId, ring?, intent?}                    MatrixRTCSession.joinRoomSession (legacy state membership);
//                                                    with ring, js-sdk sends its own notification; answers the
//                                                    membership and notification event ids
//   leave {roomId}
//   parse {roomId, eventId}                          js-sdk's parseCallNotificationContent on a received event
//   decline {roomId, eventId}                        client.sendRtcDecline
//   send {roomId, type, content}                     client.sendEvent
//   redact {roomId, eventId}
//   relations {roomId, eventId, relType, eventType}  js-sdk's relation index; waits up to 10 s for at least one
//   event {roomId, eventId}                          waits up to 10 s for a timeline event, answers it
//   membership {roomId, eventId, sender}             whether js-sdk's session has this membership event of sender
//   stop

import "../lib/node20.mjs";

import { createInterface } from "node:readline";

const sdk = await import("matrix-js-sdk");
const { parseCallNotificationContent } = await import("matrix-js-sdk/lib/matrixrtc/index.js");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
logger.setLevel(process.env.JSSDK_LOG_LEVEL ?? "warn", false);

let client;
const notifications = new Map(); // roomId -> [event ids] of notifications js-sdk sent

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
const findEvent = (r, eventId) => r.getLiveTimeline().getEvents().find((e) => e.getId() === eventId) ?? r.findEventById(eventId);

const commands = {
    async start({ baseUrl, userId, deviceId, accessToken }) {
        client = sdk.createClient({ baseUrl, userId, deviceId, accessToken, timelineSupport: true });
        const prepared = new Promise((resolve) => client.on(sdk.ClientEvent.Sync, (s) => s === "PREPARED" && resolve()));
        await client.startClient({ initialSyncLimit: 50 });
        await prepared;
        return {};
    },
    async join({ roomId, ring, intent }) {
        const s = await session(roomId);
        const sent = new Promise((resolve) => s.once("did_send_call_notification", (n) => resolve(n)));
        s.joinRoomSession([{ type: "livekit", livekit_service_url: "http://127.0.0.1:9/livekit/jwt" }], undefined, {
            notificationType: ring ? "ring" : undefined,
            callIntent: intent ?? "video",
            manageMediaKeys: false,
        });
        const mine = await until("own membership", () =>
            s.memberships.find((m) => m.sender === client.getUserId() && m.deviceId === client.getDeviceId() && m.eventId));
        const result = { membershipEventId: mine.eventId };
        if (ring) {
            const n = await Promise.race([sent, sleep(10000).then(() => null)]);
            if (!n) throw new Error("js-sdk sent no notification");
            result.notificationEventId = n.event_id;
            result.notification = n;
        }
        return result;
    },
    async leave({ roomId }) {
        await (await session(roomId)).leaveRoomSession(5000);
        return {};
    },
    async parse({ roomId, eventId }) {
        const r = await room(roomId);
        const ev = await until("event " + eventId, () => findEvent(r, eventId));
        try {
            const parsed = await parseCallNotificationContent(ev, { room: r, userId: client.getUserId() });
            return { valid: true, parsed };
        } catch (e) {
            return { valid: false, reason: String(e.message ?? e) };
        }
    },
    async decline({ roomId, eventId }) {
        return { eventId: (await client.sendRtcDecline(roomId, eventId)).event_id };
    },
    async send({ roomId, type, content }) {
        return { eventId: (await client.sendEvent(roomId, type, content)).event_id };
    },
    async redact({ roomId, eventId }) {
        return { eventId: (await client.redactEvent(roomId, eventId)).event_id };
    },
    async relations({ roomId, eventId, relType, eventType }) {
        const r = await room(roomId);
        const list = await until("relations of " + eventId, () => {
            const rel = r.getUnfilteredTimelineSet().relations.getChildEventsForEvent(eventId, relType, eventType);
            const events = (rel?.getRelations() ?? []).filter((e) => !e.isRedacted());
            return events.length ? events : null;
        });
        return { events: list.map((e) => ({ id: e.getId(), sender: e.getSender(), content: e.getContent() })) };
    },
    async event({ roomId, eventId }) {
        const r = await room(roomId);
        const e = await until("event " + eventId, () => findEvent(r, eventId));
        return { type: e.getType(), sender: e.getSender(), content: e.getContent(), redacted: e.isRedacted() };
    },
    async membership({ roomId, eventId, sender }) {
        const s = await session(roomId);
        const m = await until("membership " + eventId, () => s.memberships.find((m) => m.eventId === eventId));
        return { current: m.sender === sender, deviceId: m.deviceId, slotId: m.slotId };
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
