// The reference rules of the mxrtc conformance corpus, written once in JavaScript so that the corpus
// generator (make-corpus.mjs) can compute `expected` for every case. docs/conformance.md states the same
// rules in prose; matrix-js-sdk 43 (rtc-sessions.mjs) checks the sessions part of every case.
//
// inspect(input, now) -> {sessions, rejected}: exactly the output of the core's `mxrtc inspect`.

export const LEGACY_TYPE = "org.matrix.msc3401.call.member";
export const STICKY_TYPE = "org.matrix.msc4143.rtc.member";
export const SLOT_TYPE = "org.matrix.msc4143.rtc.slot";
export const MEMBER_TYPE = "m.room.member";
export const LEGACY_DEFAULT_EXPIRES_MS = 14_400_000;
export const MAX_STICKY_DURATION_MS = 3_600_000;
export const MAX_CONTENT_BYTES = 65_536;

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isString = (v) => typeof v === "string";
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

/** Events in the unstable namespaces of the RTC MSCs that are none of the known types. */
export function isUnknownRtcType(type) {
    return (
        (type.startsWith("org.matrix.msc3401.") || type.startsWith("org.matrix.msc4143.")) &&
        type !== LEGACY_TYPE &&
        type !== STICKY_TYPE &&
        type !== SLOT_TYPE
    );
}

/** Content that only says "left": every key is slot_id or msc4354_sticky_key (so {} too). */
function isLeft(content) {
    return Object.keys(content).every((k) => k === "slot_id" || k === "msc4354_sticky_key");
}

function contentBytes(content) {
    return Buffer.byteLength(JSON.stringify(content), "utf8");
}

/** Checks a field: undefined if fine, else a reason. */
function need(obj, field, path, ok) {
    if (!has(obj, field) || obj[field] === undefined) return `missing_field:${path}`;
    return ok(obj[field]) ? undefined : `wrong_type:${path}`;
}
function optional(obj, field, path, ok) {
    if (!has(obj, field)) return undefined;
    return ok(obj[field]) ? undefined : `wrong_type:${path}`;
}
const transportObject = (t) => isObject(t) && isString(t.type);

function legacyContentProblem(c) {
    return (
        need(c, "application", "application", isString) ??
        need(c, "call_id", "call_id", isString) ??
        need(c, "device_id", "device_id", isString) ??
        need(c, "focus_active", "focus_active", isObject) ??
        need(c.focus_active, "type", "focus_active.type", isString) ??
        optional(c, "foci_preferred", "foci_preferred", (v) => Array.isArray(v) && v.every(transportObject)) ??
        optional(c, "created_ts", "created_ts", isNumber) ??
        optional(c, "expires", "expires", isNumber) ??
        optional(c, "scope", "scope", isString) ??
        optional(c, "m.call.intent", "m.call.intent", isString) ??
        optional(c, "membershipID", "membershipID", isString)
    );
}

/** The user a legacy state key names: "_@u:hs_DEV..." or "@u:hs_DEV..."; spoofed if it names someone else. */
function legacyStateKeyProblem(stateKey, sender, deviceId) {
    const body = stateKey.startsWith("_") ? stateKey.slice(1) : stateKey;
    if (body.startsWith("@") && !body.startsWith(sender + "_") && body !== sender) return "spoofed_state_key";
    const expected = sender + "_" + deviceId;
    if (!(body === expected || body.startsWith(expected + "_"))) return "invalid_state_key";
    return undefined;
}

function legacySlotId(c) {
    if (c.application === "" || c.application.includes("#") || c.call_id.includes("#")) return undefined;
    const id = c.application === "m.call" && c.call_id === "" ? "ROOM" : c.call_id;
    return `${c.application}#${id}`;
}

