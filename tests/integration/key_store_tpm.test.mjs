// The sealed key store with the TPM sealer, through the real daemon and real software TPMs (swtpm, a fresh
// one per test): BLS and TLS keys survive ten restarts unchanged (same handle, public key, proof of
// possession, certificate and node ID; new signatures verify under @noble/curves and node's crypto); a
// second TPM cannot unseal them and a PCR extended after sealing locks them, and in both cases the keys
// are reported unusable with the reason and never regenerated, their records left as they were. A backup
// moves the identity to another TPM, and unlocks it again after the boot chain changed; auto takes the TPM,
// and with records in the store keeps to the sealer that sealed them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { BIN, startDaemon, tempDir } from './lib/daemon.mjs';
import { blsVerifies, tlsVerifies, snapshot } from './lib/key_checks.mjs';
import { startSwtpm } from './lib/swtpm.mjs';

const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const STORE = 'cryftee-keys';

const running = new Set();
after(async () => { for (const process of running) await process.stop(); });

async function swtpm() {
  const instance = await startSwtpm();
  running.add(instance);
  return instance;
}

async function boot(keyDir, tpm, args = []) {
  const daemon = await startDaemon({
    args: ['--sealer', 'tpm', '--tpm-tcti', tpm.tcti, ...args],
    env: { CRYFTEE_KEY_DATA_DIR: keyDir },
  });
  running.add(daemon);
  return daemon;
}
async function stop(daemon, signal = 'SIGTERM') {
  const exit = await daemon.stop(signal);
  running.delete(daemon);
  return exit;
}

const post = (daemon, route, body) => daemon.request('POST', route, body);
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unhex = (hex) => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ''), 'hex'));
const keyStoreStatus = async (daemon) => (await daemon.request('GET', '/v1/staking/status')).json.keyStore;
const keysView = async (daemon) => (await daemon.request('GET', '/v1/keys')).json;

const stakingRecords = (keyDir) => fs.readdirSync(path.join(keyDir, STORE)).filter((n) => /^(bls|tls)-/.test(n)).sort();
const recordOf = (keyDir, handle) => JSON.parse(fs.readFileSync(path.join(keyDir, STORE, `${handle}.json`), 'utf8'));

async function registerPair(daemon) {
  const blsKey = await post(daemon, '/v1/staking/bls/register', { key_type: 'BLS', mode: 'generate', purpose: 'validator' });
  assert.equal(blsKey.status, 200, blsKey.text);
  const tlsKey = await post(daemon, '/v1/staking/tls/register', { key_type: 'SECP256K1', mode: 'generate' });
  assert.equal(tlsKey.status, 200, tlsKey.text);
  for (const answer of [blsKey.json, tlsKey.json]) {
    assert.equal(answer.durable, true);
    assert.equal(answer.sealer, 'tpm');
  }
  return { blsKey: blsKey.json, tlsKey: tlsKey.json };
}

// verify finds both keys unchanged, and new signatures verify under them.
async function checkSameIdentity(daemon, { blsKey, tlsKey }, round) {
  const bv = await post(daemon, '/v1/staking/bls/register', { mode: 'verify', publicKey: blsKey.pubkey });
  assert.equal(bv.status, 200, bv.text);
  for (const field of ['keyHandle', 'pubkey', 'blsPubKeyB64', 'proofOfPossession']) assert.equal(bv.json[field], blsKey[field], field);
  assert.equal(bv.json.durable, true);
  assert.equal(bv.json.sealer, 'tpm');
  assert.ok(blsVerifies(bv.json.proofOfPossession, unhex(blsKey.pubkey), blsKey.pubkey, POP_DST));

  const tv = await post(daemon, '/v1/staking/tls/register', { mode: 'verify', node_id: tlsKey.node_id });
  assert.equal(tv.status, 200, tv.text);
  for (const field of ['keyHandle', 'pubkey', 'certificate', 'certChainPEM', 'node_id']) assert.equal(tv.json[field], tlsKey[field], field);
  assert.equal(tv.json.sealer, 'tpm');

  const message = Buffer.from(`warp message after restart ${round}`);
  const bs = await post(daemon, '/v1/staking/bls/sign', { pubkey: blsKey.pubkey, data: b64(message) });
  assert.equal(bs.status, 200, bs.text);
  assert.ok(blsVerifies(bs.json.signature, message, blsKey.pubkey, SIG_DST), 'BLS signature verifies under @noble/curves');
  const data = Buffer.from(`tls data ${round}`);
  const ts = await post(daemon, '/v1/staking/tls/sign', { pubkey: tlsKey.pubkey, data: b64(data) });
  assert.equal(ts.status, 200, ts.text);
  assert.ok(tlsVerifies(tlsKey.certificate, data, ts.json.signature), 'ECDSA signature verifies under node crypto');
}

