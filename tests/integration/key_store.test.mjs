// The sealed key store through the real daemon with the passphrase sealer: keys survive ten restarts
// (same handle, public key, proof of possession, certificate and node ID, and new signatures verify under
// @noble/curves and node's crypto), a wrong passphrase stops start-up with one line and changes no file,
// kill -9 in a burst of generates leaves only whole records, damaged records are reported while the others
// load, no secret appears in any byte of the key folder, the logs or the answers, deleting a record must
// name the key twice, the attestation key stays the same, backup and restore move keys to a new store,
// and cryftgo's first-boot / later-boot sequence keeps its BLS key and NodeID.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { BIN, startDaemon, tempDir } from './lib/daemon.mjs';
import { blsVerifies, tlsVerifies, snapshot } from './lib/key_checks.mjs';

const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const PASSPHRASE = 'seal-passphrase-4b1d9e-never-shown';
const STORE = 'cryftee-keys';
const RECORD_NAME = /^(bls|tls|att)-[0-9a-f]{32}\.json$/;

const running = new Set();
after(async () => { for (const d of running) await d.stop('SIGKILL'); });

async function boot(keyDir, { passphrase = PASSPHRASE, env = {}, args = [] } = {}) {
  const daemon = await startDaemon({
    args,
    env: { CRYFTEE_KEY_DATA_DIR: keyDir, ...(passphrase ? { CRYFTEE_SEAL_PASSPHRASE: passphrase } : {}), ...env },
  });
  running.add(daemon);
  return daemon;
}
async function stop(daemon, signal = 'SIGTERM') {
  const exit = await daemon.stop(signal);
  running.delete(daemon);
  return exit;
}
// Runs the daemon expecting it to refuse to start; returns its exit code and output.
function refusedStart(keyDir, env) {
  const dir = tempDir();
  const result = spawnSync(BIN, ['--module-dir', path.join(dir, 'none'), '--uds-path', path.join(dir, 'sock'), '--no-kiosk'], {
    env: { PATH: process.env.PATH, CRYFTEE_KEY_DATA_DIR: keyDir, ...env }, encoding: 'utf8', timeout: 60000 });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

const post = (daemon, route, body) => daemon.request('POST', route, body);
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unhex = (hex) => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ''), 'hex'));

const records = (keyDir) => fs.readdirSync(path.join(keyDir, STORE)).filter((n) => RECORD_NAME.test(n));

async function registerPair(daemon) {
  const blsKey = await post(daemon, '/v1/staking/bls/register', { key_type: 'BLS', mode: 'generate', purpose: 'validator' });
  assert.equal(blsKey.status, 200, blsKey.text);
  const tlsKey = await post(daemon, '/v1/staking/tls/register', { key_type: 'SECP256K1', mode: 'generate' });
  assert.equal(tlsKey.status, 200, tlsKey.text);
  return { blsKey: blsKey.json, tlsKey: tlsKey.json };
}

// verify finds both keys unchanged and new signatures verify under them.
async function checkSameIdentity(daemon, { blsKey, tlsKey }, round) {
  const bv = await post(daemon, '/v1/staking/bls/register', { mode: 'verify', publicKey: blsKey.pubkey });
  assert.equal(bv.status, 200, bv.text);
  for (const field of ['keyHandle', 'pubkey', 'blsPubKeyB64', 'proofOfPossession']) assert.equal(bv.json[field], blsKey[field], field);
  assert.equal(bv.json.durable, true);
  assert.equal(bv.json.sealer, 'passphrase');
  assert.ok(blsVerifies(bv.json.proofOfPossession, unhex(blsKey.pubkey), blsKey.pubkey, POP_DST));

  for (const by of [{ pubkey: tlsKey.pubkey }, { node_id: tlsKey.node_id }, { pubkey: tlsKey.node_id }]) {
    const tv = await post(daemon, '/v1/staking/tls/register', { mode: 'verify', ...by });
    assert.equal(tv.status, 200, tv.text);
    for (const field of ['keyHandle', 'pubkey', 'certificate', 'certChainPEM', 'node_id']) assert.equal(tv.json[field], tlsKey[field], field);
    assert.equal(tv.json.durable, true);
  }

  const message = Buffer.from(`warp message after restart ${round}`);
  const bs = await post(daemon, '/v1/staking/bls/sign', { pubkey: blsKey.pubkey, data: b64(message) });
  assert.equal(bs.status, 200, bs.text);
  assert.ok(blsVerifies(bs.json.signature, message, blsKey.pubkey, SIG_DST), 'BLS signature verifies under @noble/curves');
  // A signed-IP payload, the one message besides its own public key the default policy signs with the PoP DST:
  // 16-byte IP (127.0.0.1, IPv4-mapped), 2-byte port, 8-byte timestamp.
  const signedIp = Buffer.alloc(26);
  Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]).copy(signedIp, 0);
  signedIp.writeUInt16BE(9651, 16);
  signedIp.writeBigUInt64BE(BigInt(Date.now()), 18);
  const ip = await post(daemon, '/v1/staking/bls/sign', { keyHandle: blsKey.keyHandle, message: b64(signedIp), dst: 'pop' });
  assert.equal(ip.status, 200, ip.text);
  assert.ok(blsVerifies(ip.json.signature, signedIp, blsKey.pubkey, POP_DST));

  const data = Buffer.from(`tls data ${round}`);
  const ts = await post(daemon, '/v1/staking/tls/sign', { pubkey: tlsKey.pubkey, data: b64(data) });
  assert.equal(ts.status, 200, ts.text);
  assert.ok(tlsVerifies(tlsKey.certificate, data, ts.json.signature), 'ECDSA signature verifies under node crypto');
}

