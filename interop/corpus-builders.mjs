// Builders for realistic conformance-case events (client format, as /sync delivers them, without room_id).
import { createHash } from "node:crypto";

export const ROOM_ID = "!fHZkLwqTbRpXnMvJcs:example.org";
export const NOW = 1_767_000_000_000;
export const MIN = 60_000;
export const HOUR = 3_600_000;

export const ALICE = "@alice:example.org";
export const BOB = "@bob:matrix.org";
export const CAROL = "@carol:example.com";
export const DAVE = "@dave:example.org";
export const MALLORY = "@mallory:evil.example";

export const DEVICES = {
    [ALICE]: "KXJQWPMRTA",
    [BOB]: "BOBPHONE22",
    [CAROL]: "CZLMVHNQSE",
    [DAVE]: "DAVEDESKTP",
    [MALLORY]: "MALLORYDEV",
};

export const LK_EXAMPLE = { type: "livekit", livekit_service_url: "https://livekit-jwt.call.example.org", livekit_alias: ROOM_ID };
export const LK_MATRIX = { type: "livekit", livekit_service_url: "https://livekit-jwt.call.matrix.org", livekit_alias: ROOM_ID };
export const LK_STICKY_EXAMPLE = { type: "livekit", livekit_service_url: "https://rtc.example.org/livekit/jwt" };
export const LK_STICKY_COM = { type: "livekit", livekit_service_url: "https://rtc.example.com/livekit/jwt" };

/** Event ids: "$" + 43 characters of unpadded url-safe base64, derived from the case name and a label. */
export function eventId(caseName, label) {
    return "$" + createHash("sha256").update(`${caseName}/${label}`).digest("base64url").slice(0, 43);
}

/** A case under construction: ev(label, event) gives each event a stable id, unless it names its own. */
export class CaseBuilder {
    constructor(name) {
        this.name = name;
        this.events = [];
        this.ids = new Map();
    }

    add(label, event) {
        const id = event.event_id ?? eventId(this.name, label);
        this.ids.set(label, id);
        this.events.push({ ...event, event_id: id });
        return id;
    }

    id(label) {
        if (!this.ids.has(label)) throw new Error(`${this.name}: no event labelled ${label}`);
        return this.ids.get(label);
    }

    /** m.room.member state event. */
    member(user, membership = "join", ts = NOW - 30 * 24 * HOUR) {
        return this.add(`member:${user}:${membership}:${this.events.length}`, {
            type: "m.room.member", state_key: user, sender: user, origin_server_ts: ts,
            content: { membership, displayname: user.slice(1).split(":")[0] },
        });
    }

    /** Joins every user given. */
    joined(...users) {
        users.forEach((u) => this.member(u));
    }

    /** A legacy org.matrix.msc3401.call.member state event; `content` replaces the whole content if given. */
    legacy(label, user, { device = DEVICES[user], ts = NOW - 10 * MIN, stateKey, content, patch = {}, drop = [], ...rest } = {}) {
        let c = content;
        if (c === undefined) {
            c = {
                "application": "m.call",
                "call_id": "",
                "scope": "m.room",
                "device_id": device,
                "expires": 4 * HOUR,
                "focus_active": { type: "livekit", focus_selection: "oldest_membership" },
                "foci_preferred": [LK_EXAMPLE],
                "m.call.intent": "video",
                ...patch,
            };
            drop.forEach((k) => delete c[k]);
        }
        const callId = c && typeof c === "object" && typeof c.call_id === "string" ? c.call_id : "";
        const app = c && typeof c === "object" && typeof c.application === "string" ? c.application : "m.call";
        return this.add(label, {
            type: "org.matrix.msc3401.call.member",
            state_key: stateKey ?? `_${user}_${device}_${app}${callId}`,
            sender: user, origin_server_ts: ts, content: c, ...rest,
        });
    }

    /** A sticky org.matrix.msc4143.rtc.member event in js-sdk 43's shape. */
    sticky(label, user, { device = DEVICES[user], memberId = `${user}:${device}`, ts = NOW - 5 * MIN, duration = HOUR,
        ttl, slot = "m.call#ROOM", content, patch = {}, drop = [], ...rest } = {}) {
        let c = content;
        if (c === undefined) {
            c = {
                slot_id: slot,
                application: { "type": slot.split("#")[0], "m.call.intent": "video" },
                member: { user_id: user, device_id: device, id: memberId },
                transports: { published: [LK_STICKY_EXAMPLE], can_subscribe: ["livekit"] },
                versions: [],
                msc4354_sticky_key: memberId,
                ...patch,
            };
            drop.forEach((k) => delete c[k]);
        }
        const event = { type: "org.matrix.msc4143.rtc.member", sender: user, origin_server_ts: ts, content: c, ...rest };
        if (duration !== null && !("msc4354_sticky" in rest)) event.msc4354_sticky = { duration_ms: duration };
        if (ttl !== undefined) event.unsigned = { ...(event.unsigned ?? {}), msc4354_sticky_duration_ttl_ms: ttl };
        return this.add(label, event);
    }

    /** The "left" sticky content js-sdk's delayed leave sends: only the sticky key (and slot). */
    stickyLeave(label, user, { memberId = `${user}:${DEVICES[user]}`, ts = NOW - MIN, slot = "m.call#ROOM", duration = HOUR, ...rest } = {}) {
        return this.sticky(label, user, { memberId, ts, duration, content: { slot_id: slot, msc4354_sticky_key: memberId }, ...rest });
    }

    /** An org.matrix.msc4143.rtc.slot state event. */
    slot(label, slotId, content, { sender = ALICE, ts = NOW - 2 * HOUR } = {}) {
        return this.add(label, { type: "org.matrix.msc4143.rtc.slot", state_key: slotId, sender, origin_server_ts: ts, content });
    }

    /** Any other event. */
    other(label, type, sender, content, extra = {}) {
        return this.add(label, { type, sender, origin_server_ts: NOW - 3 * MIN, content, ...extra });
    }
}
