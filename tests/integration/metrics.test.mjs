// GET /metrics after real traffic: promtool (Debian's prometheus) accepts the scrape, every counter
// matches the requests, gRPC signer calls and signatures this test sent, labels hold route patterns (never
// raw paths) and nothing secret, the key store's gauges follow generated, deleted, unusable and damaged
// records, and the kiosk serves the same read-only page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { SOURCE_DIR, VECTORS_DIR, startDaemon, tempDir } from './lib/daemon.mjs';
import { signerClient, Status } from './lib/grpc_signer_client.mjs';
import { startStandIn } from './lib/standin.mjs';

const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
let daemon;

before(async () => { daemon = await startDaemon(); });
after(async () => { await daemon?.stop(); });

// {"name{a=\"b\"}": value} from the text exposition format; labels sorted, so lookups need no order.
function parse(text) {
  const samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}="${v}"`).sort().join(',');
    samples.set(`${match[1]}{${labels}}`, Number(match[3]));
  }
  return samples;
}

function sample(samples, name, labels = {}) {
  const key = `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',')}}`;
  return samples.get(key) ?? 0;
}

async function scrape(from = daemon) {
  const res = await from.request('GET', '/metrics');
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  return res.text;
}

test('after real traffic, promtool accepts the scrape and every counter matches what was sent', async () => {
  const before = parse(await scrape());
  const statusRoute = { listener: 'uds', method: 'GET', route: '/v1/staking/status', status: '200' };
  const signRoute = { listener: 'uds', method: 'POST', route: '/v1/staking/bls/sign', status: '200' };
  const blsSig = { key_type: 'bls', dst: 'sig', module: 'bls_tls_signer_v1' };
  const blsPop = { key_type: 'bls', dst: 'pop', module: 'bls_tls_signer_v1' };
  const tls = { key_type: 'tls', dst: 'none', module: 'bls_tls_signer_v1' };

  for (let i = 0; i < 3; i++) assert.equal((await daemon.request('GET', '/v1/staking/status')).status, 200);
  const key = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
  assert.equal(key.status, 200, key.text);
  const pk = bls.G1.ProjectivePoint.fromHex(key.json.pubkey.slice(2));
  for (let i = 0; i < 4; i++) {
    const message = Buffer.from(`metrics message ${i}`);
    const signed = await daemon.request('POST', '/v1/staking/bls/sign',
      { keyHandle: key.json.keyHandle, message: message.toString('base64') });
    assert.equal(signed.status, 200, signed.text);
    const sig = bls.G2.ProjectivePoint.fromHex(signed.json.signature.slice(2));
    assert.ok(bls.verify(sig, bls.G2.hashToCurve(message, { DST: SIG_DST }), pk));
  }
  // The PoP DST over the key's own public key, which the signer module always allows.
  const publicKey = Buffer.from(key.json.pubkey.slice(2), 'hex');
  for (let i = 0; i < 2; i++) {
    const signed = await daemon.request('POST', '/v1/staking/bls/sign',
      { keyHandle: key.json.keyHandle, message: publicKey.toString('base64'), dst: 'pop' });
    assert.equal(signed.status, 200, signed.text);
    const sig = bls.G2.ProjectivePoint.fromHex(signed.json.signature.slice(2));
    assert.ok(bls.verify(sig, bls.G2.hashToCurve(publicKey, { DST: POP_DST }), pk));
  }
  const tlsKey = await daemon.request('POST', '/v1/staking/tls/register', {});
  assert.equal(tlsKey.status, 200, tlsKey.text);
  const digest = crypto.createHash('sha256').update('tls metrics').digest();
  const tlsSigned = await daemon.request('POST', '/v1/staking/tls/sign',
    { keyHandle: tlsKey.json.keyHandle, digest: digest.toString('base64'), algorithm: 'ECDSA_P256_SHA256' });
  assert.equal(tlsSigned.status, 200, tlsSigned.text);
  // Unknown paths a client chose count under the route that answered, never under their own names: an
  // unknown /v1 path and a POST that no route takes (405) as "unmatched", other GETs under the kiosk
  // files' prefix route "/*".
  const secretLookingPath = `/v1/${key.json.keyHandle}/nothing-here`;
  assert.equal((await daemon.request('GET', secretLookingPath)).status, 404);
  assert.equal((await daemon.request('GET', '/no/such/route')).status, 404);
  assert.equal((await daemon.request('POST', '/no/such/route', {})).status, 405);
  assert.equal((await daemon.request('BREW', '/v1/staking/status')).status, 405);

  const text = await scrape();
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(promtool.status, 0, `promtool check metrics:\n${promtool.stdout}${promtool.stderr}`);

  const now = parse(text);
  const delta = (name, labels) => sample(now, name, labels) - sample(before, name, labels);
  assert.equal(delta('cryftee_http_requests_total', statusRoute), 3);
  assert.equal(delta('cryftee_http_requests_total', signRoute), 6);
  assert.equal(delta('cryftee_http_requests_total', { listener: 'uds', method: 'GET', route: 'unmatched', status: '404' }), 1);
  assert.equal(delta('cryftee_http_requests_total', { listener: 'uds', method: 'GET', route: '/*', status: '404' }), 1);
  assert.equal(delta('cryftee_http_requests_total', { listener: 'uds', method: 'POST', route: 'unmatched', status: '405' }), 1);
  assert.equal(delta('cryftee_http_requests_total', { listener: 'uds', method: 'other', route: 'unmatched', status: '405' }), 1);
  assert.equal(delta('cryftee_http_request_duration_seconds_count', { listener: 'uds', route: '/v1/staking/bls/sign' }),
               6);
  assert.equal(delta('cryftee_signatures_total', blsSig), 4);
  assert.equal(delta('cryftee_signatures_total', blsPop), 2);
  assert.equal(delta('cryftee_signatures_total', tls), 1);
  assert.equal(sample(now, 'cryftee_registry_epoch'), 1);
  assert.ok(sample(now, 'cryftee_modules', { state: 'loaded' }) >= 1);
  assert.equal(sample(now, 'cryftee_build_info', { version: '0.5.0', module_abi: '1' }), 1);

  // Nothing a client chose or that identifies a key appears anywhere in the scrape.
  for (const secretish of [key.json.keyHandle, key.json.pubkey.slice(2), tlsKey.json.keyHandle, 'nothing-here', '/no/such/route', 'BREW']) {
    assert.ok(!text.includes(secretish), `the scrape contains ${secretish}`);
  }
});

function promtoolAccepts(text) {
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(promtool.status, 0, `promtool check metrics:\n${promtool.stdout}${promtool.stderr}`);
}

test('gRPC signer calls count as requests of listener grpc_signer, by RPC and status', async () => {
  const avalanche = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, 'avalanche-local.json'), 'utf8'));
  const vector = avalanche.signers[0];
  const socket = path.join(tempDir('cryftee-grpc-'), 'grpc', 'signer.sock');
  const signer = await startDaemon({ args: ['--grpc-signer-addr', `unix:${socket}`],
    env: { CRYFTEE_WEB3SIGNER_KEY_MATERIAL: vector.secretKeyBase64 } });
  const client = signerClient(`unix:${socket}`);
  try {
    const before = parse(await scrape(signer));
    const publicKey = Buffer.from(vector.publicKey.slice(2), 'hex');
    const pk = bls.G1.ProjectivePoint.fromHex(vector.publicKey.slice(2));
    assert.equal(Buffer.from((await client.publicKey()).public_key).toString('hex'), vector.publicKey.slice(2));
    for (let i = 0; i < 3; i++) {
      const message = Buffer.from(`grpc metrics ${i}`);
      const sig = bls.G2.ProjectivePoint.fromHex(Buffer.from((await client.sign(message)).signature).toString('hex'));
      assert.ok(bls.verify(sig, bls.G2.hashToCurve(message, { DST: SIG_DST }), pk));
    }
    const pop = (await client.signProofOfPossession(publicKey)).signature;
    assert.equal(`0x${Buffer.from(pop).toString('hex')}`, vector.proofOfPossession);
    for (const bad of [Buffer.alloc(0), Buffer.alloc(65537, 1)]) {
      await assert.rejects(client.sign(bad), (error) => error.code === Status.INVALID_ARGUMENT);
    }

    const text = await scrape(signer);
    promtoolAccepts(text);
    const now = parse(text);
    const delta = (name, labels) => sample(now, name, labels) - sample(before, name, labels);
    const rpc = (route, status) => ({ listener: 'grpc_signer', method: 'POST', route: `/signer.Signer/${route}`, status });
    assert.equal(delta('cryftee_http_requests_total', rpc('PublicKey', '200')), 1);
    assert.equal(delta('cryftee_http_requests_total', rpc('Sign', '200')), 3);
    assert.equal(delta('cryftee_http_requests_total', rpc('SignProofOfPossession', '200')), 1);
    assert.equal(delta('cryftee_http_requests_total', rpc('Sign', '400')), 1);  // empty_message
    assert.equal(delta('cryftee_http_requests_total', rpc('Sign', '413')), 1);  // message_too_large
    assert.equal(delta('cryftee_http_request_duration_seconds_count', { listener: 'grpc_signer', route: '/signer.Signer/Sign' }), 5);
    // The calls went the REST way: the signer module made the signatures.
    assert.equal(delta('cryftee_signatures_total', { key_type: 'bls', dst: 'sig', module: 'bls_tls_signer_v1' }), 3);
    assert.equal(delta('cryftee_signatures_total', { key_type: 'bls', dst: 'pop', module: 'bls_tls_signer_v1' }), 1);
    assert.ok(!text.includes(vector.publicKey.slice(2)), 'the scrape names no key');

    // One log line per call, like a REST request, and never the message or the key.
    await signer.logged(/grpc_status=INVALID_ARGUMENT .*message="message_too_large: /);  // the last call's line
    const lines = signer.output.split('\n').filter((line) => /^.*\brequest .*listener=grpc_signer/.test(line));
    assert.equal(lines.filter((line) => /route=\/signer\.Signer\/Sign status=200/.test(line)).length, 3);
    assert.ok(lines.some((line) => /grpc_status=INVALID_ARGUMENT .*message="empty_message: .*status=400/.test(line)));
    assert.ok(!signer.output.includes(vector.secretKeyBase64));
    assert.ok(!signer.output.includes(Buffer.from('grpc metrics 0').toString('base64')));
  } finally {
    client.close();
    await signer.stop();
  }
});

test('the key store gauges follow generated, deleted, unusable and damaged records', async () => {
  const PASSPHRASE = 'metrics-seal-passphrase';
  const keyDir = tempDir('cryftee-keys-');
  const store = path.join(keyDir, 'cryftee-keys');
  const withStore = (dir, passphrase = PASSPHRASE) =>
    startDaemon({ env: { CRYFTEE_KEY_DATA_DIR: dir, CRYFTEE_SEAL_PASSPHRASE: passphrase } });
  const records = (samples, kind, state) => sample(samples, 'cryftee_key_store_records', { kind, state });

  // A record sealed under another passphrase, to be copied in later: it cannot be unsealed there.
  const otherDir = tempDir('cryftee-keys-');
  const other = await withStore(otherDir, 'another-passphrase');
  const foreign = await other.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
  assert.equal(foreign.status, 200, foreign.text);
  await other.stop();

  const first = await withStore(keyDir);
  const handles = [];
  try {
    let now = parse(await scrape(first));
    assert.equal(sample(now, 'cryftee_key_store_info', { sealer: 'passphrase', durable: 'true' }), 1);
    assert.equal(records(now, 'bls', 'loaded'), 0);
    for (let i = 0; i < 2; i++) {
      const key = await first.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
      assert.equal(key.status, 200, key.text);
      handles.push(key.json);
    }
    const tlsKey = await first.request('POST', '/v1/staking/tls/register', {});
    assert.equal(tlsKey.status, 200, tlsKey.text);
    now = parse(await scrape(first));
    assert.equal(records(now, 'bls', 'loaded'), 2);
    assert.equal(records(now, 'tls', 'loaded'), 1);

    const deleted = await first.request('POST', '/v1/admin/keys/delete',
      { keyHandle: handles[0].keyHandle, publicKey: handles[0].pubkey });
    assert.equal(deleted.status, 200, deleted.text);
    const text = await scrape(first);
    promtoolAccepts(text);
    now = parse(text);
    assert.equal(records(now, 'bls', 'loaded'), 1);
    assert.equal(records(now, 'tls', 'loaded'), 1);
    for (const state of ['unusable', 'damaged']) {
      for (const kind of ['bls', 'tls', 'attestation']) assert.equal(records(now, kind, state), 0, `${kind} ${state}`);
    }
    for (const secretish of [handles[1].keyHandle, handles[1].pubkey.slice(2), tlsKey.json.keyHandle, PASSPHRASE]) {
      assert.ok(!text.includes(secretish), `the scrape contains ${secretish}`);
    }
  } finally {
    await first.stop();
  }

  // Restarted with a record sealed elsewhere and one that is not JSON: both counted, the rest still loaded.
  const foreignFile = `${foreign.json.keyHandle}.json`;
  fs.copyFileSync(path.join(otherDir, 'cryftee-keys', foreignFile), path.join(store, foreignFile));
  fs.writeFileSync(path.join(store, `bls-${'0'.repeat(32)}.json`), '{"format": "cryftee-key-rec');
  const second = await withStore(keyDir);
  try {
    const text = await scrape(second);
    promtoolAccepts(text);
    const now = parse(text);
    assert.equal(records(now, 'bls', 'loaded'), 1);
    assert.equal(records(now, 'tls', 'loaded'), 1);
    assert.equal(records(now, 'bls', 'unusable'), 1);
    assert.equal(records(now, 'unknown', 'damaged'), 1);
  } finally {
    await second.stop();
  }
});

test('a reload counts, and raises the epoch', async () => {
  const before = parse(await scrape());
  const reload = await daemon.request('POST', '/v1/admin/reload-modules');
  assert.equal(reload.status, 200, reload.text);
  const now = parse(await scrape());
  assert.equal(sample(now, 'cryftee_registry_reloads_total', { result: 'succeeded' }) -
               sample(before, 'cryftee_registry_reloads_total', { result: 'succeeded' }), 1);
  assert.equal(sample(now, 'cryftee_registry_epoch'), sample(before, 'cryftee_registry_epoch') + 1);
});

test('the kiosk listener serves /metrics read-only and counts its own requests', async () => {
  const first = await daemon.kiosk('GET', '/metrics');
  assert.equal(first.status, 200, first.text);
  const second = await daemon.kiosk('GET', '/metrics');
  const now = parse(second.text);
  assert.ok(sample(now, 'cryftee_http_requests_total', { listener: 'kiosk', method: 'GET', route: '/metrics', status: '200' }) >= 1);
  assert.equal((await daemon.kiosk('POST', '/metrics', {})).status, 405);
  assert.equal((await daemon.kiosk('DELETE', '/metrics')).status, 405);
});

test('docs/install.md lists every metric a scrape shows, and its example alerts pass promtool and use only those', async () => {
  const docs = fs.readFileSync(path.join(SOURCE_DIR, 'docs', 'install.md'), 'utf8');
  const listed = new Set([...docs.matchAll(/^\| `(cryftee_[a-z0-9_]+)` \|/gm)].map((m) => m[1]));
  // Runs after the traffic above, so every family with something to show is in this scrape.
  for (const [, name] of (await scrape()).matchAll(/^# TYPE (\S+) /gm)) {
    assert.ok(listed.has(name), `the scrape shows ${name}, which docs/install.md does not list`);
  }
  const rules = [...docs.matchAll(/```yaml\n(groups:[\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(rules.length, 1, 'docs/install.md should hold one block of alerting rules');
  const file = path.join(tempDir('cryftee-rules-'), 'rules.yml');
  fs.writeFileSync(file, rules[0]);
  const promtool = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  assert.equal(promtool.status, 0, `promtool check rules:\n${promtool.stdout}${promtool.stderr}`);
  for (const [name] of rules[0].matchAll(/cryftee_[a-z0-9_]+/g)) {
    assert.ok(listed.has(name.replace(/_bucket$/, '')), `the rules use ${name}, which docs/install.md does not list`);
  }
});

test('cryftee_web3signer_up follows the Web3Signer stand-in going away', async () => {
  const standin = await startStandIn();
  const custodian = await startDaemon({
    args: ['--web3signer-enabled', '--web3signer-url', standin.url, '--web3signer-health-interval-ms', '100'] });
  const up = async () => {
    const text = (await custodian.request('GET', '/metrics')).text;
    return [sample(parse(text), 'cryftee_web3signer_up', { check: 'reachable' }), text];
  };
  // The health checker runs in the background; wait (without a time assertion) for the state to show.
  const until = async (wanted) => {
    for (;;) {
      const [value, text] = await up();
      if (value === wanted) return text;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    const text = await until(1);
    assert.equal(sample(parse(text), 'cryftee_web3signer_up', { check: 'healthy' }), 1, text);
    standin.stop();
    await until(0);
  } finally {
    standin.stop();
    await custodian.stop();
  }
});