test('BLS and TLS keys survive ten restarts with the passphrase sealer', async () => {
  const keyDir = tempDir('cryftee-keys-');
  let daemon = await boot(keyDir);
  const pair = await registerPair(daemon);
  for (const answer of [pair.blsKey, pair.tlsKey]) {
    assert.equal(answer.durable, true);
    assert.equal(answer.sealer, 'passphrase');
    assert.equal(answer.custody, 'memory');
    assert.equal(answer.web3signerCopy, false);
  }
  const attestationKey = (await daemon.request('GET', '/v1/runtime/attestation')).json.attestation_public_key;
  await stop(daemon);

  const mode = (p) => fs.statSync(p).mode & 0o777;
  assert.equal(mode(path.join(keyDir, STORE)), 0o700);
  for (const name of records(keyDir)) assert.equal(mode(path.join(keyDir, STORE, name)), 0o600, name);

  for (let round = 1; round <= 10; round++) {
    daemon = await boot(keyDir);
    await checkSameIdentity(daemon, pair, round);
    const status = (await daemon.request('GET', '/v1/staking/status')).json;
    assert.equal(status.keyStore.sealer, 'passphrase');
    assert.equal(status.keyStore.durable, true);
    assert.ok(status.bls_pubkeys.includes(pair.blsKey.pubkey));
    const states = status.keyStore.keys.map((k) => k.state);
    assert.deepEqual([...new Set(states)], ['loaded']);
    const attestation = (await daemon.request('GET', '/v1/runtime/attestation')).json;
    assert.equal(attestation.attestation_public_key, attestationKey, 'the attestation key is the same after a restart');
    assert.equal(attestation.key_store.sealer, 'passphrase');
    assert.match(attestation.key_store.publicRecordsHash, /^sha256:[0-9a-f]{64}$/);
    await stop(daemon, round % 2 ? 'SIGTERM' : 'SIGINT');
  }
  assert.equal(records(keyDir).length, 3, 'one BLS, one TLS and the attestation record; nothing was rewritten');
});

test('a wrong passphrase refuses to start with one clear line and changes no file', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir);
  await registerPair(daemon);
  await stop(daemon);
  const before = snapshot(keyDir);
  const result = refusedStart(keyDir, { CRYFTEE_SEAL_PASSPHRASE: 'not-the-passphrase' });
  assert.equal(result.code, 1);
  // Log lines go to stderr too; the daemon's own verdict is the one line starting "cryftee: ".
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('cryftee: '));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /seal passphrase opens none of the 3 key record/);
  assert.ok(!result.stderr.includes('not-the-passphrase'));
  assert.deepEqual(snapshot(keyDir), before);
});

test('auto without a TPM or a passphrase refuses to start, naming both fixes', () => {
  const result = refusedStart(tempDir('cryftee-keys-'), { CRYFTEE_TPM_TCTI: 'device:/nonexistent/tpm' });
  assert.equal(result.code, 1);
  // Log lines go to stderr too; the daemon's own verdict is the one line starting "cryftee: ".
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('cryftee: '));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /no TPM answers/);
  assert.match(lines[0], /CRYFTEE_SEAL_PASSPHRASE/);
  assert.match(lines[0], /--tpm-tcti/);
});