// Both keys are reported unusable with a reason matching `reason`, verify does not find them, and no
// other key took their place.
async function checkRefused(daemon, { blsKey, tlsKey }, reason) {
  const status = await keyStoreStatus(daemon);
  const byFile = Object.fromEntries(status.keys.map((k) => [k.file, k]));
  for (const key of [blsKey, tlsKey]) {
    const entry = byFile[`${key.keyHandle}.json`];
    assert.ok(entry, `${key.keyHandle} is listed in status`);
    assert.equal(entry.state, 'unusable', JSON.stringify(entry));
    assert.match(entry.reason, reason);
  }
  assert.match(daemon.output, /key_record_not_loaded/);
  const bv = await post(daemon, '/v1/staking/bls/register', { mode: 'verify', publicKey: blsKey.pubkey });
  assert.equal(bv.status, 404, bv.text);
  const tv = await post(daemon, '/v1/staking/tls/register', { mode: 'verify', node_id: tlsKey.node_id });
  assert.equal(tv.status, 404, tv.text);
  const staking = (await daemon.request('GET', '/v1/staking/status')).json;
  assert.deepEqual(staking.bls_pubkeys, [], 'no BLS key was generated in its place');
}

test('BLS and TLS keys sealed by the TPM survive ten restarts, nothing changing', async () => {
  const tpm = await swtpm();
  const keyDir = tempDir('cryftee-keys-');
  let daemon = await boot(keyDir, tpm);
  const pair = await registerPair(daemon);
  await stop(daemon);

  for (const key of [pair.blsKey, pair.tlsKey]) {
    const sealed = recordOf(keyDir, key.keyHandle).sealed;
    assert.equal(sealed.format, 'tpm2-aes256gcm/1');
    assert.deepEqual(sealed.pcrs, []);
  }
  const before = snapshot(keyDir);
  for (let round = 1; round <= 10; round++) {
    daemon = await boot(keyDir, tpm);
    await checkSameIdentity(daemon, pair, round);
    const status = await keyStoreStatus(daemon);
    assert.equal(status.sealer, 'tpm');
    assert.equal(status.durable, true);
    assert.equal((await keysView(daemon)).sealerFacts.tcti, tpm.tcti);
    assert.deepEqual([...new Set(status.keys.map((k) => k.state))], ['loaded']);
    await stop(daemon, round % 2 ? 'SIGTERM' : 'SIGINT');
  }
  assert.deepEqual(snapshot(keyDir), before, 'no record was rewritten or added');
});

test('a second TPM (fresh state) cannot unseal: the keys are reported unusable and never regenerated', async () => {
  const first = await swtpm();
  const keyDir = tempDir('cryftee-keys-');
  let daemon = await boot(keyDir, first);
  const pair = await registerPair(daemon);
  await stop(daemon);
  const before = snapshot(keyDir);

  const second = await swtpm();
  daemon = await boot(keyDir, second);
  await checkRefused(daemon, pair, /sealed by another TPM/);
  assert.match(daemon.output, /attestation_key_not_durable/);
  await stop(daemon);
  const afterwards = snapshot(keyDir);
  for (const [name, file] of Object.entries(before)) assert.deepEqual(afterwards[name], file, `${name} is left as it was`);
  assert.deepEqual(Object.keys(afterwards).sort(), Object.keys(before).sort(), 'no record was added, the attestation key\'s included');
  assert.deepEqual(stakingRecords(keyDir), [`${pair.blsKey.keyHandle}.json`, `${pair.tlsKey.keyHandle}.json`].sort());

  // The refusal harmed nothing: on the first TPM the same identity is back.
  daemon = await boot(keyDir, first);
  await checkSameIdentity(daemon, pair, 'back on the first TPM');
  await stop(daemon);
});

