// Olm/Megolm ops/s of the Rust crypto (matrix-sdk-crypto-wasm, the version matrix-js-sdk 43 resolves), measured
// at the level its binding exposes: two in-memory OlmMachines ("alice" sends, "bob" receives) in this process,
// keys exchanged by answering their /keys/* requests directly (no homeserver, no network).
// Started by benchmarks-crypto (dev.mxrtc.bench.crypto.CryptoVsRust), which runs the same operations in Java.
//
// The Java side drives it one iteration at a time, alternating with its own iterations, so both see the same
// machine load (this machine is shared):
//   stdout: {"ready": true, "node": ..., "wasm": ...} once set up
//   stdin : {"size": 200, "ops": 200}   -> stdout: {"megolmEncrypt": ops/s, "megolmDecrypt": ..., ...}
//   stdin closed -> exit
// Operations, per payload size (the size of the "body" string in the event content):
//   megolmEncrypt  alice.encryptRoomEvent(room, "m.room.message", content)        -> m.megolm.v1.aes-sha2 content
//   megolmDecrypt  bob.decryptRoomEvent(full event JSON, room, Untrusted)          -> plaintext event
//   olmEncrypt     alice.getDevice(bob).encryptToDeviceEvent("m.bench", content)    -> m.olm.v1.curve25519-aes-sha2
//   olmDecrypt     bob.receiveSyncChanges([that one to-device event], ...)         -> decrypted to-device event
//   emptySync      bob.receiveSyncChanges([], ...): the sync API's own cost, included in olmDecrypt (Rust only)
// Each iteration encrypts `ops` messages, then decrypts the same messages in order (one chain, no ratchet step:
// bob replied once during setup, so alice sends normal type-1 Olm messages). Logs go to stderr.
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { readFileSync } from "node:fs";
import * as readline from "node:readline";

console.log = console.info = console.debug = console.warn = (...a) => process.stderr.write(a.join(" ") + "\n");

const reply = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const ROOM = "!bench:localhost";
const ALICE = "@alice:localhost";
const BOB = "@bob:localhost";

/** A machine plus what it uploaded (device keys, one-time keys), answered as a homeserver would. */
async function device(userId, deviceId) {
    const machine = await sdk.OlmMachine.initialize(new sdk.UserId(userId), new sdk.DeviceId(deviceId));
    const uploaded = { one_time_keys: {} };
    for (const req of await machine.outgoingRequests()) {
        if (req.type === sdk.RequestType.KeysUpload) {
            const body = JSON.parse(req.body);
            if (body.device_keys) uploaded.device_keys = body.device_keys;
            Object.assign(uploaded.one_time_keys, body.one_time_keys ?? {});
            await machine.markRequestAsSent(req.id, req.type, JSON.stringify(
                { one_time_key_counts: { signed_curve25519: Object.keys(uploaded.one_time_keys).length } }));
        }
    }
    return { machine, userId, deviceId, uploaded };
}

/** `from` learns `to`'s device keys (/keys/query). */
async function track(from, to) {
    await from.machine.updateTrackedUsers([new sdk.UserId(to.userId)]);
    for (const req of await from.machine.outgoingRequests()) {
        if (req.type === sdk.RequestType.KeysQuery) {
            await from.machine.markRequestAsSent(req.id, req.type, JSON.stringify(
                { device_keys: { [to.userId]: { [to.deviceId]: to.uploaded.device_keys } }, failures: {} }));
        }
    }
}

/** `from` claims one of `to`'s one-time keys (/keys/claim) and so has an Olm session. */
async function claim(from, to) {
    const req = await from.machine.getMissingSessions([new sdk.UserId(to.userId)]);
    const [keyId, key] = Object.entries(to.uploaded.one_time_keys)[0];
    await from.machine.markRequestAsSent(req.id, req.type, JSON.stringify(
        { one_time_keys: { [to.userId]: { [to.deviceId]: { [keyId]: key } } }, failures: {} }));
}

async function toDevice(from, to, type, content) {
    const dev = await from.machine.getDevice(new sdk.UserId(to.userId), new sdk.DeviceId(to.deviceId));
    return JSON.parse(await dev.encryptToDeviceEvent(type, content));
}

async function receive(to, events) {
    const processed = await to.machine.receiveSyncChanges(JSON.stringify(events), new sdk.DeviceLists(), new Map(), new Set());
    for (const p of processed) {
        if (p.type !== sdk.ProcessedToDeviceEventType.Decrypted) {
            throw new Error("to-device not decrypted: " + sdk.ProcessedToDeviceEventType[p.type]);
        }
    }
    return processed;
}