test('kill -9 during a burst of generates leaves only whole records, and every answered key loads', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir);
  const answered = [];
  const burst = [];
  for (let i = 0; i < 40; i++) {
    const route = i % 2 ? '/v1/staking/tls/register' : '/v1/staking/bls/register';
    burst.push(post(daemon, route, { mode: 'generate' }).then((r) => { if (r.status === 200) answered.push(r.json); }, () => {}));
  }
  // Kill once some answers are in and others are still being written.
  while (answered.length < 5) await new Promise((r) => setTimeout(r, 5));
  await stop(daemon, 'SIGKILL');
  await Promise.allSettled(burst);

  for (const name of records(keyDir)) {
    const text = fs.readFileSync(path.join(keyDir, STORE, name), 'utf8');
    assert.doesNotThrow(() => JSON.parse(text), `${name} is whole JSON`);
  }
  const again = await boot(keyDir);
  const status = (await again.request('GET', '/v1/keys')).json;
  assert.ok(status.keys.length >= answered.length);
  for (const key of status.keys) assert.equal(key.state, 'loaded', JSON.stringify(key));
  for (const answer of answered) {
    const route = answer.keyHandle.startsWith('tls-') ? '/v1/staking/tls/register' : '/v1/staking/bls/register';
    const found = await post(again, route, { mode: 'verify', publicKey: answer.pubkey, pubkey: answer.pubkey });
    assert.equal(found.status, 200, `${answer.keyHandle} was answered before the kill and must load: ${found.text}`);
  }
  assert.deepEqual(fs.readdirSync(path.join(keyDir, STORE)).filter((n) => n.includes('.tmp-')), [], 'temp files were cleared');
  await stop(again);
});

test('a truncated and a corrupted record are reported; the others load and the files stay as they were', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir);
  const keys = [];
  for (let i = 0; i < 3; i++) keys.push((await post(daemon, '/v1/staking/bls/register', { mode: 'generate' })).json);
  await stop(daemon);
  const file = (k) => path.join(keyDir, STORE, `${k.keyHandle}.json`);
  const truncated = fs.readFileSync(file(keys[0]));
  fs.writeFileSync(file(keys[0]), truncated.subarray(0, truncated.length / 2));
  const record = JSON.parse(fs.readFileSync(file(keys[1]), 'utf8'));
  record.proofOfPossession = record.proofOfPossession.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  fs.writeFileSync(file(keys[1]), JSON.stringify(record, null, 2));
  const before = snapshot(keyDir);

  const again = await boot(keyDir);
  const status = (await again.request('GET', '/v1/staking/status')).json.keyStore;
  const byFile = Object.fromEntries(status.keys.map((k) => [k.file, k]));
  assert.equal(byFile[`${keys[0].keyHandle}.json`].state, 'damaged');
  assert.match(byFile[`${keys[0].keyHandle}.json`].reason, /not whole JSON/);
  assert.equal(byFile[`${keys[1].keyHandle}.json`].state, 'damaged');
  assert.match(byFile[`${keys[1].keyHandle}.json`].reason, /integrity hash/);
  assert.equal(byFile[`${keys[2].keyHandle}.json`].state, 'loaded');
  assert.match(again.output, /key_record_not_loaded/);
  const ok = await post(again, '/v1/staking/bls/register', { mode: 'verify', publicKey: keys[2].pubkey });
  assert.equal(ok.status, 200, ok.text);
  const lost = await post(again, '/v1/staking/bls/register', { mode: 'verify', publicKey: keys[0].pubkey });
  assert.equal(lost.status, 404);
  await stop(again);
  const afterStop = snapshot(keyDir);
  for (const k of keys.slice(0, 2)) {
    const name = path.join(STORE, `${k.keyHandle}.json`);
    assert.deepEqual(afterStop[name], before[name], 'a damaged record is never replaced');
  }
});