function stickyContentProblem(c, sender) {
    const first =
        need(c, "slot_id", "slot_id", isString) ??
        need(c, "application", "application", isObject) ??
        need(c.application, "type", "application.type", isString);
    if (first) return first;
    if (c.application.type.includes("#") || c.application.type === "") return "malformed_content";
    if (!c.slot_id.startsWith(c.application.type + "#")) return "slot_mismatch";
    if (c.slot_id.split("#").length !== 2) return "invalid_slot_id";
    const second =
        need(c, "member", "member", isObject) ??
        need(c.member, "user_id", "member.user_id", isString) ??
        need(c.member, "device_id", "member.device_id", isString) ??
        need(c.member, "id", "member.id", isString);
    if (second) return second;
    if (c.member.user_id !== sender) return "sender_mismatch";
    const third =
        need(c, "transports", "transports", isObject) ??
        need(c.transports, "published", "transports.published", (v) => Array.isArray(v) && v.every(transportObject)) ??
        need(c.transports, "can_subscribe", "transports.can_subscribe", (v) => Array.isArray(v) && v.every(isString)) ??
        need(c, "versions", "versions", (v) => Array.isArray(v) && v.every(isString)) ??
        optional(c, "sticky_key", "sticky_key", isString) ??
        optional(c, "m.relates_to", "m.relates_to", isObject);
    if (third) return third;
    if (has(c, "sticky_key") && c.sticky_key !== c.msc4354_sticky_key) return "malformed_content";
    if (has(c, "m.relates_to")) {
        const rel = c["m.relates_to"];
        const r = need(rel, "event_id", "m.relates_to.event_id", isString);
        if (r) return r;
        if (rel.rel_type !== "m.reference") return "malformed_content";
    }
    return undefined;
}

/** js-sdk's isSlotClosed: a slot state event exists and is not open for this application. */
function slotClosed(slots, slotId) {
    const content = slots.get(slotId);
    if (content === undefined) return false;
    const application = slotId.split("#")[0];
    return !isObject(content) || content.status !== "open" || !isObject(content.application) ||
        content.application.type !== application;
}

function stickyEnd(ev, now) {
    const ttl = ev.unsigned?.msc4354_sticky_duration_ttl_ms;
    if (isNumber(ttl) && ttl > 0) return now + ttl;
    return Math.min(now, ev.origin_server_ts) + Math.min(ev.msc4354_sticky.duration_ms, MAX_STICKY_DURATION_MS);
}

function activeTransport(oldest) {
    if (oldest.format === "sticky") return oldest.content.transports.published[0] ?? null;
    const selection = oldest.content.focus_active.focus_selection;
    if (selection === "oldest_membership" || selection === "multi_sfu") {
        return (oldest.content.foci_preferred ?? [])[0] ?? null;
    }
    return null;
}

