// Runs livekit-client's shipped E2EE worker (dist/livekit-client.e2ee.worker.mjs) inside node and feeds it
// fake encoded frames through the same 'encode'/'decode' transform pipeline the browser uses.
//
// usage: node driver.mjs <job.json> <result.json>
// job:    { "tasks": [ { "op": "encrypt"|"decrypt", "participant": "...", "keys": [ {"index": n, "hex": "..."} |
//                        {"index": n, "password": "..."} ], "currentIndex": n, "senderRatchets": n,
//                        "sharedKey": bool, "ratchetWindowSize": n,
//                        "frames": [ { "kind": "audio"|"key"|"delta", "codec": "vp8"|"vp9", "ssrc": n,
//                                      "timestamp": n, "hex": "..." } ] } ] }
// result: { "tasks": [ { "frames": [ "hex" | null ], "errors": [ "..." ] } ] }
import { readFile, writeFile } from 'node:fs/promises';

// --- a dedicated-worker global scope, as far as the worker needs one ---
const outbox = [];
globalThis.self = globalThis;
globalThis.onmessage = null;
globalThis.postMessage = (msg) => outbox.push(msg);
class RTCEncodedAudioFrame {
  constructor(data, timestamp, ssrc) {
    this.data = data;
    this.timestamp = timestamp;
    this.meta = { synchronizationSource: ssrc, payloadType: 111, mimeType: 'audio/opus' };
  }
  getMetadata() { return this.meta; }
}
class RTCEncodedVideoFrame {
  constructor(data, timestamp, ssrc, type, codec) {
    this.data = data;
    this.timestamp = timestamp;
    this.type = type;
    this.meta = { synchronizationSource: ssrc, payloadType: 96, mimeType: 'video/' + codec.toUpperCase() };
  }
  getMetadata() { return this.meta; }
}
globalThis.RTCEncodedAudioFrame = RTCEncodedAudioFrame;
globalThis.RTCEncodedVideoFrame = RTCEncodedVideoFrame;

const { createKeyMaterialFromBuffer, createKeyMaterialFromString } = await import('livekit-client');
await import('livekit-client/e2ee-worker');
if (typeof globalThis.onmessage !== 'function') throw new Error('e2ee worker did not install onmessage');

const hex = (buf) => Buffer.from(new Uint8Array(buf)).toString('hex');
const unhex = (s) => { const b = Buffer.from(s, 'hex'); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Posts a message to the worker and lets its queue drain. */
async function send(kind, data) {
  globalThis.onmessage({ data: { kind, data } });
  await sleep(5);
}

async function waitFor(pred, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(2);
  }
  return pred();
}

let initialised = null;
let trackNo = 0;

async function runTask(task) {
  const errorsBefore = outbox.length;
  const options = {
    sharedKey: !!task.sharedKey,
    ratchetSalt: 'LKFrameEncryptionKey',
    ratchetWindowSize: task.ratchetWindowSize ?? 10,
    failureTolerance: -1,
    keyringSize: 256,
    keySize: 128,
  };
  const optionsKey = JSON.stringify(options);
  if (initialised !== optionsKey) {
    // the worker keeps one set of options; a new set needs a fresh participant (tasks use distinct ones)
    await send('init', { keyProviderOptions: options, loglevel: 'warn' });
    initialised = optionsKey;
  }
  const participantIdentity = task.participant;
  await send('enable', { enabled: true, participantIdentity });
  for (const k of task.keys) {
    const material = k.password !== undefined
      ? await createKeyMaterialFromString(k.password)
      : await createKeyMaterialFromBuffer(unhex(k.hex));
    await send('setKey', { participantIdentity, key: material, keyIndex: k.index });
  }
  for (let i = 0; i < (task.senderRatchets ?? 0); i++) {
    await send('ratchetRequest', { participantIdentity, keyIndex: task.currentIndex });
    await sleep(task.sharedKey ? 400 : 20);
  }
  // setKey makes its index current, so a task lists the key it sends with last.

  const out = [];
  let controller;
  const readableStream = new ReadableStream({ start(c) { controller = c; } });
  const writableStream = new WritableStream({ write(frame) { out.push(frame); } });
  const trackId = 'track-' + trackNo++;
  await send(task.op === 'encrypt' ? 'encode' : 'decode', {
    participantIdentity, trackId, readableStream, writableStream,
    codec: task.frames.find((f) => f.kind !== 'audio')?.codec, hasPacketTrailer: false,
  });

  const results = [];
  for (const f of task.frames) {
    const data = unhex(f.hex);
    const frame = f.kind === 'audio'
      ? new RTCEncodedAudioFrame(data, f.timestamp, f.ssrc)
      : new RTCEncodedVideoFrame(data, f.timestamp, f.ssrc, f.kind, f.codec);
    const before = out.length;
    const errorsSeen = outbox.filter((m) => m.kind === 'error').length;
    controller.enqueue(frame);
    // a frame the cryptor drops produces no output, only an error message: wait (bounded) for either
    await waitFor(() => out.length > before || outbox.filter((m) => m.kind === 'error').length > errorsSeen,
      task.sharedKey ? 15000 : 3000);
    const ok = out.length > before;
    results.push(ok ? hex(out[out.length - 1].data) : null);
  }
  controller.close();
  const errors = outbox.slice(errorsBefore)
    .filter((m) => m.kind === 'error' || (m.kind === 'log' && (m.data.level === 'error' || m.data.level === 'warn')))
    .map((m) => m.kind === 'error' ? String(m.data.error) : m.data.msg);
  return { frames: results, errors };
}

const [jobPath, resultPath] = process.argv.slice(2);
const job = JSON.parse(await readFile(jobPath, 'utf8'));
const tasks = [];
for (const task of job.tasks) {
  tasks.push(await runTask(task));
}
await writeFile(resultPath, JSON.stringify({ tasks }, null, 1));
process.exit(0);