test('no secret in any byte of the key folder, the logs or the answers', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir);
  const answers = [];
  const blsSecret = bls.utils.randomPrivateKey();
  const imported = await post(daemon, '/v1/staking/bls/register', { mode: 'generate', ephemeralKeyB64: b64(blsSecret) });
  assert.equal(imported.status, 200, imported.text);
  assert.equal(imported.json.durable, true);
  answers.push(imported.text);
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const tlsImported = await post(daemon, '/v1/staking/tls/register', { privateKeyPEM: pem });
  assert.equal(tlsImported.status, 200, tlsImported.text);
  assert.equal(tlsImported.json.durable, true);
  answers.push(tlsImported.text);
  answers.push((await daemon.request('GET', '/v1/staking/status')).text);
  answers.push((await daemon.request('GET', '/v1/keys')).text);
  await stop(daemon);

  const scalar = Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url');
  const pemBody = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  const needles = [Buffer.from(blsSecret), Buffer.from(Buffer.from(blsSecret).toString('hex')), Buffer.from(b64(blsSecret)),
    scalar, Buffer.from(scalar.toString('hex')), Buffer.from(scalar.toString('base64')), Buffer.from(pemBody.slice(0, 40)),
    Buffer.from(PASSPHRASE)];
  const haystacks = { logs: Buffer.from(daemon.output), answers: Buffer.from(answers.join('\n')) };
  for (const [name, file] of Object.entries(snapshot(keyDir))) haystacks[name] = Buffer.from(file.bytes, 'hex');
  for (const [where, bytes] of Object.entries(haystacks)) {
    for (const needle of needles) assert.equal(bytes.indexOf(needle), -1, `a secret appears in ${where}`);
  }
});

test('deleting a record must name the key twice; the key is then gone for good', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir);
  const one = (await post(daemon, '/v1/staking/bls/register', { mode: 'generate' })).json;
  const two = (await post(daemon, '/v1/staking/bls/register', { mode: 'generate' })).json;
  const mismatch = await post(daemon, '/v1/admin/keys/delete', { keyHandle: one.keyHandle, publicKey: two.pubkey });
  assert.equal(mismatch.status, 409, mismatch.text);
  assert.equal(mismatch.json.error, 'key_mismatch');
  const missing = await post(daemon, '/v1/admin/keys/delete', { keyHandle: one.keyHandle });
  assert.equal(missing.status, 400);
  assert.ok(fs.existsSync(path.join(keyDir, STORE, `${one.keyHandle}.json`)));
  const deleted = await post(daemon, '/v1/admin/keys/delete', { keyHandle: one.keyHandle, publicKey: one.blsPubKeyB64 });
  assert.equal(deleted.status, 200, deleted.text);
  assert.ok(!fs.existsSync(path.join(keyDir, STORE, `${one.keyHandle}.json`)));
  assert.equal((await post(daemon, '/v1/staking/bls/register', { mode: 'verify', publicKey: one.pubkey })).status, 404);
  await stop(daemon);
  const again = await boot(keyDir);
  assert.equal((await post(again, '/v1/staking/bls/register', { mode: 'verify', publicKey: one.pubkey })).status, 404);
  assert.equal((await post(again, '/v1/staking/bls/register', { mode: 'verify', publicKey: two.pubkey })).status, 200);
  await stop(again);
});

test('ephemeral keys without a key of their own stay out of the key store', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir);
  const eph = await post(daemon, '/v1/staking/bls/register', { mode: 'ephemeral' });
  assert.equal(eph.status, 200, eph.text);
  assert.equal(eph.json.durable, false);
  assert.equal(eph.json.sealer, 'none');
  assert.ok(!records(keyDir).includes(`${eph.json.keyHandle}.json`));
  await stop(daemon);
});

test('the none sealer says keys are lost at restart', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir, { passphrase: null, args: ['--sealer', 'none'] });
  const gen = await post(daemon, '/v1/staking/bls/register', { mode: 'generate' });
  assert.equal(gen.json.durable, false);
  assert.equal(gen.json.sealer, 'none');
  const status = (await daemon.request('GET', '/v1/staking/status')).json.keyStore;
  assert.equal(status.durable, false);
  assert.match(status.message, /lost at restart/);
  assert.match(daemon.output, /keys_not_durable/);
  await stop(daemon);
  assert.ok(!fs.existsSync(path.join(keyDir, STORE)));
});