test('a PCR extended after sealing locks the keys: reported unusable with the PCR, never regenerated', async () => {
  const tpm = await swtpm();
  const keyDir = tempDir('cryftee-keys-');
  let daemon = await boot(keyDir, tpm, ['--tpm-pcrs', '7']);
  const pair = await registerPair(daemon);
  const sealedValue = tpm.pcrValue(7);
  const facts = (await keysView(daemon)).sealerFacts;
  assert.deepEqual(facts.pcrs, [7]);
  assert.equal(facts.pcrValues['7'], sealedValue);
  await stop(daemon);
  assert.deepEqual(recordOf(keyDir, pair.blsKey.keyHandle).sealed.pcrs, [{ index: 7, sha256: sealedValue }]);

  // Unchanged PCRs: the keys open.
  daemon = await boot(keyDir, tpm, ['--tpm-pcrs', '7']);
  await checkSameIdentity(daemon, pair, 'PCR 7 unchanged');
  await stop(daemon);
  const before = snapshot(keyDir);

  // What a changed Secure Boot configuration does to PCR 7, done with tpm2-tools.
  tpm.extendPcr(7, crypto.createHash('sha256').update('a changed boot chain').digest('hex'));
  const changedValue = tpm.pcrValue(7);
  assert.notEqual(changedValue, sealedValue);
  daemon = await boot(keyDir, tpm, ['--tpm-pcrs', '7']);
  await checkRefused(daemon, pair, new RegExp(`PCR 7 \\(SHA-256\\) changed since sealing: was ${sealedValue}, is ${changedValue}`));
  assert.equal((await keysView(daemon)).sealerFacts.pcrValues['7'], changedValue);
  const attestation = (await daemon.request('GET', '/v1/runtime/attestation')).json;
  assert.deepEqual(attestation.key_store.sealerFacts.pcrs, [7]);
  assert.equal(attestation.key_store.sealerFacts.pcrValues['7'], changedValue);
  await stop(daemon);
  const afterwards = snapshot(keyDir);
  for (const [name, file] of Object.entries(before)) assert.deepEqual(afterwards[name], file, `${name} is left as it was`);
  assert.deepEqual(stakingRecords(keyDir), [`${pair.blsKey.keyHandle}.json`, `${pair.tlsKey.keyHandle}.json`].sort());
});

// `cryftee keys backup|restore` with the daemon's TPM settings.
function keysCommand(verb, file, keyDir, tpm, passphraseFile) {
  execFileSync(BIN, ['keys', verb, verb === 'backup' ? '--out' : '--in', file, '--backup-passphrase-file', passphraseFile,
    '--allow-key-backup', '--sealer', 'tpm', '--tpm-tcti', tpm.tcti, '--tpm-pcrs', '7'],
  { env: { PATH: process.env.PATH, CRYFTEE_KEY_DATA_DIR: keyDir }, stdio: 'pipe' });
}

test('a backup moves the identity to another TPM, and unlocks it again after PCR 7 changed', async () => {
  const first = await swtpm();
  const keyDir = tempDir('cryftee-keys-');
  let daemon = await boot(keyDir, first, ['--tpm-pcrs', '7']);
  const pair = await registerPair(daemon);
  await stop(daemon);
  const work = tempDir();
  const passphraseFile = path.join(work, 'backup-pass');
  fs.writeFileSync(passphraseFile, 'backup passphrase for the tpm test\n', { mode: 0o600 });
  const backup = path.join(work, 'keys.backup.json');
  keysCommand('backup', backup, keyDir, first, passphraseFile);

  // A new machine: a fresh TPM and an empty key folder.
  const second = await swtpm();
  const newDir = tempDir('cryftee-keys-');
  keysCommand('restore', backup, newDir, second, passphraseFile);
  assert.equal(recordOf(newDir, pair.blsKey.keyHandle).sealed.pcrs[0].sha256, second.pcrValue(7));
  daemon = await boot(newDir, second, ['--tpm-pcrs', '7']);
  await checkSameIdentity(daemon, pair, 'restored on another TPM');
  await stop(daemon);

  // The boot chain changes there: the keys lock. As docs/key-store.md says: keep the locked folder aside,
  // restore the backup, and the keys are sealed under the new PCR values.
  second.extendPcr(7, crypto.createHash('sha256').update('a firmware update').digest('hex'));
  daemon = await boot(newDir, second, ['--tpm-pcrs', '7']);
  await checkRefused(daemon, pair, /PCR 7 \(SHA-256\) changed since sealing/);
  await stop(daemon);
  fs.renameSync(path.join(newDir, STORE), path.join(newDir, `${STORE}.locked`));
  keysCommand('restore', backup, newDir, second, passphraseFile);
  daemon = await boot(newDir, second, ['--tpm-pcrs', '7']);
  await checkSameIdentity(daemon, pair, 'restored after the PCR change');
  await stop(daemon);
});