export function inspect(input, now) {
    const events = input.events;
    const reasons = new Map(); // event index -> reason
    const membership = new Map(); // user -> membership
    const slots = new Map(); // slot id -> content
    const lastLegacy = new Map(); // state key -> index
    const legacyKeyOrder = new Map(); // state key -> first index
    events.forEach((ev, i) => {
        if (ev.type === MEMBER_TYPE && isString(ev.state_key)) {
            membership.set(ev.state_key, isObject(ev.content) ? ev.content.membership : undefined);
        } else if (ev.type === SLOT_TYPE && isString(ev.state_key)) {
            slots.set(ev.state_key, ev.content);
        } else if (ev.type === LEGACY_TYPE && isString(ev.state_key)) {
            lastLegacy.set(ev.state_key, i);
            if (!legacyKeyOrder.has(ev.state_key)) legacyKeyOrder.set(ev.state_key, i);
        }
    });

    // Sticky events: stickiness, key, expiry; then newest wins per (sender, sticky key).
    const live = new Map(); // sender \u0000 key -> [indices], in order of first live event
    events.forEach((ev, i) => {
        if (ev.type !== STICKY_TYPE) return;
        let reason;
        if (isString(ev.state_key)) reason = "invalid_state_key";
        else if (!has(ev, "msc4354_sticky")) reason = "missing_field:msc4354_sticky";
        else if (!isObject(ev.msc4354_sticky)) reason = "wrong_type:msc4354_sticky";
        else if (!has(ev.msc4354_sticky, "duration_ms")) reason = "missing_field:msc4354_sticky.duration_ms";
        else if (!isNumber(ev.msc4354_sticky.duration_ms) || ev.msc4354_sticky.duration_ms < 0)
            reason = "wrong_type:msc4354_sticky.duration_ms";
        else if (!isObject(ev.content)) reason = "not_an_object";
        else if (contentBytes(ev.content) > MAX_CONTENT_BYTES) reason = "too_large";
        else reason = need(ev.content, "msc4354_sticky_key", "msc4354_sticky_key", isString);
        if (!reason && stickyEnd(ev, now) <= now) reason = "expired";
        if (reason) {
            reasons.set(i, reason);
            return;
        }
        const key = ev.sender + "\u0000" + ev.content.msc4354_sticky_key;
        if (!live.has(key)) live.set(key, []);
        live.get(key).push(i);
    });
    const winners = []; // indices, in js-sdk's store order
    for (const indices of live.values()) {
        // newest wins by origin_server_ts (js-sdk 43 RoomStickyEventsStore); MSC4354 ranks by ts + duration,
        // the same whenever a key keeps its duration, as MSC4354 requires
        const rank = (i) => events[i].origin_server_ts;
        let best = indices[0];
        for (const i of indices.slice(1)) {
            if (rank(i) > rank(best) || (rank(i) === rank(best) && events[i].event_id > events[best].event_id)) best = i;
        }
        indices.filter((i) => i !== best).forEach((i) => reasons.set(i, "superseded"));
        winners.push(best);
    }

    const members = [];
    for (const i of winners) {
        const ev = events[i];
        const c = ev.content;
        const reason = isLeft(c)
            ? "left"
            : (stickyContentProblem(c, ev.sender) ??
              (slotClosed(slots, c.slot_id) ? "slot_closed" : undefined) ??
              (membership.get(ev.sender) !== "join" ? "sender_not_joined" : undefined));
        if (reason) {
            reasons.set(i, reason);
            continue;
        }
        members.push({
            slot_id: c.slot_id, format: "sticky", content: c,
            out: { user_id: ev.sender, device_id: c.member.device_id, member_id: c.member.id,
                created_ts: ev.origin_server_ts, expires_ts: stickyEnd(ev, now), format: "sticky" },
        });
    }
    const winnerKeys = new Set(winners.map((i) => events[i].sender + "\u0000" + events[i].content.msc4354_sticky_key));

    // Legacy state events: current state only, in js-sdk's room state order (first appearance of the state key).
    events.forEach((ev, i) => {
        if (ev.type === LEGACY_TYPE && !isString(ev.state_key)) reasons.set(i, "missing_field:state_key");
        else if (ev.type === LEGACY_TYPE && lastLegacy.get(ev.state_key) !== i) reasons.set(i, "superseded");
    });
    const current = [...legacyKeyOrder.keys()].map((k) => lastLegacy.get(k));
    for (const i of current) {
        const ev = events[i];
        const c = ev.content;
        let reason;
        if (winnerKeys.has(ev.sender + "\u0000" + ev.state_key)) reason = "superseded";
        else if (!isObject(c)) reason = "not_an_object";
        else if (contentBytes(c) > MAX_CONTENT_BYTES) reason = "too_large";
        else if (isLeft(c)) reason = "left";
        else if (!has(c, "application") && (has(c, "memberships") || has(c, "m.calls"))) reason = "deprecated_format";
        else {
            const body = ev.state_key.startsWith("_") ? ev.state_key.slice(1) : ev.state_key;
            if (body.startsWith("@") && !body.startsWith(ev.sender + "_") && body !== ev.sender) reason = "spoofed_state_key";
        }
        reason ??= legacyContentProblem(c);
        reason ??= legacyStateKeyProblem(ev.state_key, ev.sender, c.device_id);
        const slotId = reason ? undefined : legacySlotId(c);
        if (!reason && slotId === undefined) reason = "invalid_slot_id";
        if (reason) {
            reasons.set(i, reason);
            continue;
        }
        const createdTs = c.created_ts ?? ev.origin_server_ts;
        const expiresTs = createdTs + (c.expires ?? LEGACY_DEFAULT_EXPIRES_MS);
        if (expiresTs - now <= 0) reason = "expired";
        if (!reason && membership.get(ev.sender) !== "join") reason = "sender_not_joined";
        if (reason) {
            reasons.set(i, reason);
            continue;
        }
        members.push({
            slot_id: slotId, format: "legacy", content: c,
            out: { user_id: ev.sender, device_id: c.device_id, member_id: c.membershipID ?? `${ev.sender}:${c.device_id}`,
                created_ts: createdTs, expires_ts: expiresTs, format: "legacy" },
        });
    }

    events.forEach((ev, i) => {
        if (isString(ev.type) && isUnknownRtcType(ev.type)) reasons.set(i, "unknown_type");
    });

    const bySlot = new Map();
    for (const m of members) {
        if (!bySlot.has(m.slot_id)) bySlot.set(m.slot_id, []);
        bySlot.get(m.slot_id).push(m);
    }
    const sessions = [...bySlot.keys()].sort().map((slotId) => {
        // Stable sort: ties keep sticky-before-legacy and store order, as js-sdk's Array.sort does.
        const list = bySlot.get(slotId).slice().sort((a, b) => a.out.created_ts - b.out.created_ts);
        return {
            slot_id: slotId,
            application: slotId.split("#")[0],
            members: list.map((m) => m.out),
            active_transport: activeTransport(list[0]),
        };
    });
    const rejected = [...reasons.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([i, reason]) => ({ event_id: events[i].event_id, reason }));
    return { sessions, rejected };
}
