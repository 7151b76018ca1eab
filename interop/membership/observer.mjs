#!/usr/bin/env node
// A matrix-js-sdk 43 client that syncs against a homeserver and reports, as JSON lines on stdout, the MatrixRTC
// memberships js-sdk computes for one room's m.call#ROOM slot (legacy state and sticky events both listened to,
// js-sdk's defaults). Used by the mxrtc membership tests as an independent observer.
//
// Usage: node observer.mjs <baseUrl> <userId> <accessToken> <deviceId> <roomId>
// Output lines: {"type":"ready"} once the first sync is done, then
//   {"type":"memberships","ts":<ms>,"members":[{"user_id","device_id","member_id","event_id","created_ts"}]}
// at start and after every change js-sdk reports. Reading "exit" on stdin (or stdin closing) stops the client.
// js-sdk's own logging goes to stderr.

import "../lib/node20.mjs";

const [baseUrl, userId, accessToken, deviceId, roomId] = process.argv.slice(2);
if (!roomId) {
    process.stderr.write("usage: observer.mjs <baseUrl> <userId> <accessToken> <deviceId> <roomId>\n");
    process.exit(2);
}

const sdk = await import("matrix-js-sdk");
const { MatrixRTCSessionEvent } = await import("matrix-js-sdk/lib/matrixrtc/index.js");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
logger.setLevel(process.env.JSSDK_LOG_LEVEL ?? "silent", false);

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const client = sdk.createClient({ baseUrl, userId, accessToken, deviceId });

function report(memberships) {
    out({
        type: "memberships",
        ts: Date.now(),
        members: memberships.map((m) => ({
            user_id: m.sender ?? m.userId,
            device_id: m.deviceId,
            member_id: m.memberId,
            event_id: m.eventId,
            created_ts: m.createdTs(),
        })),
    });
}

client.once(sdk.ClientEvent.Sync, (state) => {
    if (state !== "PREPARED") {
        process.stderr.write(`first sync state ${state}\n`);
    }
    const room = client.getRoom(roomId);
    if (!room) {
        process.stderr.write(`not in room ${roomId}\n`);
        process.exit(3);
    }
    const session = client.matrixRTC.getRoomSession(room);
    session.on(MatrixRTCSessionEvent.MembershipsChanged, (_old, now) => report(now));
    out({ type: "ready" });
    report(session.memberships);
});

await client.startClient({ initialSyncLimit: 20, pollTimeout: 1000 });

function stop() {
    client.stopClient();
    process.exit(0);
}
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
    if (d.includes("exit")) stop();
});
process.stdin.on("end", stop);
