#!/usr/bin/env node
// Runs matrix-js-sdk's own MatrixRTC session code over conformance cases and prints what it computes.
//
// Usage: node rtc-sessions.mjs <case.json | directory of case files>...
// Output (stdout, one JSON document): {"jssdk_version": "...", "cases": [{"file", "name", "sessions", "error"?}]}
// where sessions = [{"slot_id", "application", "members": [{"user_id", "device_id", "member_id", "created_ts",
// "expires_ts", "format"}], "active_transport"}] for every slot with at least one member, ordered by slot id,
// members in js-sdk's order. js-sdk's own log output goes to stderr.
//
// For each case a real js-sdk Room is built: state events go into the live timeline's room state (so
// m.room.member gives room membership, org.matrix.msc3401.call.member the legacy memberships and
// org.matrix.msc4143.rtc.slot the slots); events carrying msc4354_sticky go through the room's own sticky event
// store (Room._unstable_addStickyEvents), exactly as js-sdk's sync does. Date.now() is the case's "now" while the
// events are created and the sessions computed, so "now" is also the receive time of every sticky event.

import "./lib/node20.mjs";

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, basename } from "node:path";
import { createRequire } from "node:module";


const sdk = await import("matrix-js-sdk");
const { MatrixRTCSession } = await import("matrix-js-sdk/lib/matrixrtc/index.js");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
logger.setLevel(process.env.JSSDK_LOG_LEVEL ?? "silent", false);
const version = createRequire(import.meta.url)("matrix-js-sdk/package.json").version;

const LEGACY_TYPE = "org.matrix.msc3401.call.member";
const STICKY_TYPE = "org.matrix.msc4143.rtc.member";

/** Lists case files: each argument is a case file or a directory of *.json case files (sorted by name). */
function caseFiles(args) {
    const files = [];
    for (const arg of args) {
        if (statSync(arg).isDirectory()) {
            for (const name of readdirSync(arg).filter((n) => n.endsWith(".json")).sort()) {
                files.push(join(arg, name));
            }
        } else {
            files.push(arg);
        }
    }
    return files;
}

/** The slot ids a case's events mention: sticky slot_id, legacy application + call_id (js-sdk's "" -> ROOM), slot state keys. */
function candidateSlots(events) {
    const slots = new Set();
    for (const ev of events) {
        const c = ev.content;
        if (c === null || typeof c !== "object" || Array.isArray(c)) continue;
        if (ev.type === STICKY_TYPE && typeof c.slot_id === "string") {
            slots.add(c.slot_id);
        } else if (ev.type === LEGACY_TYPE && typeof c.application === "string" && typeof c.call_id === "string") {
            const id = c.application === "m.call" && c.call_id === "" ? "ROOM" : c.call_id;
            slots.add(`${c.application}#${id}`);
        } else if (ev.type === "org.matrix.msc4143.rtc.slot" && typeof ev.state_key === "string") {
            slots.add(ev.state_key);
        }
    }
    // js-sdk's slot descriptions need exactly one '#'.
    return [...slots].filter((s) => s.split("#").length === 2).sort();
}

function buildRoom(client, roomId, events) {
    const room = new sdk.Room(roomId, client, client.getUserId());
    const state = room.getLiveTimeline().getState(sdk.EventTimeline.FORWARDS);
    const toEvent = (ev) => new sdk.MatrixEvent({ ...ev, room_id: roomId });
    // In input order, as /sync would deliver them: state events into the room state (last one per key wins),
    // sticky events into the room's sticky event store.
    const stateEvents = events.filter((ev) => typeof ev.state_key === "string").map(toEvent);
    state.setStateEvents(stateEvents);
    const stickyEvents = events
        .filter((ev) => typeof ev.state_key !== "string")
        .map(toEvent)
        .filter((e) => e.unstableStickyInfo !== undefined);
    room._unstable_addStickyEvents(stickyEvents);
    return room;
}

function memberOut(m) {
    const kind = m.membershipData?.kind;
    let expiresTs = m.getAbsoluteExpiry();
    if (kind === "rtc") expiresTs = m.matrixEvent?.unstableStickyExpiresAt;
    return {
        user_id: m.userId,
        device_id: m.deviceId,
        member_id: m.memberId,
        created_ts: m.createdTs(),
        expires_ts: expiresTs ?? null,
        format: kind === "rtc" ? "sticky" : kind === "session" ? "legacy" : String(kind),
    };
}

async function runCase(client, file) {
    const testCase = JSON.parse(readFileSync(file, "utf8"));
    const out = { file: basename(file), name: testCase.name, sessions: [] };
    const realNow = Date.now;
    Date.now = () => testCase.now;
    try {
        const { room_id: roomId, events } = testCase.input;
        const room = buildRoom(client, roomId, events);
        for (const slotId of candidateSlots(events)) {
            const [application, id] = slotId.split("#");
            const memberships = await MatrixRTCSession.sessionMembershipsForSlot(
                room,
                { application, id },
                { listenForStickyEvents: true, listenForMemberStateEvents: true },
            );
            if (memberships.length === 0) continue;
            const session = { slot_id: slotId, application, members: memberships.map(memberOut) };
            // getFocusInUse(): the oldest membership's transport under its own focus selection.
            try {
                session.active_transport = memberships[0].getTransport(memberships[0]) ?? null;
            } catch (e) {
                session.active_transport = null;
                out.error = `getTransport threw: ${e}`;
            }
            out.sessions.push(session);
        }
    } catch (e) {
        out.error = `sessionMembershipsForSlot threw: ${e}`;
    } finally {
        Date.now = realNow;
    }
    return out;
}

const args = process.argv.slice(2);
if (args.length === 0) {
    process.stderr.write("usage: node rtc-sessions.mjs <case.json | dir>...\n");
    process.exit(2);
}
// A client that never talks to a server: the Room only needs it for its identity and event plumbing.
const client = sdk.createClient({ baseUrl: "http://127.0.0.1:9", userId: "@observer:example.org", deviceId: "OBSERVER" });
const cases = [];
for (const file of caseFiles(args)) {
    cases.push(await runCase(client, file));
}
// The sticky event stores keep expiry timers, so exit explicitly; but only once stdout has taken everything:
// a pipe would otherwise be cut at 64 KiB.
process.stdout.write(JSON.stringify({ jssdk_version: version, cases }, null, 1) + "\n", () => process.exit(0));

