// Preloaded by JsSdkE2eeTest into the shared interop/e2ee/peer.mjs (`node --import <this> e2ee/peer.mjs ...`, run in
// interop/) to add one stdin command without forking that script:
//   {"cmd":"devices","user":"@u:hs"}   -> {"type":"devices","user":"@u:hs","devices":["DEV", ...]}
// listing the user's devices this client's Rust crypto holds keys for (getUserDeviceInfo, downloading when the user is
// not tracked yet). It only observes: it keeps the MatrixClient that peer.mjs starts.
//
// Why: js-sdk 43 marks a media key as shared with every joiner it tried, also a device Rust crypto skipped as
// "unknown device" because its /keys/query had not answered within Rust's wait (about 5 s under load); that device
// gets the key only at the next rotation. The test publishes mxrtc's membership once the peers know its device.

import { join } from "node:path";
import { pathToFileURL } from "node:url";

await import(pathToFileURL(join(process.cwd(), "lib/node20.mjs")).href);
// the same module instance as peer.mjs's import("matrix-js-sdk") (its package main), so the prototype is shared
const sdk = await import(pathToFileURL(join(process.cwd(), "node_modules/matrix-js-sdk/lib/index.js")).href);

let client;
const startClient = sdk.MatrixClient.prototype.startClient;
sdk.MatrixClient.prototype.startClient = function (...args) {
    client = this;
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
