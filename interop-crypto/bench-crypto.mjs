// Olm/Megolm ops/s of the Rust crypto (matrix-sdk-crypto-wasm, the version matrix-js-sdk 43 resolves), measured
// at the level its binding exposes: two in-memory OlmMachines ("alice" sends, "bob" receives) in this process,
// keys exchanged by answering their /keys/* requests directly (no homeserver, no network).
// Started by benchmarks-crypto (dev.mxrtc.bench.crypto.CryptoVsRust), which runs the same operations in Java.
//
//   node bench-crypto.mjs [--ops 300] [--warmup 2] [--iterations 5] [--sizes 200,2048]
//
// Operations, per payload size (the size of the "body" string in the event content):
//   megolmEncrypt  alice.encryptRoomEvent(room, "m.room.message", content)        -> m.megolm.v1.aes-sha2 content
//   megolmDecrypt  bob.decryptRoomEvent(full event JSON, room, Untrusted)          -> plaintext event
//   olmEncrypt     alice.getDevice(bob).encryptToDeviceEvent("m.bench", content)    -> m.olm.v1.curve25519-aes-sha2
//   olmDecrypt     bob.receiveSyncChanges([that one to-device event], ...)         -> decrypted to-device event
//   emptySync      bob.receiveSyncChanges([], ...): the sync API's own cost, included in olmDecrypt (Rust only)
// Each iteration encrypts `ops` messages, then decrypts the same messages in order (one chain, no ratchet step:
// bob replied once during setup, so alice sends normal type-1 Olm messages). The figure is the median iteration.
// stdout: one JSON line {"node":..., "wasm":..., "results":[{"op","size","opsPerSec":[...],"median"}]}; logs go to stderr.
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";
import { readFileSync } from "node:fs";

console.log = console.info = console.debug = console.warn = (...a) => process.stderr.write(a.join(" ") + "\n");

const arg = (name, dflt) => {
    const i = process.argv.indexOf("--" + name);
    return i >= 0 ? process.argv[i + 1] : dflt;
};
const OPS = Number(arg("ops", 300));
const WARMUP = Number(arg("warmup", 2));
const ITERATIONS = Number(arg("iterations", 5));
const SIZES = String(arg("sizes", "200")).split(",").map(Number);
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

async function timed(fn) {
    const start = process.hrtime.bigint();
    await fn();
    return OPS / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
    const { alice, bob } = await setup();
    const room = new sdk.RoomId(ROOM);
    const untrusted = new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted);
    const bobDevice = await alice.machine.getDevice(new sdk.UserId(BOB), new sdk.DeviceId("BOBDEV"));
    let eventNo = 0;
    const results = [];
    for (const size of SIZES) {
        const body = "x".repeat(size);
        const rates = { megolmEncrypt: [], megolmDecrypt: [], olmEncrypt: [], olmDecrypt: [], emptySync: [] };
        for (let it = 0; it < WARMUP + ITERATIONS; it++) {
            const keep = it >= WARMUP;
            const room_events = new Array(OPS);
            let r = await timed(async () => {
                for (let i = 0; i < OPS; i++) {
                    room_events[i] = await alice.machine.encryptRoomEvent(room, "m.room.message",
                        JSON.stringify({ msgtype: "m.text", body }));
                }
            });
            if (keep) rates.megolmEncrypt.push(r);
            const events = room_events.map((c) => JSON.stringify({ type: "m.room.encrypted", sender: ALICE,
                event_id: `$e${eventNo++}`, origin_server_ts: 1, room_id: ROOM, content: JSON.parse(c) }));
            r = await timed(async () => {
                for (let i = 0; i < OPS; i++) {
                    const d = await bob.machine.decryptRoomEvent(events[i], room, untrusted);
                    if (i === 0 && JSON.parse(d.event).content.body.length !== size) throw new Error("wrong plaintext");
                }
            });
            if (keep) rates.megolmDecrypt.push(r);
            const to_device = new Array(OPS);
            r = await timed(async () => {
                for (let i = 0; i < OPS; i++) {
                    to_device[i] = await bobDevice.encryptToDeviceEvent("m.bench", { body });
                }
            });
            if (keep) rates.olmEncrypt.push(r);
            const wrapped = to_device.map((c) => JSON.stringify([{ sender: ALICE, type: "m.room.encrypted", content: JSON.parse(c) }]));
            r = await timed(async () => {
                for (let i = 0; i < OPS; i++) {
                    const p = await bob.machine.receiveSyncChanges(wrapped[i], new sdk.DeviceLists(), new Map(), new Set());
                    if (p.length !== 1 || p[0].type !== sdk.ProcessedToDeviceEventType.Decrypted) {
                        throw new Error("to-device not decrypted at " + i);
                    }
                }
            });
            if (keep) rates.olmDecrypt.push(r);
            // what olmDecrypt pays for the sync API alone: the same call with no to-device event
            r = await timed(async () => {
                for (let i = 0; i < OPS; i++) {
                    await bob.machine.receiveSyncChanges("[]", new sdk.DeviceLists(), new Map(), new Set());
                }
            });
            if (keep) rates.emptySync.push(r);
        }
        for (const [op, opsPerSec] of Object.entries(rates)) {
            results.push({ op, size, opsPerSec, median: median(opsPerSec) });
        }
    }
    const wasm = JSON.parse(readFileSync(new URL("./node_modules/@matrix-org/matrix-sdk-crypto-wasm/package.json", import.meta.url))).version;
    process.stdout.write(JSON.stringify({ node: process.version, wasm, results }) + "\n");
}

main().then(() => process.exit(0), (e) => {
    process.stderr.write(String(e?.stack ?? e) + "\n");
    process.exit(1);
});
