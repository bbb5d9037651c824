// The staking API over the real Unix socket: shared BLS vectors sign to the expected bytes, cryftgo's
// generate → sign → verify sequence works and verifies under @noble/curves, and debug_v1's failures
// leave the daemon signing with the other module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { startDaemon, SHARED_DIR } from './lib/daemon.mjs';

const vectors = JSON.parse(fs.readFileSync(path.join(SHARED_DIR, 'vectors', 'bls-min-pk.json'), 'utf8'));
let daemon;

before(async () => { daemon = await startDaemon(); });
after(async () => { await daemon?.stop('SIGINT'); });

const post = (route, body) => daemon.request('POST', route, body);

test('every bls-min-pk vector signs to exactly the expected bytes', async () => {
  for (const c of vectors.cases) {
    const secret = Buffer.from(c.secretKey, 'hex').toString('base64');
    const reg = await post('/v1/staking/bls/register', { mode: 'ephemeral', ephemeralKeyB64: secret });
    assert.equal(reg.status, 200, reg.text);
    assert.equal(reg.json.pubkey, `0x${c.publicKey}`);
    const res = await post('/v1/staking/bls/sign', {
      keyHandle: reg.json.keyHandle, message: Buffer.from(c.message, 'hex').toString('base64'), dst: c.dst });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.signature, `0x${c.signature}`);
    assert.equal(res.json.moduleId, 'bls_tls_signer_v1');
  }
});

test('cryftgo first boot and restart: generate, sign, verify; @noble/curves agrees', async () => {
  const gen = await post('/v1/staking/bls/register', { key_type: 'BLS', mode: 'generate', purpose: 'validator' });
  assert.equal(gen.status, 200, gen.text);
  const message = Buffer.from('cryft warp message');
  const signed = await post('/v1/staking/bls/sign', { pubkey: gen.json.pubkey, data: message.toString('base64'), type: 'raw' });
  assert.equal(signed.status, 200, signed.text);
  const sig = bls.G2.ProjectivePoint.fromHex(signed.json.signature.slice(2));
  const pk = bls.G1.ProjectivePoint.fromHex(gen.json.pubkey.slice(2));
  const hashed = bls.G2.hashToCurve(message, { DST: vectors.dsts.sig });
  assert.ok(bls.verify(sig, hashed, pk));
  const again = await post('/v1/staking/bls/register', { mode: 'verify', publicKey: gen.json.blsPubKeyB64 });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.keyHandle, gen.json.keyHandle);
  const unknown = await post('/v1/staking/bls/register', { mode: 'verify', publicKey: vectors.cases[0].publicKey.replace(/^a/, 'b') });
  assert.ok([400, 404].includes(unknown.status), unknown.text);
  const status = await daemon.request('GET', '/v1/staking/status');
  assert.ok(status.json.bls_pubkeys.includes(gen.json.pubkey));
  assert.equal(status.json.ready, true);
});

test('each debug_v1 failure answers a JSON error and the signer keeps signing', async () => {
  const gen = await post('/v1/staking/bls/register', { mode: 'generate' });
  const expected = { debug_trap: [500, 'module_trap'], debug_loop: [503, 'module_timeout'], debug_alloc: [500, 'module_trap'] };
  for (const [operation, [status, code]] of Object.entries(expected)) {
    const failed = await post('/v1/modules/call', { moduleId: 'debug_v1', operation });
    assert.equal(failed.status, status, failed.text);
    assert.equal(failed.json.error, code);
    assert.match(failed.json.message, /debug_v1/);
    const ok = await post('/v1/staking/bls/sign', { keyHandle: gen.json.keyHandle, message: 'aGVsbG8=' });
    assert.equal(ok.status, 200, ok.text);
  }
  const echo = await post('/v1/modules/call', { moduleId: 'debug_v1', operation: 'debug_echo', request: { x: 1 } });
  assert.deepEqual(echo.json.echo, { x: 1 });
});

test('TLS signatures verify with the openssl CLI against the returned certificate', async () => {
  const reg = await post('/v1/staking/tls/register', { key_type: 'SECP256K1' });
  assert.equal(reg.status, 200, reg.text);
  assert.match(reg.json.node_id, /^NodeID-/);
  const data = Buffer.from('tls staking handshake');
  const signed = await post('/v1/staking/tls/sign', { pubkey: reg.json.pubkey, data: data.toString('base64') });
  assert.equal(signed.status, 200, signed.text);
  const dir = daemon.dir;
  fs.writeFileSync(path.join(dir, 'cert.pem'), reg.json.certChainPEM);
  fs.writeFileSync(path.join(dir, 'data.bin'), data);
  fs.writeFileSync(path.join(dir, 'sig.der'), Buffer.from(signed.json.signatureB64, 'base64'));
  const pub = execFileSync('openssl', ['x509', '-pubkey', '-noout', '-in', path.join(dir, 'cert.pem')]);
  fs.writeFileSync(path.join(dir, 'pub.pem'), pub);
  const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', path.join(dir, 'pub.pem'),
    '-signature', path.join(dir, 'sig.der'), path.join(dir, 'data.bin')]).toString();
  assert.match(out, /Verified OK/);
});

test('bad input answers JSON errors', async () => {
  const cases = [
    [{ mode: 'sideways' }, '/v1/staking/bls/register', 400],
    [{ mode: 'ephemeral', ephemeralKeyB64: 'AAAA' }, '/v1/staking/bls/register', 400],
    [{ keyHandle: 'bls-00', message: 'aGVsbG8=' }, '/v1/staking/bls/sign', 404],
    [{ keyHandle: 'bls-00', message: '@@@' }, '/v1/staking/bls/sign', 400],
    [{ keyHandle: 'tls-00', digest: 'AAAA' }, '/v1/staking/tls/sign', 400],
    [{ keyHandle: 'tls-00', digest: Buffer.alloc(32).toString('base64') }, '/v1/staking/tls/sign', 404],
  ];
  for (const [body, route, status] of cases) {
    const res = await post(route, body);
    assert.equal(res.status, status, `${route} ${JSON.stringify(body)}: ${res.text}`);
    assert.equal(typeof res.json.error, 'string');
  }
  const notJson = await post('/v1/staking/bls/sign', 'not json');
  assert.equal(notJson.status, 400);
});