test('backup and restore move the identity to a new key store under another passphrase', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir);
  const pair = await registerPair(daemon);
  await stop(daemon);

  const work = tempDir();
  const passFile = path.join(work, 'backup-pass');
  fs.writeFileSync(passFile, 'backup-passphrase-91c2\n', { mode: 0o600 });
  const backupFile = path.join(work, 'keys.backup.json');
  const env = { PATH: process.env.PATH, CRYFTEE_KEY_DATA_DIR: keyDir, CRYFTEE_SEAL_PASSPHRASE: PASSPHRASE };
  const refused = spawnSync(BIN, ['keys', 'backup', '--out', backupFile, '--backup-passphrase-file', passFile], { env, encoding: 'utf8' });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /--allow-key-backup/);
  execFileSync(BIN, ['keys', 'backup', '--out', backupFile, '--backup-passphrase-file', passFile, '--allow-key-backup'], { env, stdio: 'pipe' });
  assert.equal(fs.statSync(backupFile).mode & 0o777, 0o600);
  assert.equal(JSON.parse(fs.readFileSync(backupFile, 'utf8')).records.length, 3);
  assert.equal(fs.readFileSync(backupFile).indexOf(Buffer.from(PASSPHRASE)), -1);

  const newDir = tempDir('cryftee-keys-');
  const newEnv = { PATH: process.env.PATH, CRYFTEE_KEY_DATA_DIR: newDir, CRYFTEE_SEAL_PASSPHRASE: 'the-new-machine-passphrase' };
  execFileSync(BIN, ['keys', 'restore', '--in', backupFile, '--backup-passphrase-file', passFile, '--allow-key-backup'], { env: newEnv, stdio: 'pipe' });
  const moved = await boot(newDir, { passphrase: 'the-new-machine-passphrase' });
  await checkSameIdentity(moved, pair, 'restored');
  await stop(moved);
});

test("cryftgo's sequence: first boot generate, SIGINT, later boot verify, sign, heartbeat", async () => {
  // cryftgo points CRYFTEE_KEY_DATA_DIR at its own folder and writes its files there.
  const keyDir = tempDir('cryftgo-data-');
  fs.writeFileSync(path.join(keyDir, 'cryftee_config.json'), JSON.stringify({ api: { transport: 'uds' } }));
  let daemon = await boot(keyDir, { env: { CRYFTEE_CONFIG_FILE: path.join(keyDir, 'cryftee_config.json') } });
  const bl = await post(daemon, '/v1/staking/bls/register', { key_type: 'BLS', mode: 'generate', purpose: 'validator' });
  assert.equal(bl.status, 200, bl.text);
  const tl = await post(daemon, '/v1/staking/tls/register', { key_type: 'SECP256K1', mode: 'generate' });
  assert.equal(tl.status, 200, tl.text);
  fs.writeFileSync(path.join(keyDir, 'bls_pubkey'), bl.json.pubkey);
  fs.writeFileSync(path.join(keyDir, 'tls_pubkey'), tl.json.pubkey);
  assert.equal((await stop(daemon, 'SIGINT')).code, 0);

  daemon = await boot(keyDir, { env: { CRYFTEE_CONFIG_FILE: path.join(keyDir, 'cryftee_config.json') } });
  const bv = await post(daemon, '/v1/staking/bls/register', { mode: 'verify', publicKey: fs.readFileSync(path.join(keyDir, 'bls_pubkey'), 'utf8') });
  assert.equal(bv.status, 200, bv.text);
  assert.equal(bv.json.pubkey, bl.json.pubkey);
  const tv = await post(daemon, '/v1/staking/tls/register', { mode: 'verify', publicKey: fs.readFileSync(path.join(keyDir, 'tls_pubkey'), 'utf8') });
  assert.equal(tv.status, 200, tv.text);
  assert.equal(tv.json.node_id, tl.json.node_id, 'the NodeID is the same');
  const message = Buffer.from('signed ip payload');
  const sig = await post(daemon, '/v1/staking/bls/sign', { pubkey: bv.json.pubkey, data: b64(message), type: 'sig' });
  assert.equal(sig.status, 200, sig.text);
  assert.ok(blsVerifies(sig.json.signature, message, bl.json.pubkey, SIG_DST));
  const beat = await post(daemon, '/v1/runtime/heartbeat', { cryftgo_version: 'v1.0.0', node_id: tv.json.node_id, timestamp: Date.now() });
  assert.equal(beat.status, 200, beat.text);
  assert.equal(beat.json.acknowledged, true);
  for (const name of ['cryftee_config.json', 'bls_pubkey', 'tls_pubkey']) assert.ok(fs.existsSync(path.join(keyDir, name)), `${name} left alone`);
  assert.equal((await stop(daemon, 'SIGINT')).code, 0);
});