test('auto (the default) takes the TPM named by CRYFTEE_TPM_TCTI, even when a passphrase is also given', async () => {
  const tpm = await swtpm();
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await startDaemon({
    env: { CRYFTEE_KEY_DATA_DIR: keyDir, CRYFTEE_TPM_TCTI: tpm.tcti, CRYFTEE_SEAL_PASSPHRASE: 'a passphrase not needed here' },
  });
  running.add(daemon);
  await registerPair(daemon);
  const view = await keysView(daemon);
  assert.equal(view.sealer, 'tpm');
  assert.equal(view.sealerFacts.tcti, tpm.tcti);
  await stop(daemon);
});

test('--sealer tpm with no TPM answering refuses to start with one line naming the TCTI', async () => {
  const tpm = await swtpm();
  await tpm.stop();
  running.delete(tpm);
  const dir = tempDir();
  const result = spawnSync(BIN, ['--module-dir', path.join(dir, 'none'), '--uds-path', path.join(dir, 'sock'), '--no-kiosk',
    '--sealer', 'tpm', '--tpm-tcti', tpm.tcti], {
    env: { PATH: process.env.PATH, CRYFTEE_KEY_DATA_DIR: tempDir('cryftee-keys-') }, encoding: 'utf8', timeout: 60000 });
  assert.equal(result.status, 1, result.stderr);
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('cryftee: '));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /no TPM answers/);
  assert.ok(lines[0].includes(tpm.tcti), lines[0]);
});

test('auto keeps to the sealer of the records: TPM records and no TPM answering refuse to start, even with a passphrase', async () => {
  const tpm = await swtpm();
  const keyDir = tempDir('cryftee-keys-');
  const daemon = await boot(keyDir, tpm);
  await registerPair(daemon);
  await stop(daemon);
  const before = snapshot(path.join(keyDir, STORE));
  await tpm.stop();
  running.delete(tpm);

  const dir = tempDir();
  const result = spawnSync(BIN, ['--module-dir', path.join(dir, 'none'), '--uds-path', path.join(dir, 'sock'), '--no-kiosk',
    '--tpm-tcti', tpm.tcti], {
    env: { PATH: process.env.PATH, CRYFTEE_KEY_DATA_DIR: keyDir, CRYFTEE_SEAL_PASSPHRASE: 'a passphrase that must not take over' },
    encoding: 'utf8', timeout: 60000 });
  assert.equal(result.status, 1, result.stderr);
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('cryftee: '));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /are sealed by a TPM, and no TPM answers/);
  assert.deepEqual(snapshot(path.join(keyDir, STORE)), before, 'no file changed');
});

test('auto keeps to the sealer of the records: passphrase records stay under the passphrase when a TPM appears', async () => {
  const keyDir = tempDir('cryftee-keys-');
  const env = { CRYFTEE_KEY_DATA_DIR: keyDir, CRYFTEE_SEAL_PASSPHRASE: 'the passphrase of these keys' };
  const first = await startDaemon({ args: ['--sealer', 'passphrase'], env });
  running.add(first);
  const blsKey = await post(first, '/v1/staking/bls/register', { mode: 'generate' });
  assert.equal(blsKey.status, 200, blsKey.text);
  assert.equal(blsKey.json.sealer, 'passphrase');
  await stop(first);

  const tpm = await swtpm();
  const daemon = await startDaemon({ env: { ...env, CRYFTEE_TPM_TCTI: tpm.tcti } });
  running.add(daemon);
  assert.equal((await keysView(daemon)).sealer, 'passphrase');
  const bv = await post(daemon, '/v1/staking/bls/register', { mode: 'verify', publicKey: blsKey.json.pubkey });
  assert.equal(bv.status, 200, bv.text);
  assert.equal(bv.json.keyHandle, blsKey.json.keyHandle);
  const message = Buffer.from('signed after a TPM appeared');
  const bs = await post(daemon, '/v1/staking/bls/sign', { pubkey: blsKey.json.pubkey, data: b64(message) });
  assert.equal(bs.status, 200, bs.text);
  assert.ok(blsVerifies(bs.json.signature, message, blsKey.json.pubkey, SIG_DST));
  await stop(daemon);
});
