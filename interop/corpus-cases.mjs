// The conformance cases. Each: slug, description, build(b) adding events to a CaseBuilder, and a hand-written
// `expect` (members per slot by member id in order, active transport URL per slot, rejected reason per event label)
// that make-corpus.mjs checks against the reference rules before writing the case file.
import {
    ALICE, BOB, CAROL, DAVE, MALLORY, DEVICES, NOW, MIN, HOUR,
    LK_EXAMPLE, LK_MATRIX, LK_STICKY_EXAMPLE, LK_STICKY_COM,
} from "./corpus-builders.mjs";

const A = `${ALICE}:${DEVICES[ALICE]}`;
const B = `${BOB}:${DEVICES[BOB]}`;
const C = `${CAROL}:${DEVICES[CAROL]}`;
const D = `${DAVE}:${DEVICES[DAVE]}`;
const M = `${MALLORY}:${DEVICES[MALLORY]}`;
const ROOM = "m.call#ROOM";
const URL_EX = LK_EXAMPLE.livekit_service_url;
const URL_MX = LK_MATRIX.livekit_service_url;
const URL_SEX = LK_STICKY_EXAMPLE.livekit_service_url;
const URL_SCOM = LK_STICKY_COM.livekit_service_url;
const MULTI = { type: "livekit", livekit_service_url: "https://sfu-eu.example.com/livekit/jwt" };
const pad = (n) => "x".repeat(n);

