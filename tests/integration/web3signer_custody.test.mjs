// Web3Signer custody through the real daemon and the Web3Signer stand-in (node + @noble/curves): mode
// "persistent" imports a real EIP-2335 keystore, survives a daemon restart through "verify", typed requests
// are signed by Web3Signer and raw ones refused with 422, Web3Signer going down and coming back shows in
// status, memory-custody signing is not held up by a hanging Web3Signer (nor, with one I/O thread, is any
// other request), keys can be listed and deleted,
// and the keystore password appears nowhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { bls12_381 as bls } from '@noble/curves/bls12-381';

import { startDaemon } from './lib/daemon.mjs';
import { startStandIn } from './lib/standin.mjs';

const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const PASSWORD = 'keystore-pass-7f3a9c1e-do-not-leak';
// A typed request from Web3Signer's spec examples (eth2/signing/paths/sign.yaml), with its signing root.
const RANDAO_REQUEST = {
  type: 'RANDAO_REVEAL',
  signingRoot: '0x3d047c51a8b03630781dc4c5519c17f7de87174246ff2deed0f195c6c775f91e',
  fork_info: {
    fork: { previous_version: '0x00000001', current_version: '0x00000001', epoch: '1' },
    genesis_validators_root: '0x04700007fabc8282644aed6d1c7c9e21d38a03a0c4ba193f3afe428824b3a673',
  },
  randao_reveal: { epoch: '3' },
};

let standin;
let daemon;
const daemons = [];
const responses = [];  // every answer body, to look for the password

// The stand-in decrypts every imported keystore with scrypt (n = 2^18), which takes seconds on a loaded
// machine: the daemon's Web3Signer timeout leaves room for that.
const WEB3SIGNER_TIMEOUT_MS = 10000;

async function start({ password = PASSWORD, extraArgs = [] } = {}) {
  const started = await startDaemon({
    args: ['--web3signer-enabled', '--web3signer-url', standin.url, '--web3signer-health-interval-ms', '200',
      '--web3signer-timeout-ms', String(WEB3SIGNER_TIMEOUT_MS), '--web3signer-max-attempts', '1', ...extraArgs],
    env: password ? { CRYFTEE_WEB3SIGNER_KEYSTORE_PASSWORD: password } : {},
  });
  daemons.push(started);
  return started;
}

async function call(target, method, route, body) {
  const res = await target.request(method, route, body);
  responses.push(res.text);
  return res;
}
const post = (route, body, target = daemon) => call(target, 'POST', route, body);

const hexBytes = (hex) => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ''), 'hex'));
function verifies(signatureHex, message, pubkeyHex, dst) {
  const signature = bls.G2.ProjectivePoint.fromHex(signatureHex.replace(/^0x/, ''));
  const publicKey = bls.G1.ProjectivePoint.fromHex(pubkeyHex.replace(/^0x/, ''));
  return bls.verify(signature, bls.G2.hashToCurve(message, { DST: dst }), publicKey);
}