async function setup() {
    await sdk.initAsync();
    const alice = await device(ALICE, "ALICEDEV");
    const bob = await device(BOB, "BOBDEV");
    await track(alice, bob);
    await track(bob, alice);
    await claim(alice, bob);
    await receive(bob, [{ sender: ALICE, type: "m.room.encrypted", content: await toDevice(alice, bob, "m.bench", { n: 0 }) }]);
    await receive(alice, [{ sender: BOB, type: "m.room.encrypted", content: await toDevice(bob, alice, "m.bench", { n: 0 }) }]);
    const settings = new sdk.EncryptionSettings();
    settings.sharingStrategy = sdk.CollectStrategy.allDevices();
    settings.rotationPeriodMessages = 1_000_000_000n; // Java does not rotate on its own either
    for (const req of await alice.machine.shareRoomKey(new sdk.RoomId(ROOM), [new sdk.UserId(BOB)], settings)) {
        const messages = JSON.parse(req.body).messages;
        await receive(bob, [{ sender: ALICE, type: req.event_type, content: messages[BOB].BOBDEV }]);
        await alice.machine.markRequestAsSent(req.id, req.type, "{}");
    }
    return { alice, bob };
}

async function timed(ops, fn) {
    const start = process.hrtime.bigint();
    await fn();
    return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** One iteration at one payload size: ops/s of each operation. */
async function iteration({ alice, bob, room, untrusted, bobDevice }, size, ops) {
    const body = "x".repeat(size);
    const rates = {};
    const roomEvents = new Array(ops);
    rates.megolmEncrypt = await timed(ops, async () => {
        for (let i = 0; i < ops; i++) {
            roomEvents[i] = await alice.machine.encryptRoomEvent(room, "m.room.message", JSON.stringify({ msgtype: "m.text", body }));
        }
    });
    const events = roomEvents.map((c) => JSON.stringify({ type: "m.room.encrypted", sender: ALICE,
        event_id: `$e${eventNo++}`, origin_server_ts: 1, room_id: ROOM, content: JSON.parse(c) }));
    rates.megolmDecrypt = await timed(ops, async () => {
        for (let i = 0; i < ops; i++) {
            const d = await bob.machine.decryptRoomEvent(events[i], room, untrusted);
            if (i === 0 && JSON.parse(d.event).content.body.length !== size) throw new Error("wrong plaintext");
        }
    });
    const toDevice = new Array(ops);
    rates.olmEncrypt = await timed(ops, async () => {
        for (let i = 0; i < ops; i++) {
            toDevice[i] = await bobDevice.encryptToDeviceEvent("m.bench", { body });
        }
    });
    const wrapped = toDevice.map((c) => JSON.stringify([{ sender: ALICE, type: "m.room.encrypted", content: JSON.parse(c) }]));
    rates.olmDecrypt = await timed(ops, async () => {
        for (let i = 0; i < ops; i++) {
            const p = await bob.machine.receiveSyncChanges(wrapped[i], new sdk.DeviceLists(), new Map(), new Set());
            if (p.length !== 1 || p[0].type !== sdk.ProcessedToDeviceEventType.Decrypted) {
                throw new Error("to-device not decrypted at " + i);
            }
            if (i === 0 && JSON.parse(p[0].rawEvent).content.body.length !== size) throw new Error("wrong plaintext");
        }
    });
    // what olmDecrypt pays for the sync API alone: the same call with no to-device event
    const syncs = Math.max(1, Math.floor(ops / 4)); // a diagnostic: fewer calls keep the run short
    rates.emptySync = await timed(syncs, async () => {
        for (let i = 0; i < syncs; i++) {
            await bob.machine.receiveSyncChanges("[]", new sdk.DeviceLists(), new Map(), new Set());
        }
    });
    return rates;
}

let eventNo = 0;

async function main() {
    const { alice, bob } = await setup();
    const ctx = {
        alice, bob, room: new sdk.RoomId(ROOM),
        untrusted: new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted),
        bobDevice: await alice.machine.getDevice(new sdk.UserId(BOB), new sdk.DeviceId("BOBDEV")),
    };
    const wasm = JSON.parse(readFileSync(new URL("./node_modules/@matrix-org/matrix-sdk-crypto-wasm/package.json", import.meta.url))).version;
    reply({ ready: true, node: process.version, wasm });
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) {
        const { size, ops } = JSON.parse(line);
        reply(await iteration(ctx, size, ops));
    }
}

main().then(() => process.exit(0), (e) => {
    process.stderr.write(String(e?.stack ?? e) + "\n");
    process.exit(1);
});
