// A matrix-sdk-crypto (Rust, via @matrix-org/matrix-sdk-crypto-wasm) device driven over a JSON line protocol,
// without a homeserver: we answer its outgoing requests ourselves. Used by the Java interop tests in
// bundles/crypto (RustInteropTest).
//
// stdin : one JSON command per line  {"id": n, "cmd": "...", ...args}
// stdout: one JSON reply per line    {"id": n, "ok": true, ...result} | {"id": n, "ok": false, "error": "..."}
// Everything else (wasm logs) goes to stderr so stdout stays the protocol.
import * as readline from "node:readline";
import * as sdk from "@matrix-org/matrix-sdk-crypto-wasm";

const reply = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
console.log = console.info = console.debug = console.warn = (...a) => process.stderr.write(a.join(" ") + "\n");

let machine;
let uploaded;

async function answerRequests() {
    // Answer what the machine wants sent: uploads succeed, queries were answered explicitly.
    for (const req of await machine.outgoingRequests()) {
        if (req.type === sdk.RequestType.KeysUpload) {
            const body = JSON.parse(req.body);
            uploaded = uploaded ?? { one_time_keys: {}, fallback_keys: {} };
            if (body.device_keys) uploaded.device_keys = body.device_keys;
            Object.assign(uploaded.one_time_keys, body.one_time_keys ?? {});
            Object.assign(uploaded.fallback_keys, body.fallback_keys ?? {});
            const count = Object.keys(uploaded.one_time_keys).length;
            await machine.markRequestAsSent(req.id, req.type, JSON.stringify({ one_time_key_counts: { signed_curve25519: count } }));
        }
    }
}

const commands = {
    async init({ userId, deviceId }) {
        await sdk.initAsync();
        machine = await sdk.OlmMachine.initialize(new sdk.UserId(userId), new sdk.DeviceId(deviceId));
        await answerRequests();
        return { deviceKeys: uploaded.device_keys, oneTimeKeys: uploaded.one_time_keys, fallbackKeys: uploaded.fallback_keys };
    },
    async addDevice({ userId, deviceKeys }) {
        // /keys/query answered with the Java device's signed keys
        await machine.updateTrackedUsers([new sdk.UserId(userId)]);
        for (const req of await machine.outgoingRequests()) {
            if (req.type === sdk.RequestType.KeysQuery) {
                const devices = {};
                for (const keys of deviceKeys) devices[keys.device_id] = keys;
                await machine.markRequestAsSent(req.id, req.type,
                    JSON.stringify({ device_keys: { [userId]: devices }, failures: {} }));
            }
        }
        return {};
    },
    async claim({ userId, deviceId, keyId, key }) {
        // /keys/claim answered with one of the Java device's signed one-time keys
        const req = await machine.getMissingSessions([new sdk.UserId(userId)]);
        if (!req) return { claimed: false };
        await machine.markRequestAsSent(req.id, req.type,
            JSON.stringify({ one_time_keys: { [userId]: { [deviceId]: { [keyId]: key } } }, failures: {} }));
        return { claimed: true };
    },
    async encryptToDevice({ userId, deviceId, type, content }) {
        const device = await machine.getDevice(new sdk.UserId(userId), new sdk.DeviceId(deviceId));
        if (!device) throw new Error("unknown device " + deviceId);
        return { content: JSON.parse(await device.encryptToDeviceEvent(type, content)) };
    },
    async receive({ events }) {
        const processed = await machine.receiveSyncChanges(JSON.stringify(events), new sdk.DeviceLists(),
            new Map(), new Set());
        await answerRequests();
        return {
            events: processed.map((e) => ({
                kind: sdk.ProcessedToDeviceEventType[e.type],
                event: JSON.parse(e.rawEvent),
                utdReason: e.utdInfo ? sdk.ToDeviceUnableToDecryptReason[e.utdInfo.reason] : undefined,
            })),
        };
    },
    async shareRoomKey({ roomId, users }) {
        const settings = new sdk.EncryptionSettings();
        settings.sharingStrategy = sdk.CollectStrategy.allDevices();
        const requests = await machine.shareRoomKey(new sdk.RoomId(roomId), users.map((u) => new sdk.UserId(u)), settings);
        const out = [];
        for (const req of requests) {
            out.push({ type: req.event_type, messages: JSON.parse(req.body).messages });
            await machine.markRequestAsSent(req.id, req.type, "{}");
        }
        return { requests: out };
    },
    async encryptRoomEvent({ roomId, type, content }) {
        return { content: JSON.parse(await machine.encryptRoomEvent(new sdk.RoomId(roomId), type, JSON.stringify(content))) };
    },
    async decryptRoomEvent({ roomId, event }) {
        const settings = new sdk.DecryptionSettings(sdk.TrustRequirement.Untrusted);
        const decrypted = await machine.decryptRoomEvent(JSON.stringify(event), new sdk.RoomId(roomId), settings);
        return { event: JSON.parse(decrypted.event), senderCurve25519Key: decrypted.senderCurve25519Key,
                 senderClaimedEd25519Key: decrypted.senderClaimedEd25519Key };
    },
};

const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on("line", (line) => {
    queue = queue.then(async () => {
        let msg;
        try {
            msg = JSON.parse(line);
            const result = await commands[msg.cmd](msg);
            reply({ id: msg.id, ok: true, ...result });
        } catch (e) {
            reply({ id: msg?.id, ok: false, error: String(e?.stack ?? e) });
        }
    });
});
rl.on("close", () => queue.then(() => process.exit(0)));