async function waitFor(what, predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const status = async (target = daemon) => (await call(target, 'GET', '/v1/staking/status')).json;

before(async () => {
  standin = await startStandIn();
  daemon = await start();
});
after(async () => {
  for (const d of daemons) await d.stop('SIGINT');
  standin?.stop();
});

let persisted;  // the first daemon's persistent key

test('persistent imports a real keystore into Web3Signer and answers a proof of possession that verifies', async () => {
  await waitFor('Web3Signer reachable in status', async () => (await status()).web3signer_connected === true);
  const res = await post('/v1/staking/bls/register', { mode: 'persistent' });
  assert.equal(res.status, 200, res.text);
  persisted = res.json;
  assert.equal(persisted.custody, 'web3signer');
  assert.match(persisted.pubkey, /^0x[0-9a-f]{96}$/);
  assert.equal(Buffer.from(persisted.blsPubKeyB64, 'base64').toString('hex'), persisted.pubkey.slice(2));
  assert.ok(verifies(persisted.proofOfPossession, hexBytes(persisted.pubkey), persisted.pubkey, POP_DST));
  // The stand-in decrypted the keystore with node's crypto and derived this public key with noble.
  const held = await standin.control();
  assert.ok(held.keys.includes(persisted.pubkey), JSON.stringify(held.keys));
  // Not kept in memory by default: memory custody does not hold it.
  const st = await status();
  assert.ok(st.bls_pubkeys.includes(persisted.pubkey));
  assert.equal(st.web3Signer.enabled, true);
});

test('typed requests are signed by Web3Signer; raw messages get 422 and no signature', async () => {
  const typed = await post('/v1/staking/bls/sign', { pubkey: persisted.pubkey, signingRequest: RANDAO_REQUEST });
  assert.equal(typed.status, 200, typed.text);
  assert.ok(verifies(typed.json.signature, hexBytes(RANDAO_REQUEST.signingRoot), persisted.pubkey, SIG_DST));
  const byHandle = await post('/v1/staking/bls/sign', { keyHandle: persisted.keyHandle, signingRequest: RANDAO_REQUEST });
  assert.equal(byHandle.status, 200, byHandle.text);
  assert.equal(byHandle.json.signature, typed.json.signature);

  const raw = await post('/v1/staking/bls/sign', { pubkey: persisted.pubkey, data: Buffer.from('warp').toString('base64') });
  assert.equal(raw.status, 422, raw.text);
  assert.equal(raw.json.error, 'web3signer_cannot_sign_raw');
  assert.match(raw.json.message, /typed/);
  assert.equal(raw.json.signature, undefined);

  const memory = await post('/v1/staking/bls/register', { mode: 'generate' });
  const typedMemory = await post('/v1/staking/bls/sign', { keyHandle: memory.json.keyHandle, signingRequest: RANDAO_REQUEST });
  assert.equal(typedMemory.status, 422, typedMemory.text);
  assert.equal(typedMemory.json.error, 'typed_request_needs_web3signer');
  const badTyped = await post('/v1/staking/bls/sign', { pubkey: persisted.pubkey, signingRequest: 'RANDAO_REVEAL' });
  assert.equal(badTyped.status, 400, badTyped.text);
});

test('after a restart, verify finds the key in Web3Signer; an unknown key is 404', async () => {
  await daemon.stop('SIGINT');
  daemon = await start({ password: null });
  const found = await post('/v1/staking/bls/register', { mode: 'verify', publicKey: persisted.blsPubKeyB64 });
  assert.equal(found.status, 200, found.text);
  assert.equal(found.json.keyHandle, persisted.keyHandle);
  assert.equal(found.json.pubkey, persisted.pubkey);
  assert.equal(found.json.custody, 'web3signer');
  assert.equal(found.json.proofOfPossession, null);  // Web3Signer cannot make one; this process did not
  const typed = await post('/v1/staking/bls/sign', { keyHandle: found.json.keyHandle, signingRequest: RANDAO_REQUEST });
  assert.equal(typed.status, 200, typed.text);
  assert.ok((await status()).bls_pubkeys.includes(persisted.pubkey));

  const other = bls.getPublicKey(bls.utils.randomPrivateKey());
  const unknown = await post('/v1/staking/bls/register', { mode: 'verify', publicKey: `0x${Buffer.from(other).toString('hex')}` });
  assert.equal(unknown.status, 404, unknown.text);
  assert.equal(unknown.json.error, 'key_not_found');

  // This daemon has no keystore password: persistent is refused and Web3Signer gains nothing.
  const before = (await standin.control()).keys.length;
  const refused = await post('/v1/staking/bls/register', { mode: 'persistent' });
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.json.error, 'keystore_password_missing');
  assert.equal((await standin.control()).keys.length, before);
});

