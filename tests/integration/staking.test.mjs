// The staking API over the real Unix socket: shared BLS vectors sign to the expected bytes, cryftgo's
// generate → sign → verify sequence works and verifies under @noble/curves, and debug_v1's failures
// leave the daemon signing with the other module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { startDaemon, VECTORS_DIR } from './lib/daemon.mjs';

const vectors = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, 'bls-min-pk.json'), 'utf8'));
let daemon;

// The known-answer vectors sign arbitrary messages with the PoP DST, which only --bls-policy open allows.
before(async () => { daemon = await startDaemon({ bundle: 'test', args: ['--bls-policy', 'open'] }); });
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
  const signed = await post('/v1/staking/bls/sign', { pubkey: gen.json.pubkey, data: message.toString('base64'), type: 'sig' });
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

// A plain body goes to the module as the client wrote it; any other is parsed and settled first
// (api/bls_sign_request.h). Both ways must sign the same request: BLS signatures are deterministic.
test('a sign body written unusually signs exactly as the same request written plainly', async () => {
  const gen = await post('/v1/staking/bls/register', { mode: 'generate' });
  const handle = gen.json.keyHandle;
  const message = Buffer.concat([Buffer.from('written unusually'), Buffer.from([0xff, 0xff, 0xff])]).toString('base64');
  const plain = await post('/v1/staking/bls/sign', { keyHandle: handle, message });
  assert.equal(plain.status, 200, plain.text);
  const bodies = [
    `{"key\\u0048andle":"${handle}","message":"${message}"}`,  // an escaped member name
    `{"keyHandle":"bls-00","keyHandle":"${handle}","message":"${message}"}`,  // given twice: the last counts
    `{"keyHandle":"${handle}","message":"${message}","type":"sig","dst":"${vectors.dsts.sig}"}`,
    ` {\n "message" : "${message.replaceAll('/', '\\/')}",\t"keyHandle":"${handle}", "dst": null } `,
  ];
  for (const body of bodies) {
    const res = await post('/v1/staking/bls/sign', body);
    assert.equal(res.status, 200, `${body}: ${res.text}`);
    assert.equal(res.json.signature, plain.json.signature, body);
  }
  const conflicting = await post('/v1/staking/bls/sign', { keyHandle: handle, message, type: 'sig', dst: 'pop' });
  assert.equal(conflicting.status, 400, conflicting.text);
  assert.equal(conflicting.json.error, 'conflicting_fields');
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
  // The host adds its hostContext (docs/abi.md) to every module request; the client's fields pass unchanged.
  assert.deepEqual(echo.json.echo, { x: 1, hostContext: { blsPolicy: 'open' } });
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

// CB58 as AvalancheGo writes node IDs: base58 of the bytes and the last 4 bytes of their SHA-256.
function cb58(bytes) {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const data = Buffer.concat([bytes, crypto.createHash('sha256').update(bytes).digest().subarray(-4)]);
  let n = BigInt(`0x${data.toString('hex')}`);
  let text = '';
  while (n > 0n) { text = alphabet[Number(n % 58n)] + text; n /= 58n; }
  for (const byte of data) { if (byte !== 0) break; text = `1${text}`; }
  return text;
}

test('a TLS key imported as PEM keeps its certificate and node ID and signs', async () => {
  const dir = daemon.dir;
  const keyFile = path.join(dir, 'import.key');
  const certFile = path.join(dir, 'import.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', '/CN=imported'], { stdio: 'ignore' });
  const privateKeyPEM = fs.readFileSync(keyFile, 'utf8');
  const certificatePEM = fs.readFileSync(certFile, 'utf8');
  const reg = await post('/v1/staking/tls/register', { mode: 'import', privateKeyPEM, certificatePEM });
  assert.equal(reg.status, 200, reg.text);
  assert.equal(reg.json.certificate.trim(), certificatePEM.trim());
  const der = new crypto.X509Certificate(certificatePEM).raw;
  const id = crypto.createHash('ripemd160').update(crypto.createHash('sha256').update(der).digest()).digest();
  assert.equal(reg.json.node_id, `NodeID-${cb58(id)}`);
  const point = crypto.createPublicKey(privateKeyPEM).export({ format: 'jwk' });
  const expected = Buffer.concat([Buffer.from([4]), Buffer.from(point.x, 'base64url'), Buffer.from(point.y, 'base64url')]);
  assert.equal(reg.json.pubkey, `0x${expected.toString('hex')}`);
  assert.ok(!JSON.stringify(reg.json).includes('PRIVATE KEY'));

  const data = Buffer.from('imported identity');
  const signed = await post('/v1/staking/tls/sign', { keyHandle: reg.json.keyHandle, data: data.toString('base64') });
  assert.equal(signed.status, 200, signed.text);
  assert.ok(crypto.verify('sha256', data, crypto.createPublicKey(certificatePEM), Buffer.from(signed.json.signatureB64, 'base64')));

  // Without a certificate a staking certificate is made for the key; a key that is not P-256 is refused.
  const bare = await post('/v1/staking/tls/register', { privateKeyPEM });
  assert.equal(bare.status, 200, bare.text);
  assert.equal(bare.json.pubkey, reg.json.pubkey);
  assert.equal(new crypto.X509Certificate(bare.json.certificate).publicKey.export({ format: 'jwk' }).x, point.x);
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  const refused = await post('/v1/staking/tls/register', { privateKeyPEM: rsa });
  assert.ok([400, 422].includes(refused.status), refused.text);
  const missing = await post('/v1/staking/tls/register', { mode: 'import' });
  assert.equal(missing.status, 400, missing.text);
});

test('mode import decrypts an EIP-2335 keystore into memory custody; a wrong password changes nothing', async () => {
  const keystores = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, 'eip2335.json'), 'utf8'));
  const before = (await daemon.request('GET', '/v1/staking/status')).json.bls_pubkeys.length;
  const wrong = await post('/v1/staking/bls/register', { mode: 'import', keystore: keystores.keystores.pbkdf2, password: 'not it' });
  assert.equal(wrong.status, 400, wrong.text);
  assert.equal(wrong.json.error, 'wrong_password');
  assert.ok(!wrong.text.includes('not it'));
  assert.equal((await daemon.request('GET', '/v1/staking/status')).json.bls_pubkeys.length, before);

  for (const kdf of ['pbkdf2', 'scrypt']) {
    const keystore = keystores.keystores[kdf];
    const body = kdf === 'scrypt' ? JSON.stringify(keystore) : keystore;  // an object or its text
    const res = await post('/v1/staking/bls/register', { mode: 'import', keystore: body, password: keystores.password });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.pubkey, `0x${keystore.pubkey}`);
    assert.equal(res.json.custody, 'memory');
    const message = Buffer.from(`imported with ${kdf}`);
    const signed = await post('/v1/staking/bls/sign', { keyHandle: res.json.keyHandle, message: message.toString('base64') });
    assert.equal(signed.status, 200, signed.text);
    const pk = bls.G1.ProjectivePoint.fromHex(keystore.pubkey);
    const sig = bls.G2.ProjectivePoint.fromHex(signed.json.signature.slice(2));
    assert.ok(bls.verify(sig, bls.G2.hashToCurve(message, { DST: vectors.dsts.sig }), pk));
  }
  const noPassword = await post('/v1/staking/bls/register', { mode: 'import', keystore: keystores.keystores.pbkdf2 });
  assert.equal(noPassword.status, 400, noPassword.text);
  const wrongMode = await post('/v1/staking/bls/register', { mode: 'verify', publicKey: `0x${keystores.keystores.pbkdf2.pubkey}`,
    ephemeralKeyB64: Buffer.alloc(32, 1).toString('base64') });
  assert.equal(wrongMode.status, 400, wrongMode.text);
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
  // A member of the wrong type is named, not reported as a JSON library's message.
  const typed = [
    [{ mode: 5 }, '/v1/staking/bls/register', 'mode'],
    [{ mode: ['import'], keystore: {} }, '/v1/staking/bls/register', 'mode'],
    [{ mode: true, privateKeyPEM: 'x' }, '/v1/staking/tls/register', 'mode'],
    [{ moduleId: 7, operation: 'debug_echo' }, '/v1/modules/call', 'moduleId'],
    [{ moduleId: 'debug_v1', operation: {} }, '/v1/modules/call', 'operation'],
  ];
  for (const [body, route, member] of typed) {
    const res = await post(route, body);
    assert.equal(res.status, 400, `${route} ${JSON.stringify(body)}: ${res.text}`);
    assert.equal(res.json.error, 'invalid_field', res.text);
    assert.equal(res.json.message, `'${member}' must be a string`);
  }
});

// ephemeralKeyB64 is never silently dropped: generate and ephemeral import exactly that key, every other
// mode refuses the field.
test('ephemeralKeyB64 is used by generate and ephemeral, and refused by every other mode', async () => {
  const secret = crypto.randomBytes(32);
  secret[0] &= 0x3f;  // below the group order
  const expected = `0x${Buffer.from(bls.getPublicKey(secret)).toString('hex')}`;
  for (const mode of ['generate', 'ephemeral']) {
    const res = await post('/v1/staking/bls/register', { mode, ephemeralKeyB64: secret.toString('base64') });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.pubkey, expected, mode);
  }
  for (const mode of ['verify', 'persistent', 'import']) {
    const res = await post('/v1/staking/bls/register', { mode, publicKey: expected, ephemeralKeyB64: secret.toString('base64') });
    assert.equal(res.status, 400, `${mode}: ${res.text}`);
    assert.equal(res.json.error, 'invalid_field');
    assert.match(res.json.message, /ephemeralKeyB64/);
  }
});
