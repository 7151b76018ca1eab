#!/usr/bin/env node
// Writes the conformance corpus: one JSON file per case in corpus-cases.mjs, named NNN-slug.json, with
// `expected` computed by the reference rules (corpus-rules.mjs) and checked against each case's hand-written
// expectation. Usage: node make-corpus.mjs <output directory>
// Files not produced by this run are deleted, so renumbering never leaves stale cases behind.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";

import { CaseBuilder, NOW, ROOM_ID } from "./corpus-builders.mjs";
import { cases } from "./corpus-cases.mjs";
import { inspect } from "./corpus-rules.mjs";

function checkExpectation(c, b, expected) {
    const problems = [];
    const want = c.expect;
    const gotSlots = expected.sessions.map((s) => s.slot_id);
    const wantSlots = Object.keys(want.sessions).sort();
    if (!isDeepStrictEqual(gotSlots, wantSlots)) problems.push(`slots ${JSON.stringify(gotSlots)} != ${JSON.stringify(wantSlots)}`);
    for (const s of expected.sessions) {
        const ids = s.members.map((m) => m.member_id);
        if (!isDeepStrictEqual(ids, want.sessions[s.slot_id])) problems.push(`${s.slot_id} members ${JSON.stringify(ids)}`);
        const t = want.transport?.[s.slot_id];
        const wantTransport = typeof t === "string" ? s.active_transport?.livekit_service_url : s.active_transport;
        if (!isDeepStrictEqual(wantTransport ?? null, t ?? null)) problems.push(`${s.slot_id} transport ${JSON.stringify(s.active_transport)}`);
    }
    const wantRejected = Object.entries(want.rejected ?? {}).map(([label, reason]) => ({ event_id: b.id(label), reason }));
    const order = new Map(b.events.map((e, i) => [e.event_id, i]));
    wantRejected.sort((x, y) => order.get(x.event_id) - order.get(y.event_id));
    if (!isDeepStrictEqual(expected.rejected, wantRejected)) {
        problems.push(`rejected ${JSON.stringify(expected.rejected)} != ${JSON.stringify(wantRejected)}`);
    }
    if (problems.length) throw new Error(`${c.slug}: the rules disagree with the hand-written expectation:\n  ${problems.join("\n  ")}`);
}

const outDir = process.argv[2];
if (!outDir) {
    process.stderr.write("usage: node make-corpus.mjs <output directory>\n");
    process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const slugs = new Set();
const written = new Set();
cases.forEach((c, index) => {
    if (slugs.has(c.slug)) throw new Error(`duplicate slug ${c.slug}`);
    slugs.add(c.slug);
    const b = new CaseBuilder(c.slug);
    c.build(b);
    // Round-trip through JSON so the rules see exactly what the file holds (undefined fields vanish).
    const input = JSON.parse(JSON.stringify({ room_id: ROOM_ID, events: b.events }));
    const now = c.now ?? NOW;
    const expected = inspect(input, now);
    checkExpectation(c, b, expected);
    const doc = { name: c.slug, description: c.description, now };
    if (c.jssdk_differs) doc.jssdk_differs = c.jssdk_differs;
    doc.input = input;
    doc.expected = expected;
    const file = `${String(index + 1).padStart(3, "0")}-${c.slug}.json`;
    writeFileSync(join(outDir, file), JSON.stringify(doc, null, 2) + "\n");
    written.add(file);
});
for (const name of readdirSync(outDir)) {
    if (name.endsWith(".json") && !written.has(name)) rmSync(join(outDir, name));
}
process.stderr.write(`wrote ${written.size} cases to ${outDir}\n`);