test('Web3Signer down: verify answers 503 and status says so; back up: status recovers without a restart', async () => {
  await standin.control({ down: true });
  const down = await post('/v1/staking/bls/register', { mode: 'verify', publicKey: persisted.pubkey });
  assert.equal(down.status, 503, down.text);
  assert.equal(down.json.error, 'web3signer_unreachable');
  const seenDown = await waitFor('status to show Web3Signer unreachable', async () => {
    const st = await status();
    return st.web3signer_connected === false ? st : null;
  });
  assert.equal(seenDown.web3Signer.reachable, false);
  assert.match(seenDown.web3Signer.lastError, /could not be reached/);
  // persistent while Web3Signer is down: 503, and no key is left behind anywhere.
  const keysBefore = seenDown.bls_pubkeys.length;
  const keeper = await start({ extraArgs: ['--web3signer-keep-in-memory'] });
  const refused = await post('/v1/staking/bls/register', { mode: 'persistent' }, keeper);
  assert.equal(refused.status, 503, refused.text);
  assert.deepEqual((await status(keeper)).bls_pubkeys, []);
  await keeper.stop('SIGINT');
  assert.equal((await status()).bls_pubkeys.length, keysBefore);

  await standin.control({ down: false });
  const seenUp = await waitFor('status to show Web3Signer reachable again', async () => {
    const st = await status();
    return st.web3signer_connected === true ? st : null;
  });
  assert.equal(seenUp.web3Signer.lastError, null);
  const again = await post('/v1/staking/bls/register', { mode: 'verify', publicKey: persisted.pubkey });
  assert.equal(again.status, 200, again.text);
});

test('a hanging Web3Signer does not slow memory-custody signing', async () => {
  const key = await post('/v1/staking/bls/register', { mode: 'generate' });
  const message = Buffer.from('memory custody latency').toString('base64');
  const timeSigns = async (count) => {
    const times = [];
    for (let i = 0; i < count; i++) {
      const started = process.hrtime.bigint();
      const res = await post('/v1/staking/bls/sign', { keyHandle: key.json.keyHandle, message });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      assert.equal(res.status, 200, res.text);
    }
    return times.sort((a, b) => a - b);
  };
  const calm = await timeSigns(30);

  await standin.control({ delayMs: WEB3SIGNER_TIMEOUT_MS + 2000 });
  // A Web3Signer call that hangs (until the daemon's Web3Signer timeout) while memory keys sign.
  const hanging = post('/v1/staking/bls/register', { mode: 'verify', publicKey: persisted.pubkey });
  await new Promise((r) => setTimeout(r, 100));
  const during = await timeSigns(30);
  const hung = await hanging;
  await standin.control({ delayMs: 0 });

  assert.equal(hung.status, 503, hung.text);
  const p50 = (times) => times[Math.floor(times.length / 2)];
  console.log(`memory-custody sign latency: p50 ${p50(calm).toFixed(2)} ms calm, ${p50(during).toFixed(2)} ms while ` +
    `Web3Signer hangs; max ${calm.at(-1).toFixed(2)} / ${during.at(-1).toFixed(2)} ms`);
  // Signing never waited for the hanging call: every sign ended long before its timeout.
  assert.ok(during.at(-1) < 1000, `slowest memory sign during the hang took ${during.at(-1)} ms`);
});

