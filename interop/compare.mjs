#!/usr/bin/env node
// Developer aid: runs rtc-sessions.mjs over a corpus directory and prints, per case, whether js-sdk's sessions
// equal expected.sessions (the JUnit JsSdkCrossCheckTest makes the same comparison in the build).
// Usage: node compare.mjs <corpus directory>
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

const dir = process.argv[2];
const out = JSON.parse(execFileSync(process.execPath, [new URL("./rtc-sessions.mjs", import.meta.url).pathname, dir],
    { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] }));
let bad = 0;
for (const r of out.cases) {
    const c = JSON.parse(readFileSync(join(dir, r.file), "utf8"));
    const same = !r.error && isDeepStrictEqual(r.sessions, c.expected.sessions);
    const differs = c.jssdk_differs !== undefined;
    const status = same ? (differs ? "SAME-BUT-MARKED" : "ok") : differs ? "differs (marked)" : "MISMATCH";
    if (status !== "ok") console.log(`${status.padEnd(17)} ${r.file}${r.error ? "  error: " + r.error : ""}`);
    if (status === "MISMATCH" || status === "SAME-BUT-MARKED") {
        bad++;
        if (process.env.VERBOSE) console.log(JSON.stringify({ jssdk: r.sessions, expected: c.expected.sessions }, null, 1));
    }
}
console.log(`${out.cases.length} cases, ${bad} unexpected`);
process.exit(bad ? 1 : 0);
