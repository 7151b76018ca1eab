// Shared set-up of the node scripts that run matrix-js-sdk 43 for mxrtc's interop tests. Import it first:
//   import "../lib/node20.mjs";
// - js-sdk 43 declares node >= 22; on node 20 only Promise.withResolvers is missing (MembershipManager.leave).
// - The scripts speak JSON lines on stdout, so every console level js-sdk logs through goes to stderr.

if (typeof Promise.withResolvers !== "function") {
    Promise.withResolvers = function withResolvers() {
        let resolve;
        let reject;
        const promise = new this((res, rej) => {
            resolve = res;
            reject = rej;
        });
        return { promise, resolve, reject };
    };
}

for (const level of ["log", "info", "debug", "warn", "trace"]) {
    console[level] = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
}