test('with one I/O thread, a sign waiting on a hanging Web3Signer holds no other request', async () => {
  // Module calls go to the blocking-work threads while Web3Signer is enabled; were they run on the one
  // I/O thread, the requests below would wait for the hanging call's timeout.
  const single = await start({ extraArgs: ['--io-threads', '1'] });
  const key = await post('/v1/staking/bls/register', { mode: 'generate' }, single);
  assert.equal(key.status, 200, key.text);
  await standin.control({ delayMs: WEB3SIGNER_TIMEOUT_MS + 2000 });
  const hanging = post('/v1/staking/bls/sign', { pubkey: persisted.pubkey, signingRequest: RANDAO_REQUEST }, single);
  await new Promise((r) => setTimeout(r, 200));
  const started = Date.now();
  const self = await call(single, 'GET', '/v1/runtime/self');
  const sign = await post('/v1/staking/bls/sign',
    { keyHandle: key.json.keyHandle, message: Buffer.from('while web3signer hangs').toString('base64') }, single);
  const took = Date.now() - started;
  const hung = await hanging;
  await standin.control({ delayMs: 0 });
  assert.equal(self.status, 200, self.text);
  assert.equal(sign.status, 200, sign.text);
  assert.ok(took < 1000, `runtime/self and a memory sign took ${took} ms while Web3Signer hung`);
  assert.equal(hung.status, 503, hung.text);
});

test('operators list and delete Web3Signer keys through the admin routes', async () => {
  const list = await call(daemon, 'GET', '/v1/admin/web3signer/keys');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.keys.some((k) => k.pubkey === persisted.pubkey), list.text);

  const bad = await call(daemon, 'DELETE', '/v1/admin/web3signer/keys', { pubkeys: ['0x1234'] });
  assert.equal(bad.status, 400, bad.text);
  assert.ok((await standin.control()).keys.includes(persisted.pubkey));

  const removed = await call(daemon, 'DELETE', '/v1/admin/web3signer/keys', { pubkeys: [persisted.pubkey] });
  assert.equal(removed.status, 200, removed.text);
  assert.equal(removed.json.results[0].status, 'deleted');
  assert.equal(JSON.parse(removed.json.slashingProtection).metadata.interchange_format_version, '5');
  assert.ok(!(await standin.control()).keys.includes(persisted.pubkey));
  const gone = await post('/v1/staking/bls/register', { mode: 'verify', publicKey: persisted.pubkey });
  assert.equal(gone.status, 404, gone.text);
  assert.ok(!(await status()).bls_pubkeys.includes(persisted.pubkey));
});

test('with keep-in-memory, a persistent key also signs raw messages', async () => {
  const keeper = await start({ extraArgs: ['--web3signer-keep-in-memory'] });
  const res = await post('/v1/staking/bls/register', { mode: 'persistent' }, keeper);
  assert.equal(res.status, 200, res.text);
  // A signed-IP payload (16-byte IP, 2-byte port, 8-byte timestamp), which the default policy signs with the PoP DST.
  const message = Buffer.concat([Buffer.alloc(10), Buffer.from('ffff7f000001', 'hex'), Buffer.from([0x25, 0xb3]), Buffer.alloc(8, 1)]);
  const raw = await post('/v1/staking/bls/sign', { pubkey: res.json.pubkey, message: message.toString('base64'), dst: 'pop' }, keeper);
  assert.equal(raw.status, 200, raw.text);
  assert.ok(verifies(raw.json.signature, message, res.json.pubkey, POP_DST));
  const typed = await post('/v1/staking/bls/sign', { keyHandle: res.json.keyHandle, signingRequest: RANDAO_REQUEST }, keeper);
  assert.equal(typed.status, 200, typed.text);
});

test('the keystore password appears in no log line, answer or file', async () => {
  for (const d of daemons) {
    assert.ok(!d.output.includes(PASSWORD), 'the daemon output holds the password');
    for (const file of fs.readdirSync(d.dir, { recursive: true })) {
      const full = path.join(d.dir, file);
      if (fs.statSync(full).isFile() && !full.endsWith('.wasm')) {
        assert.ok(!fs.readFileSync(full, 'utf8').includes(PASSWORD), `${full} holds the password`);
      }
    }
  }
  for (const text of responses) assert.ok(!text.includes(PASSWORD), 'an answer holds the password');
  assert.ok(daemons[0].output.includes('web3signer_key_persisted'), 'the persist was logged (without secrets)');
});
