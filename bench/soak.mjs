// A mixed-traffic soak against the real daemon over its Unix socket, to find or rule out memory growth:
// status, schema, attestation with a fresh nonce, heartbeats, BLS and TLS signing, ephemeral BLS
// registration of a fixed key, module calls, malformed bodies and unknown routes, and a reload every 30 s.
// Prints the daemon's RSS every 10 s and the growth rate over the second half of the run. Run the
// sanitizer build's binary to have LeakSanitizer check the daemon when it exits (reports go to
// build-asan/sanitizer-reports/):
//   CRYFTEE_BIN=build-asan/cryftee CRYFTEE_BUILD_DIR=build-asan CRYFTEE_SOURCE_DIR=. \
//     node bench/soak.mjs [seconds=600] [clients=8]
import crypto from 'node:crypto';
import fs from 'node:fs';

import { startDaemon } from '../tests/integration/lib/daemon.mjs';

const seconds = Number(process.argv[2] ?? 600);
const clients = Number(process.argv[3] ?? 8);

const daemon = await startDaemon();
const pid = daemon.child.pid;
const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

const post = (route, body) => daemon.request('POST', route, body);
const bls = (await post('/v1/staking/bls/register', { mode: 'ephemeral', ephemeralKeyB64: Buffer.alloc(32, 9).toString('base64') })).json;
const tls = (await post('/v1/staking/tls/register', {})).json;
const message = Buffer.from('soak').toString('base64');
const digest = crypto.createHash('sha256').update('soak').digest('base64');

const operations = [
  () => daemon.request('GET', '/v1/staking/status'),
  () => daemon.request('GET', '/v1/schema/modules'),
  () => daemon.request('GET', `/v1/runtime/attestation?nonce=${crypto.randomBytes(8).toString('hex')}`),
  () => post('/v1/runtime/heartbeat', { cryftgo_version: '1.11.0', node_id: 'NodeID-soak', timestamp: Date.now() }),
  () => post('/v1/staking/bls/sign', { keyHandle: bls.keyHandle, message }),
  () => post('/v1/staking/bls/sign', { pubkey: bls.pubkey, data: message, dst: 'pop' }),
  () => post('/v1/staking/bls/register', { mode: 'ephemeral', ephemeralKeyB64: Buffer.alloc(32, 9).toString('base64') }),
  () => post('/v1/staking/tls/sign', { keyHandle: tls.keyHandle, digest, algorithm: 'ECDSA_P256_SHA256' }),
  () => post('/v1/modules/call', { moduleId: 'debug_v1', operation: 'debug_echo', request: { n: 1 } }),
  () => post('/v1/staking/bls/sign', '{"keyHandle": '),
  () => daemon.request('GET', '/v1/no/such/route'),
];

const counts = { requests: 0, unexpected: 0 };
const deadline = Date.now() + seconds * 1000;
async function client() {
  while (Date.now() < deadline) {
    const answer = await operations[Math.floor(Math.random() * operations.length)]();
    counts.requests += 1;
    if (answer.status >= 500) counts.unexpected += 1;
  }
}

const samples = [];
const sampler = setInterval(() => {
  samples.push({ t: (Date.now() - (deadline - seconds * 1000)) / 1000, rss: rssKiB() });
  const last = samples.at(-1);
  console.log(`${last.t.toFixed(0)} s  rss ${last.rss} KiB  requests ${counts.requests}  5xx ${counts.unexpected}`);
}, 10_000);
const reloader = setInterval(() => post('/v1/admin/reload-modules'), 30_000);

await Promise.all(Array.from({ length: clients }, client));
clearInterval(sampler);
clearInterval(reloader);

const half = samples.filter((s) => s.t >= seconds / 2);
if (half.length >= 2) {
  const first = half[0];
  const last = half.at(-1);
  console.log(`second half: ${((last.rss - first.rss) / (last.t - first.t)).toFixed(2)} KiB/s over ${(last.t - first.t).toFixed(0)} s`);
}
const { code } = await daemon.stop('SIGTERM');
console.log(`daemon exit code ${code} after ${counts.requests} requests (${counts.unexpected} answered 5xx)`);
