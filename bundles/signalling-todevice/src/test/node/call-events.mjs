// Preloaded by JsSdkReceivesEncryptedCallEventsTest into the shared interop/e2ee/peer.mjs
// (`node --import <this> e2ee/peer.mjs ...`, run in interop/): reports every to-device m.call.* event the
// matrix-js-sdk 43 client emits (after its Rust crypto decrypted it, if it was encrypted) as one JSON line:
//   {"type":"call_event","event_type","sender","encrypted":bool,"wire_type","content"}
// It only observes: it keeps the MatrixClient that peer.mjs starts and listens to its ToDeviceEvent, which is what
// js-sdk's own CallEventHandler listens to. One stdin command is added:
//   {"cmd":"devices","user":"@u:hs"} -> {"type":"devices","user","devices":[ids]}  (the user's devices whose keys
//   Rust crypto holds; it accepts Olm only from such devices, so the test waits for the sender's device first)

import { join } from "node:path";
import { pathToFileURL } from "node:url";

await import(pathToFileURL(join(process.cwd(), "lib/node20.mjs")).href);
// the same module instance as peer.mjs's import("matrix-js-sdk") (its package main), so the prototype is shared
const sdk = await import(pathToFileURL(join(process.cwd(), "node_modules/matrix-js-sdk/lib/index.js")).href);

let client;
const startClient = sdk.MatrixClient.prototype.startClient;
sdk.MatrixClient.prototype.startClient = function (...args) {
    client = this;
    this.on(sdk.ClientEvent.ToDeviceEvent, (event) => {
        if (!event.getType().startsWith("m.call.")) return;
        process.stdout.write(
            JSON.stringify({
                type: "call_event",
                event_type: event.getType(),
                sender: event.getSender(),
                encrypted: event.isEncrypted(),
                wire_type: event.getWireType(),
                content: event.getContent(),
            }) + "\n",
        );
    });
    return startClient.apply(this, args);
};

let buffered = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", async (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line.includes('"devices"')) continue;
        try {
            const msg = JSON.parse(line);
            if (msg.cmd !== "devices" || !client?.getCrypto()) continue;
            const info = await client.getCrypto().getUserDeviceInfo([msg.user], true);
            const devices = [...(info.get(msg.user)?.keys() ?? [])];
            process.stdout.write(JSON.stringify({ type: "devices", user: msg.user, devices }) + "\n");
        } catch (e) {
            process.stdout.write(JSON.stringify({ type: "error", message: String(e?.stack ?? e) }) + "\n");
        }
    }
});