export const cases = [
    // ---- legacy format ----
    {
        slug: "legacy-single-member", description: "One legacy org.matrix.msc3401.call.member state event as Element Call sends it.",
        build(b) { b.joined(ALICE); b.legacy("a", ALICE); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-oldest-first", description: "Two legacy members are ordered by join time (origin_server_ts when created_ts is absent), oldest first; the oldest's focus wins.",
        build(b) { b.joined(ALICE, BOB); b.legacy("b", BOB, { ts: NOW - 20 * MIN, patch: { foci_preferred: [LK_MATRIX] } }); b.legacy("a", ALICE, { ts: NOW - 10 * MIN }); },
        expect: { sessions: { [ROOM]: [B, A] }, transport: { [ROOM]: URL_MX } },
    },
    {
        slug: "legacy-created-ts-overrides-origin-ts", description: "A re-sent legacy membership keeps its first join time in created_ts; that, not origin_server_ts, orders the members.",
        build(b) { b.joined(ALICE, BOB); b.legacy("b", BOB, { ts: NOW - 20 * MIN, patch: { foci_preferred: [LK_MATRIX] } }); b.legacy("a", ALICE, { ts: NOW - MIN, patch: { created_ts: NOW - 3 * HOUR, expires: 8 * HOUR } }); },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-custom-membership-id", description: "membershipID, when present, is the member id; without it the member id is {user}:{device}.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 9 * MIN, patch: { membershipID: "4f1c2a9e-5b7d-4c3e-9a61-2d8e0f7b3c55" } }); b.legacy("b", BOB, { ts: NOW - 8 * MIN }); },
        expect: { sessions: { [ROOM]: ["4f1c2a9e-5b7d-4c3e-9a61-2d8e0f7b3c55", B] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-call-id-empty-and-room", description: "m.call with call_id \"\" is the slot m.call#ROOM (js-sdk compatibility), and so is a literal call_id \"ROOM\".",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 9 * MIN }); b.legacy("b", BOB, { ts: NOW - 8 * MIN, patch: { call_id: "ROOM" } }); },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-named-call-id", description: "A legacy m.call membership with a non-empty call_id joins the slot m.call#<call_id>, apart from the room call.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { patch: { call_id: "standup" } }); b.legacy("b", BOB, { ts: NOW - 8 * MIN }); },
        expect: { sessions: { "m.call#standup": [A], [ROOM]: [B] }, transport: { "m.call#standup": URL_EX, [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-left-empty-content", description: "Leaving overwrites the state key with {}: the join is superseded, the {} is listed as left.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a-join", ALICE, { ts: NOW - 30 * MIN }); b.legacy("b", BOB, { ts: NOW - 20 * MIN }); b.legacy("a-leave", ALICE, { ts: NOW - 5 * MIN, content: {} }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { "a-join": "superseded", "a-leave": "left" } },
    },
    {
        slug: "legacy-expired-default", description: "Without expires a legacy membership lasts 4 h (14400000 ms) from its creation.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 5 * HOUR, drop: ["expires"] }); b.legacy("b", BOB, { ts: NOW - 3 * HOUR, drop: ["expires"] }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "expired" } },
    },
    {
        slug: "legacy-expired-custom", description: "expires is relative to created_ts: 1 h after a join 2 h ago has lapsed.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 2 * HOUR, patch: { expires: HOUR } }); b.legacy("b", BOB, { ts: NOW - 2 * HOUR }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "expired" } },
    },
    {
        slug: "legacy-expiry-extended", description: "A long call: created 6 h ago, refreshed with expires 8 h, still joined.",
        build(b) { b.joined(ALICE); b.legacy("a", ALICE, { ts: NOW - 50 * MIN, patch: { created_ts: NOW - 6 * HOUR, expires: 8 * HOUR } }); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-expiry-boundary", description: "A membership whose expiry equals now has expired (expiry - now <= 0); one ms later it would not be.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 4 * HOUR }); b.legacy("b", BOB, { ts: NOW - 4 * HOUR + 1 }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "expired" } },
    },
    {
        slug: "legacy-created-ts-zero", description: "created_ts 0 is a number and is used: the membership expired in 1970.",
        build(b) { b.joined(ALICE); b.legacy("a", ALICE, { patch: { created_ts: 0 } }); },
        expect: { sessions: {}, rejected: { a: "expired" } },
    },
    {
        slug: "legacy-missing-device-id", description: "device_id is required.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { drop: ["device_id"] }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "missing_field:device_id" } },
    },
    {
        slug: "legacy-missing-call-id", description: "call_id is required (\"\" is fine, absent is not).",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { drop: ["call_id"] }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "missing_field:call_id" } },
    },
    {
        slug: "legacy-application-wrong-type", description: "A legacy application is a string; the new-format object is wrong here.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { patch: { application: { type: "m.call" } } }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "wrong_type:application" } },
    },
    {
        slug: "legacy-missing-focus-active", description: "focus_active is required.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { drop: ["focus_active"] }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "missing_field:focus_active" } },
    },
    {
        slug: "legacy-focus-active-type-not-string", description: "focus_active.type must be a string.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { patch: { focus_active: { type: 7, focus_selection: "oldest_membership" } } }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "wrong_type:focus_active.type" } },
    },
    {
        slug: "legacy-foci-preferred-not-array", description: "foci_preferred, when present, is an array of transport objects with a string type.",
        build(b) { b.joined(ALICE, BOB, CAROL); b.legacy("a", ALICE, { patch: { foci_preferred: LK_EXAMPLE } }); b.legacy("b", BOB, { patch: { foci_preferred: [{ livekit_service_url: URL_MX }] } }); b.legacy("c", CAROL); },
        expect: { sessions: { [ROOM]: [C] }, transport: { [ROOM]: URL_EX }, rejected: { a: "wrong_type:foci_preferred", b: "wrong_type:foci_preferred" } },
    },
    {
        slug: "legacy-created-ts-string", description: "created_ts, when present, is a number.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { patch: { created_ts: String(NOW - HOUR) } }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "wrong_type:created_ts" } },
    },
    {
        slug: "legacy-expires-string", description: "expires, when present, is a number.",
        jssdk_differs: "js-sdk 43 does not check the type of expires: created_ts + \"14400000\" concatenates to a string, the expiry is NaN and the membership never expires, so js-sdk lists the member; we reject it.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 5 * HOUR, patch: { expires: "14400000" } }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "wrong_type:expires" } },
    },
    {
        slug: "legacy-membership-id-not-string", description: "membershipID, when present, is a string.",
        jssdk_differs: "js-sdk 43 does not check membershipID and uses the number 42 as the member id; we reject the event.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { patch: { membershipID: 42 } }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "wrong_type:membershipID" } },
    },
    {
        slug: "legacy-scope-and-intent-types", description: "scope and m.call.intent, when present, are strings; scope m.user is accepted.",
        build(b) { b.joined(ALICE, BOB, CAROL); b.legacy("a", ALICE, { patch: { scope: 1 } }); b.legacy("b", BOB, { patch: { "m.call.intent": ["audio"] } }); b.legacy("c", CAROL, { patch: { scope: "m.user", "m.call.intent": "audio" } }); },
        expect: { sessions: { [ROOM]: [C] }, transport: { [ROOM]: URL_EX }, rejected: { a: "wrong_type:scope", b: "wrong_type:m.call.intent" } },
    },
    {
        slug: "legacy-deprecated-memberships-array", description: "The deprecated {\"memberships\": [...]} shape is ignored and listed as deprecated_format.",
        build(b) {
            b.joined(ALICE, BOB);
            b.legacy("a", ALICE, { stateKey: ALICE, content: { memberships: [{ application: "m.call", call_id: "", device_id: DEVICES[ALICE], expires: HOUR, focus_active: { type: "livekit", focus_selection: "oldest_membership" }, foci_active: [LK_EXAMPLE], membershipID: "x1" }] } });
            b.legacy("b", BOB);
        },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "deprecated_format" } },
    },
    {
        slug: "legacy-deprecated-msc3401-m-calls", description: "The original MSC3401 per-user shape (m.calls with m.devices) is deprecated_format.",
        build(b) {
            b.joined(ALICE);
            b.legacy("a", ALICE, { stateKey: ALICE, content: { "m.calls": [{ "m.call_id": "1767abc", "m.devices": [{ device_id: DEVICES[ALICE], session_id: "s1", expires_ts: NOW + HOUR, feeds: [{ purpose: "m.usermedia" }] }] }] } });
        },
        expect: { sessions: {}, rejected: { a: "deprecated_format" } },
    },
    {
        slug: "legacy-spoofed-state-key", description: "Mallory writes a membership under Alice's state key (allowed by the auth rules thanks to the leading underscore); it names another user, so it is spoofed.",
        jssdk_differs: "js-sdk 43 never looks at the state key and lists Mallory as a member; we reject the event as spoofed_state_key.",
        build(b) { b.joined(ALICE, MALLORY); b.legacy("m", MALLORY, { stateKey: `_${ALICE}_${DEVICES[ALICE]}_m.call` }); b.legacy("a2", ALICE, { stateKey: `_${ALICE}_PHONE00001_m.call`, device: "PHONE00001" }); },
        expect: { sessions: { [ROOM]: [`${ALICE}:PHONE00001`] }, transport: { [ROOM]: URL_EX }, rejected: { m: "spoofed_state_key" } },
    },
    {
        slug: "legacy-spoofed-owned-state-key", description: "The owned-state form without the leading underscore naming another user is spoofed too (only possible where the room version lets it through).",
        jssdk_differs: "js-sdk 43 never looks at the state key and lists Mallory as a member; we reject the event as spoofed_state_key.",
        build(b) { b.joined(BOB, MALLORY); b.legacy("m", MALLORY, { stateKey: `${BOB}_${DEVICES[BOB]}_m.call` }); },
        expect: { sessions: {}, rejected: { m: "spoofed_state_key" } },
    },
    {
        slug: "legacy-state-key-forms", description: "Accepted state keys: _{user}_{device}_{application}{call_id} (current), {user}_{device}_... (owned state room versions) and _{user}_{device} (older Element Call).",
        build(b) {
            b.joined(ALICE, BOB, CAROL);
            b.legacy("a", ALICE, { ts: NOW - 9 * MIN });
            b.legacy("b", BOB, { ts: NOW - 8 * MIN, stateKey: `${BOB}_${DEVICES[BOB]}_m.call` });
            b.legacy("c", CAROL, { ts: NOW - 7 * MIN, stateKey: `_${CAROL}_${DEVICES[CAROL]}` });
        },
        expect: { sessions: { [ROOM]: [A, B, C] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-state-key-device-mismatch", description: "A state key of the sender's own user but another device than device_id is invalid; so is one naming no user at all.",
        jssdk_differs: "js-sdk 43 never looks at the state key and lists both members; we reject them as invalid_state_key.",
        build(b) { b.joined(ALICE, BOB, CAROL); b.legacy("a", ALICE, { stateKey: `_${ALICE}_OTHERDEVIC_m.call` }); b.legacy("b", BOB, { stateKey: "m.call" }); b.legacy("c", CAROL); },
        expect: { sessions: { [ROOM]: [C] }, transport: { [ROOM]: URL_EX }, rejected: { a: "invalid_state_key", b: "invalid_state_key" } },
    },
    {
        slug: "legacy-sender-not-joined", description: "Memberships count only while the sender's room membership is join: Bob left the room, Carol is only invited, Dave has no member event.",
        build(b) {
            b.joined(ALICE, BOB); b.member(BOB, "leave", NOW - 2 * MIN); b.member(CAROL, "invite");
            b.legacy("a", ALICE); b.legacy("b", BOB); b.legacy("c", CAROL); b.legacy("d", DAVE);
        },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_EX }, rejected: { b: "sender_not_joined", c: "sender_not_joined", d: "sender_not_joined" } },
    },
    {
        slug: "legacy-rejoined-room", description: "The last m.room.member event counts: Bob left and joined again.",
        build(b) { b.joined(BOB); b.member(BOB, "leave", NOW - HOUR); b.member(BOB, "join", NOW - 30 * MIN); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-expired-before-not-joined", description: "Reasons have a fixed order: an expired membership of a user who left the room is expired.",
        build(b) { b.joined(ALICE); b.member(ALICE, "leave", NOW - MIN); b.legacy("a", ALICE, { ts: NOW - 5 * HOUR }); },
        expect: { sessions: {}, rejected: { a: "expired" } },
    },
    {
        slug: "legacy-focus-multi-sfu", description: "The oldest member uses multi_sfu: the active transport is its own foci_preferred[0].",
        build(b) {
            b.joined(ALICE, BOB);
            b.legacy("a", ALICE, { ts: NOW - 9 * MIN, patch: { focus_active: { type: "livekit", focus_selection: "multi_sfu" }, foci_preferred: [MULTI, LK_EXAMPLE] } });
            b.legacy("b", BOB, { ts: NOW - 8 * MIN, patch: { foci_preferred: [LK_MATRIX] } });
        },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: MULTI.livekit_service_url } },
    },
    {
        slug: "legacy-focus-unknown-selection", description: "A focus_selection nobody knows gives no active transport.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 9 * MIN, patch: { focus_active: { type: "livekit", focus_selection: "round_robin" } } }); b.legacy("b", BOB, { ts: NOW - 8 * MIN }); },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: null } },
    },
    {
        slug: "legacy-focus-selection-missing", description: "focus_active without focus_selection is valid but selects no transport.",
        build(b) { b.joined(ALICE); b.legacy("a", ALICE, { patch: { focus_active: { type: "livekit" } } }); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: null } },
    },
    {
        slug: "legacy-oldest-empty-foci", description: "The oldest member prefers no focus (foci_preferred []): no active transport, even though a newer member has one.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 9 * MIN, patch: { foci_preferred: [] } }); b.legacy("b", BOB, { ts: NOW - 8 * MIN }); },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: null } },
    },
    {
        slug: "legacy-oldest-missing-foci-preferred", description: "foci_preferred is optional; an oldest member without it has no transport to offer.",
        jssdk_differs: "js-sdk 43 CallMembership.getTransport reads foci_preferred[0] of undefined and throws a TypeError (getFocusInUse crashes); we report no active transport.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 9 * MIN, drop: ["foci_preferred"] }); b.legacy("b", BOB, { ts: NOW - 8 * MIN }); },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: null } },
    },
    {
        slug: "legacy-unknown-fields-kept", description: "Unknown top-level fields are application data: the membership is accepted.",
        build(b) { b.joined(ALICE); b.legacy("a", ALICE, { patch: { "io.element.call.reactions": { enabled: true }, "feeds": [{ purpose: "m.usermedia" }], "x-custom": null } }); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-other-application", description: "Legacy memberships of another application form their own slot <application>#<call_id>.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { patch: { "application": "io.element.whiteboard", "call_id": "board-7", "m.call.intent": undefined } }); b.legacy("b", BOB); },
        expect: { sessions: { "io.element.whiteboard#board-7": [A], [ROOM]: [B] }, transport: { "io.element.whiteboard#board-7": URL_EX, [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-other-application-empty-call-id", description: "The \"\" -> ROOM mapping is for m.call only: another application with call_id \"\" has the slot <application># (empty id).",
        build(b) { b.joined(ALICE); b.legacy("a", ALICE, { patch: { application: "io.element.whiteboard" } }); },
        expect: { sessions: { "io.element.whiteboard#": [A] }, transport: { "io.element.whiteboard#": URL_EX } },
    },
    {
        slug: "legacy-invalid-slot-id", description: "An application or call_id containing '#' makes no valid slot id.",
        build(b) { b.joined(ALICE, BOB, CAROL); b.legacy("a", ALICE, { patch: { application: "m.call#evil" } }); b.legacy("b", BOB, { patch: { call_id: "a#b" } }); b.legacy("c", CAROL); },
        expect: { sessions: { [ROOM]: [C] }, transport: { [ROOM]: URL_EX }, rejected: { a: "invalid_slot_id", b: "invalid_slot_id" } },
    },
    {
        slug: "legacy-content-array-and-null", description: "Content that is not a JSON object (an array, null, a number) is not_an_object.",
        build(b) { b.joined(ALICE, BOB, CAROL, DAVE); b.legacy("a", ALICE, { content: [] }); b.legacy("b", BOB, { content: null }); b.legacy("c", CAROL, { content: 12 }); b.legacy("d", DAVE); },
        expect: { sessions: { [ROOM]: [D] }, transport: { [ROOM]: URL_EX }, rejected: { a: "not_an_object", b: "not_an_object", c: "not_an_object" } },
    },
    {
        slug: "legacy-content-string", description: "String content is not_an_object; the rest of the room is unaffected.",
        jssdk_differs: "js-sdk 43 evaluates `\"application\" in content` on the string and throws a TypeError out of sessionMembershipsForSlot: no session is computed at all. We reject the event and keep Bob.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { content: "joined" }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "not_an_object" } },
    },
    {
        slug: "legacy-huge-content-accepted", description: "About 40 KB of application data is large but within the 65536-byte limit: accepted.",
        build(b) { b.joined(ALICE); b.legacy("a", ALICE, { patch: { "io.element.call.app_data": pad(40_000) } }); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "legacy-too-large", description: "Content over 65536 bytes (compact JSON, UTF-8) is too_large, whatever it says.",
        jssdk_differs: "js-sdk 43 has no size limit and lists the member; we reject content over 65536 bytes.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { patch: { "io.element.call.app_data": pad(70_000) } }); b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "too_large" } },
    },
    {
        slug: "legacy-without-state-key", description: "org.matrix.msc3401.call.member sent as a timeline (non-state) event is not a membership.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE); delete b.events[b.events.length - 1].state_key; b.legacy("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { a: "missing_field:state_key" } },
    },
    {
        slug: "legacy-equal-created-ts", description: "Equal join times keep js-sdk's order: legacy members in the order their state keys first appeared; the first one's focus is used.",
        build(b) {
            b.joined(ALICE, BOB, CAROL);
            b.legacy("c", CAROL, { ts: NOW - 8 * MIN, patch: { created_ts: NOW - 10 * MIN, foci_preferred: [LK_MATRIX] } });
            b.legacy("a", ALICE, { ts: NOW - 10 * MIN });
            b.legacy("b", BOB, { ts: NOW - 9 * MIN, patch: { created_ts: NOW - 10 * MIN } });
        },
        expect: { sessions: { [ROOM]: [C, A, B] }, transport: { [ROOM]: URL_MX } },
    },
    {
        slug: "legacy-rejoin-keeps-key-position", description: "A state key keeps its first position when its event is replaced: Alice re-sends with the same created_ts as Bob's join.",
        build(b) {
            b.joined(ALICE, BOB);
            b.legacy("a1", ALICE, { ts: NOW - 30 * MIN });
            b.legacy("b", BOB, { ts: NOW - 20 * MIN, patch: { foci_preferred: [LK_MATRIX] } });
            b.legacy("a2", ALICE, { ts: NOW - 2 * MIN, patch: { created_ts: NOW - 20 * MIN } });
        },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: URL_EX }, rejected: { a1: "superseded" } },
    },

    // ---- sticky format ----
    {
        slug: "sticky-single-member", description: "One org.matrix.msc4143.rtc.member sticky event as js-sdk 43 sends it; it expires at min(now, origin_server_ts) + duration_ms.",
        build(b) { b.joined(ALICE); b.sticky("a", ALICE); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-uuid-member-ids", description: "Sticky members ordered by origin_server_ts; MSC4143-style random member ids.",
        build(b) {
            b.joined(ALICE, BOB, CAROL);
            b.sticky("c", CAROL, { ts: NOW - 3 * MIN, memberId: "0b8f6a52-7d3e-4a1b-8c9d-e2f3a4b5c6d7" });
            b.sticky("a", ALICE, { ts: NOW - 7 * MIN, memberId: "7c1e0b5a-2f44-4a09-9d1c-0d6f6f3c9b11", patch: { transports: { published: [LK_STICKY_COM], can_subscribe: ["livekit"] } } });
            b.sticky("b", BOB, { ts: NOW - 5 * MIN, memberId: "e3d2c1b0-a9f8-4e7d-b6c5-a4b3c2d1e0f9" });
        },
        expect: { sessions: { [ROOM]: ["7c1e0b5a-2f44-4a09-9d1c-0d6f6f3c9b11", "e3d2c1b0-a9f8-4e7d-b6c5-a4b3c2d1e0f9", "0b8f6a52-7d3e-4a1b-8c9d-e2f3a4b5c6d7"] }, transport: { [ROOM]: URL_SCOM } },
    },
    {
        slug: "sticky-left", description: "js-sdk's leave (the fired delayed event) is content with only the sticky key and slot: it supersedes the join and is listed as left.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a-join", ALICE, { ts: NOW - 20 * MIN }); b.sticky("b", BOB, { ts: NOW - 15 * MIN }); b.stickyLeave("a-leave", ALICE, { ts: NOW - 2 * MIN }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { "a-join": "superseded", "a-leave": "left" } },
    },
    {
        slug: "sticky-left-only-sticky-key", description: "A leave whose content is only {msc4354_sticky_key} is left too.",
        build(b) { b.joined(ALICE); b.sticky("a-join", ALICE, { ts: NOW - 20 * MIN }); b.sticky("a-leave", ALICE, { ts: NOW - 2 * MIN, content: { msc4354_sticky_key: A } }); },
        expect: { sessions: {}, rejected: { "a-join": "superseded", "a-leave": "left" } },
    },
    {
        slug: "sticky-newest-wins", description: "Updates under one sticky key: the newest (largest origin_server_ts) wins, regardless of arrival order.",
        build(b) {
            b.joined(ALICE);
            b.sticky("a2", ALICE, { ts: NOW - 10 * MIN, patch: { transports: { published: [LK_STICKY_COM], can_subscribe: ["livekit"] } } });
            b.sticky("a1", ALICE, { ts: NOW - 40 * MIN });
        },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_SCOM }, rejected: { a1: "superseded" } },
    },
    {
        slug: "sticky-tie-larger-event-id", description: "Equal origin_server_ts: the lexicographically larger event_id wins. Alice's leave has the larger id, Bob's join has.",
        build(b) {
            b.joined(ALICE, BOB);
            const t = NOW - 6 * MIN;
            b.stickyLeave("a-leave", ALICE, { ts: t, event_id: "$GxkH2e8r0qYp3LmNvBw7sTa9cUd4fZj6RoK1iEh5XyQ" });
            b.sticky("a-join", ALICE, { ts: t, event_id: "$Fp9aL2mQx7cN4vB8zR1kT6yW3sH5dJ0gU2eI7oX9bCv" });
            b.sticky("b-join", BOB, { ts: t, event_id: "$Vt2sH8kL1mN4bQ7xZ0cR5yW9aE3dF6gJ2uP8iO1nMa" });
            b.stickyLeave("b-leave", BOB, { ts: t, memberId: B, event_id: "$Qw4eR7tY1uI3oP6aS9dF2gH5jK8lZ0xC3vB6nM9qWe" });
        },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { "a-leave": "left", "a-join": "superseded", "b-leave": "superseded" } },
    },
    {
        slug: "sticky-newest-wins-by-end", description: "Newest wins by origin_server_ts, as js-sdk 43 orders its sticky store (not MSC4354's origin_server_ts + duration_ms): a newer leave sent with a shorter duration ends an older long-lived join, so a client's leave is never outranked by its own join.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a-join", ALICE, { ts: NOW - 10 * MIN, duration: HOUR }); b.stickyLeave("a-leave", ALICE, { ts: NOW - 5 * MIN, duration: 10 * MIN }); b.sticky("b", BOB, { ts: NOW - 8 * MIN }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { "a-join": "superseded", "a-leave": "left" } },
    },
    {
        slug: "sticky-keys-per-sender", description: "The sticky map is keyed by sender and sticky key: the same sticky key from two users is two entries.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { ts: NOW - 9 * MIN, memberId: "m-1" }); b.sticky("b", BOB, { ts: NOW - 8 * MIN, memberId: "m-1" }); },
        expect: { sessions: { [ROOM]: ["m-1", "m-1"] }, transport: { [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-expired-by-duration", description: "Stickiness ends at min(now, origin_server_ts) + duration_ms; a join 2 h old with 1 h stickiness has lapsed.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { ts: NOW - 2 * HOUR }); b.sticky("b", BOB, { ts: NOW - 59 * MIN }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "expired" } },
    },
    {
        slug: "sticky-duration-capped", description: "duration_ms is capped at 3600000: 2 h asked for, 70 min old, expired.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { ts: NOW - 70 * MIN, duration: 2 * HOUR }); b.sticky("b", BOB, { ts: NOW - 30 * MIN, duration: 2 * HOUR }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "expired" } },
    },
    {
        slug: "sticky-expiry-boundary", description: "Sticky while end > now: an event whose stickiness ends exactly now has expired.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { ts: NOW - HOUR }); b.sticky("b", BOB, { ts: NOW - HOUR + 1 }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "expired" } },
    },
    {
        slug: "sticky-expiry-via-ttl", description: "unsigned.msc4354_sticky_duration_ttl_ms (remaining ms, from the server) wins over the client's own arithmetic: end = now + ttl.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { ts: NOW - 2 * HOUR, ttl: 10 * MIN }); b.sticky("b", BOB, { ts: NOW - MIN, ttl: 30_000 }); },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-future-origin-ts", description: "An origin_server_ts in the future (clock skew) does not extend stickiness (start = min(now, ts)) but does order the member last.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { ts: NOW + 10 * MIN }); b.sticky("b", BOB, { ts: NOW - 10 * MIN }); },
        expect: { sessions: { [ROOM]: [B, A] }, transport: { [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-zero-duration", description: "duration_ms 0 is sticky for no time at all: expired on arrival.",
        build(b) { b.joined(ALICE); b.sticky("a", ALICE, { duration: 0 }); },
        expect: { sessions: {}, rejected: { a: "expired" } },
    },
    {
        slug: "sticky-not-sticky", description: "An rtc.member event without msc4354_sticky is not sticky and not a membership.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { duration: null }); b.sticky("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "missing_field:msc4354_sticky" } },
    },
    {
        slug: "sticky-as-state-event", description: "An rtc.member sent as a state event is not a sticky membership.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { state_key: A }); b.sticky("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "invalid_state_key" } },
    },
    {
        slug: "sticky-missing-sticky-key", description: "msc4354_sticky_key is required (it keys the sticky map); a non-string one is wrong.",
        build(b) { b.joined(ALICE, BOB, CAROL); b.sticky("a", ALICE, { drop: ["msc4354_sticky_key"] }); b.sticky("b", BOB, { patch: { msc4354_sticky_key: 5 } }); b.sticky("c", CAROL); },
        expect: { sessions: { [ROOM]: [C] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "missing_field:msc4354_sticky_key", b: "wrong_type:msc4354_sticky_key" } },
    },
    {
        slug: "sticky-sticky-key-mismatch", description: "sticky_key and msc4354_sticky_key, when both present, must be equal.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { patch: { sticky_key: "something-else" } }); b.sticky("b", BOB, { patch: { sticky_key: B } }); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "malformed_content" } },
    },
    {
        slug: "sticky-sender-mismatch", description: "member.user_id must be the sender: Mallory cannot join on Alice's behalf.",
        build(b) { b.joined(ALICE, MALLORY); b.sticky("m", MALLORY, { memberId: A, patch: { member: { user_id: ALICE, device_id: DEVICES[ALICE], id: A } } }); },
        expect: { sessions: {}, rejected: { m: "sender_mismatch" } },
    },
    {
        slug: "sticky-slot-mismatch", description: "slot_id must start with application.type + '#'.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { patch: { application: { type: "io.element.whiteboard" } } }); b.sticky("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "slot_mismatch" } },
    },
    {
        slug: "sticky-invalid-slot-id", description: "A slot id has exactly one '#'.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { slot: "m.call#ROOM#1" }); b.sticky("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "invalid_slot_id" } },
    },
    {
        slug: "sticky-application-type-with-hash", description: "application.type must not contain '#'.",
        build(b) { b.joined(ALICE); b.sticky("a", ALICE, { slot: "m.call#x#ROOM", patch: { application: { type: "m.call#x" } } }); },
        expect: { sessions: {}, rejected: { a: "malformed_content" } },
    },
    {
        slug: "sticky-missing-fields", description: "slot_id, application, member and its fields are required.",
        build(b) {
            b.joined(ALICE, BOB, CAROL, DAVE);
            b.sticky("a", ALICE, { drop: ["slot_id"] });
            b.sticky("b", BOB, { patch: { application: "m.call" } });
            b.sticky("c", CAROL, { patch: { member: { user_id: CAROL, id: C } } });
            b.sticky("d", DAVE);
        },
        expect: { sessions: { [ROOM]: [D] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "missing_field:slot_id", b: "wrong_type:application", c: "missing_field:member.device_id" } },
    },
    {
        slug: "sticky-member-id-not-string", description: "member.id is a string.",
        build(b) { b.joined(ALICE); b.sticky("a", ALICE, { patch: { member: { user_id: ALICE, device_id: DEVICES[ALICE], id: 1234 } } }); },
        expect: { sessions: {}, rejected: { a: "wrong_type:member.id" } },
    },
    {
        slug: "sticky-transports-malformed", description: "transports.published is an array of transport objects, transports.can_subscribe an array of strings.",
        build(b) {
            b.joined(ALICE, BOB, CAROL, DAVE);
            b.sticky("a", ALICE, { drop: ["transports"] });
            b.sticky("b", BOB, { patch: { transports: { published: [{ livekit_service_url: URL_SEX }], can_subscribe: ["livekit"] } } });
            b.sticky("c", CAROL, { patch: { transports: { published: [], can_subscribe: [1] } } });
            b.sticky("d", DAVE);
        },
        expect: { sessions: { [ROOM]: [D] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "missing_field:transports", b: "wrong_type:transports.published", c: "wrong_type:transports.can_subscribe" } },
    },
    {
        slug: "sticky-rtc-transports-shape", description: "The intermediate shape with rtc_transports instead of transports is not accepted by js-sdk 43.",
        build(b) { b.joined(ALICE); b.sticky("a", ALICE, { drop: ["transports"], patch: { rtc_transports: [LK_STICKY_EXAMPLE] } }); },
        expect: { sessions: {}, rejected: { a: "missing_field:transports" } },
    },
    {
        slug: "sticky-versions", description: "versions is a required array of strings.",
        build(b) { b.joined(ALICE, BOB, CAROL); b.sticky("a", ALICE, { drop: ["versions"] }); b.sticky("b", BOB, { patch: { versions: [1] } }); b.sticky("c", CAROL, { patch: { versions: ["m.call.v1"] } }); },
        expect: { sessions: { [ROOM]: [C] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "missing_field:versions", b: "wrong_type:versions" } },
    },
    {
        slug: "sticky-relates-to", description: "An optional m.relates_to must be an m.reference with a string event_id; js-sdk's own \"m.relation\" key is unknown and ignored.",
        build(b) {
            b.joined(ALICE, BOB, CAROL);
            b.sticky("a", ALICE, { patch: { "m.relates_to": { rel_type: "m.annotation", event_id: "$abc" } } });
            b.sticky("b", BOB, { patch: { "m.relation": { rel_type: "m.reference", event_id: "$prev" } } });
            b.sticky("c", CAROL, { patch: { "m.relates_to": { rel_type: "m.reference", event_id: "$firstjoin" } } });
        },
        expect: { sessions: { [ROOM]: [B, C] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "malformed_content" } },
    },
    {
        slug: "sticky-slot-closed", description: "An rtc.slot state event with status closed closes the slot to sticky members.",
        build(b) { b.joined(ALICE, BOB); b.slot("slot", ROOM, { status: "closed", application: { type: "m.call" } }); b.sticky("a", ALICE); b.sticky("b", BOB); },
        expect: { sessions: {}, rejected: { a: "slot_closed", b: "slot_closed" } },
    },
    {
        slug: "sticky-slot-open", description: "An open slot with the right application admits members; a slot event for another slot id changes nothing.",
        build(b) {
            b.joined(ALICE);
            b.slot("slot", ROOM, { status: "open", application: { type: "m.call" }, encryption: { type: "org.matrix.msc4143.per_member" } });
            b.slot("other", "m.call#standup", { status: "closed", application: { type: "m.call" } });
            b.sticky("a", ALICE);
        },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-slot-malformed", description: "A slot event that is not clearly open for the slot's application counts as closed: wrong application type, no application, unknown status.",
        build(b) {
            b.joined(ALICE, BOB, CAROL);
            b.slot("s1", ROOM, { status: "open", application: { type: "io.element.whiteboard" } });
            b.slot("s2", "m.call#standup", { status: "open" });
            b.slot("s3", "m.call#lobby", { status: "OPEN", application: { type: "m.call" } });
            b.sticky("a", ALICE); b.sticky("b", BOB, { slot: "m.call#standup" }); b.sticky("c", CAROL, { slot: "m.call#lobby" });
        },
        expect: { sessions: {}, rejected: { a: "slot_closed", b: "slot_closed", c: "slot_closed" } },
    },
    {
        slug: "sticky-slot-reopened", description: "The last slot state event counts: closed, then opened again.",
        build(b) {
            b.joined(ALICE);
            b.slot("s1", ROOM, { status: "closed", application: { type: "m.call" } }, { ts: NOW - 3 * HOUR });
            b.slot("s2", ROOM, { status: "open", application: { type: "m.call" } }, { ts: NOW - HOUR });
            b.sticky("a", ALICE);
        },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-sender-not-joined", description: "A sticky membership counts only while the sender is joined to the room.",
        build(b) { b.joined(ALICE, BOB); b.member(BOB, "leave", NOW - MIN); b.member(CAROL, "ban"); b.sticky("a", ALICE); b.sticky("b", BOB); b.sticky("c", CAROL); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_SEX }, rejected: { b: "sender_not_joined", c: "sender_not_joined" } },
    },
    {
        slug: "sticky-custom-slot", description: "Another application in its own slot: io.element.whiteboard#board-7 beside the room call.",
        build(b) {
            b.joined(ALICE, BOB);
            b.sticky("a", ALICE, { slot: "io.element.whiteboard#board-7", memberId: "wb-alice-1", patch: { application: { "type": "io.element.whiteboard", "io.element.whiteboard.theme": "dark" }, transports: { published: [{ type: "full_mesh" }], can_subscribe: ["full_mesh"] } } });
            b.sticky("b", BOB);
        },
        expect: { sessions: { "io.element.whiteboard#board-7": ["wb-alice-1"], [ROOM]: [B] }, transport: { "io.element.whiteboard#board-7": { type: "full_mesh" }, [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-cross-application-same-id", description: "Slots are compared whole: a whiteboard member in io.element.whiteboard#ROOM is not in the call m.call#ROOM.",
        jssdk_differs: "js-sdk 43 isValidMembership compares only the id part of the slot (\"ROOM\"), so its m.call#ROOM session also lists the whiteboard member (and vice versa).",
        build(b) {
            b.joined(ALICE, BOB);
            b.sticky("a", ALICE, { ts: NOW - 9 * MIN, slot: "io.element.whiteboard#ROOM", memberId: "wb-alice-1", patch: { application: { type: "io.element.whiteboard" } } });
            b.sticky("b", BOB, { ts: NOW - 8 * MIN });
        },
        expect: { sessions: { "io.element.whiteboard#ROOM": ["wb-alice-1"], [ROOM]: [B] }, transport: { "io.element.whiteboard#ROOM": URL_SEX, [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-empty-published", description: "A member that publishes nothing (subscribe only) as the oldest: no active transport.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { ts: NOW - 9 * MIN, patch: { transports: { published: [], can_subscribe: ["livekit"] } } }); b.sticky("b", BOB, { ts: NOW - 8 * MIN }); },
        expect: { sessions: { [ROOM]: [A, B] }, transport: { [ROOM]: null } },
    },
    {
        slug: "sticky-unknown-fields-kept", description: "Unknown fields anywhere (top level, application, member, transports) are kept and do not invalidate the membership.",
        build(b) {
            b.joined(ALICE);
            b.sticky("a", ALICE, { patch: {
                "application": { "type": "m.call", "m.call.intent": "audio", "m.call.id": "call-42", "io.element.call.layout": "grid" },
                "member": { user_id: ALICE, device_id: DEVICES[ALICE], id: A, membership: "join" },
                "transports": { published: [{ ...LK_STICKY_EXAMPLE, "io.element.region": "eu" }], can_subscribe: ["livekit", "full_mesh"], "x-hint": 1 },
                "io.element.call.reactions": true,
            } });
        },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: { ...LK_STICKY_EXAMPLE, "io.element.region": "eu" } } },
    },
    {
        slug: "sticky-content-not-object", description: "Sticky content that is an array or null is not_an_object.",
        build(b) { b.joined(ALICE, BOB, CAROL); b.sticky("a", ALICE, { content: ["slot_id"] }); b.sticky("b", BOB, { content: null }); b.sticky("c", CAROL); },
        expect: { sessions: { [ROOM]: [C] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "not_an_object", b: "not_an_object" } },
    },
    {
        slug: "sticky-content-string", description: "String sticky content is not_an_object; the room's other members stay.",
        jssdk_differs: "js-sdk 43 files the string in its sticky store as an unkeyed event, then `\"application\" in content` throws a TypeError out of sessionMembershipsForSlot: no session is computed at all.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { content: "m.call#ROOM" }); b.sticky("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "not_an_object" } },
    },
    {
        slug: "sticky-huge-content-accepted", description: "About 40 KB of application data in a sticky membership is accepted.",
        build(b) { b.joined(ALICE); b.sticky("a", ALICE, { patch: { application: { "type": "m.call", "io.element.call.blob": pad(40_000) } } }); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_SEX } },
    },
    {
        slug: "sticky-too-large", description: "Sticky content over 65536 bytes is too_large.",
        jssdk_differs: "js-sdk 43 has no size limit and lists the member; we reject content over 65536 bytes.",
        build(b) { b.joined(ALICE, BOB); b.sticky("a", ALICE, { patch: { application: { "type": "m.call", "io.element.call.blob": pad(70_000) } } }); b.sticky("b", BOB); },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_SEX }, rejected: { a: "too_large" } },
    },

    // ---- mixed rooms ----
    {
        slug: "mixed-room", description: "Legacy and sticky members in one call, ordered by join time across formats; the oldest (legacy, oldest_membership) picks the focus.",
        build(b) {
            b.joined(ALICE, BOB, CAROL, DAVE);
            b.sticky("b", BOB, { ts: NOW - 8 * MIN });
            b.legacy("a", ALICE, { ts: NOW - 12 * MIN });
            b.legacy("c", CAROL, { ts: NOW - 6 * MIN, patch: { foci_preferred: [LK_MATRIX] } });
            b.sticky("d", DAVE, { ts: NOW - 4 * MIN, patch: { transports: { published: [LK_STICKY_COM], can_subscribe: ["livekit"] } } });
        },
        expect: { sessions: { [ROOM]: [A, B, C, D] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "mixed-oldest-sticky", description: "When the oldest member is sticky, its transports.published[0] is the active transport.",
        build(b) { b.joined(ALICE, BOB); b.legacy("a", ALICE, { ts: NOW - 5 * MIN }); b.sticky("b", BOB, { ts: NOW - 9 * MIN, patch: { transports: { published: [LK_STICKY_COM], can_subscribe: ["livekit"] } } }); },
        expect: { sessions: { [ROOM]: [B, A] }, transport: { [ROOM]: URL_SCOM } },
    },
    {
        slug: "mixed-device-in-both-formats", description: "One device with a legacy and a sticky membership (different keys) is two members, as in js-sdk.",
        build(b) { b.joined(ALICE); b.legacy("a-legacy", ALICE, { ts: NOW - 30 * MIN }); b.sticky("a-sticky", ALICE, { ts: NOW - 2 * MIN, memberId: "c0ffee00-1111-4222-8333-444455556666" }); },
        expect: { sessions: { [ROOM]: [A, "c0ffee00-1111-4222-8333-444455556666"] }, transport: { [ROOM]: URL_EX } },
    },
    {
        slug: "mixed-sticky-key-equals-state-key", description: "A sticky event whose sticky key equals the sender's legacy state key supersedes that state event (sticky wins on duplicates).",
        build(b) {
            b.joined(ALICE);
            const key = `_${ALICE}_${DEVICES[ALICE]}_m.call`;
            b.legacy("a-legacy", ALICE, { ts: NOW - 30 * MIN });
            b.sticky("a-sticky", ALICE, { ts: NOW - 2 * MIN, memberId: key });
        },
        expect: { sessions: { [ROOM]: [`_${ALICE}_${DEVICES[ALICE]}_m.call`] }, transport: { [ROOM]: URL_SEX }, rejected: { "a-legacy": "superseded" } },
    },
    {
        slug: "mixed-sticky-leave-supersedes-state", description: "A sticky leave under the same key as the sender's legacy state event ends that membership too.",
        build(b) {
            b.joined(ALICE, BOB);
            const key = `_${ALICE}_${DEVICES[ALICE]}_m.call`;
            b.legacy("a-legacy", ALICE, { ts: NOW - 30 * MIN });
            b.stickyLeave("a-leave", ALICE, { ts: NOW - 2 * MIN, memberId: key });
            b.legacy("b", BOB, { ts: NOW - 20 * MIN });
        },
        expect: { sessions: { [ROOM]: [B] }, transport: { [ROOM]: URL_EX }, rejected: { "a-legacy": "superseded", "a-leave": "left" } },
    },
    {
        slug: "mixed-foreign-sticky-key", description: "Only the sender's own sticky events supersede its legacy state: Mallory's sticky leave under Alice's state key does not end Alice's membership.",
        jssdk_differs: "js-sdk 43 drops a legacy state event when ANY sticky event has its state key as sticky key, whoever sent it, so Mallory removes Alice from js-sdk's member list; we only let the state key's own sender do that.",
        build(b) {
            b.joined(ALICE, MALLORY);
            b.legacy("a", ALICE, { ts: NOW - 30 * MIN });
            b.stickyLeave("m", MALLORY, { ts: NOW - 2 * MIN, memberId: `_${ALICE}_${DEVICES[ALICE]}_m.call` });
        },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_EX }, rejected: { m: "left" } },
    },
    {
        slug: "mixed-equal-timestamps-convergence", description: "Ties on join time: sticky members come before legacy ones (js-sdk collects sticky first and sorts stably), so the sticky member's transport is active.",
        build(b) {
            b.joined(ALICE, BOB, CAROL);
            const t = NOW - 7 * MIN;
            b.legacy("a", ALICE, { ts: t });
            b.sticky("b", BOB, { ts: t, patch: { transports: { published: [LK_STICKY_COM], can_subscribe: ["livekit"] } } });
            b.sticky("c", CAROL, { ts: t });
        },
        expect: { sessions: { [ROOM]: [B, C, A] }, transport: { [ROOM]: URL_SCOM } },
    },
    {
        slug: "mixed-sticky-tie-store-order", description: "Sticky ties keep the order in which their keys first arrived, even when a key's winner arrives later.",
        build(b) {
            b.joined(ALICE, BOB);
            const t = NOW - 7 * MIN;
            b.sticky("b1", BOB, { ts: t - MIN, patch: { transports: { published: [LK_STICKY_COM], can_subscribe: ["livekit"] } } });
            b.sticky("a", ALICE, { ts: t });
            b.sticky("b2", BOB, { ts: t, patch: { transports: { published: [LK_STICKY_COM], can_subscribe: ["livekit"] } } });
        },
        expect: { sessions: { [ROOM]: [B, A] }, transport: { [ROOM]: URL_SCOM }, rejected: { b1: "superseded" } },
    },
    {
        slug: "mixed-legacy-ignores-slot-state", description: "Slot state applies to sticky memberships only (as in js-sdk): a closed m.call#ROOM keeps legacy members.",
        build(b) { b.joined(ALICE, BOB); b.slot("slot", ROOM, { status: "closed", application: { type: "m.call" } }); b.legacy("a", ALICE); b.sticky("b", BOB); },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_EX }, rejected: { b: "slot_closed" } },
    },
    {
        slug: "mixed-several-slots", description: "Sessions are listed by slot id; each slot has its own oldest member and transport.",
        build(b) {
            b.joined(ALICE, BOB, CAROL, DAVE);
            b.legacy("a", ALICE, { ts: NOW - 40 * MIN, patch: { call_id: "standup" } });
            b.sticky("b", BOB, { ts: NOW - 30 * MIN });
            b.sticky("c", CAROL, { ts: NOW - 20 * MIN, slot: "m.call#standup", patch: { transports: { published: [LK_STICKY_COM], can_subscribe: ["livekit"] } } });
            b.sticky("d", DAVE, { ts: NOW - 10 * MIN, slot: "io.element.whiteboard#board-7", memberId: "wb-dave", patch: { application: { type: "io.element.whiteboard" } } });
        },
        expect: {
            sessions: { "io.element.whiteboard#board-7": ["wb-dave"], [ROOM]: [B], "m.call#standup": [A, C] },
            transport: { "io.element.whiteboard#board-7": URL_SEX, [ROOM]: URL_SEX, "m.call#standup": URL_EX },
        },
    },
    {
        slug: "mixed-unrelated-and-unknown-types", description: "Unrelated events (messages, reactions, encryption keys, slot and member events) never appear; unknown types in the RTC MSC namespaces are unknown_type.",
        build(b) {
            b.joined(ALICE, BOB);
            b.other("msg", "m.room.message", BOB, { msgtype: "m.text", body: "joining the call" });
            b.other("call", "org.matrix.msc3401.call", ALICE, { "m.intent": "m.room", "m.type": "m.video" }, { state_key: "1767abcdef" });
            b.other("typo", "org.matrix.msc4143.rtc.members", BOB, { slot_id: ROOM }, { msc4354_sticky: { duration_ms: HOUR } });
            b.other("notif", "org.matrix.msc4075.rtc.notification", ALICE, { "notification_type": "ring", "sender_ts": NOW - MIN, "lifetime": 30000, "m.mentions": { room: true, user_ids: [] } });
            b.other("keys", "io.element.call.encryption_keys", ALICE, { keys: [{ index: 0, key: "c2VjcmV0" }], device_id: DEVICES[ALICE], call_id: "" });
            b.legacy("a", ALICE);
        },
        expect: { sessions: { [ROOM]: [A] }, transport: { [ROOM]: URL_EX }, rejected: { call: "unknown_type", typo: "unknown_type" } },
    },
    {
        slug: "mixed-empty-room", description: "A room with no memberships has no sessions and nothing rejected.",
        build(b) { b.joined(ALICE, BOB); b.slot("slot", ROOM, { status: "open", application: { type: "m.call" } }); },
        expect: { sessions: {} },
    },
    {
        slug: "mixed-everyone-left", description: "Both formats left: no session.",
        build(b) {
            b.joined(ALICE, BOB);
            b.legacy("a1", ALICE, { ts: NOW - 30 * MIN }); b.sticky("b1", BOB, { ts: NOW - 25 * MIN });
            b.legacy("a2", ALICE, { ts: NOW - 3 * MIN, content: {} }); b.stickyLeave("b2", BOB, { ts: NOW - 2 * MIN });
        },
        expect: { sessions: {}, rejected: { a1: "superseded", b1: "superseded", a2: "left", b2: "left" } },
    },
];
