// The module pipeline seen from outside: the manifest this build signed must verify with an independent
// implementation (JCS written here in JavaScript, Ed25519 from node's crypto), and the publisher CLI must
// refuse what was tampered with.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { BIN, BUILD_DIR, bundleDir, copyBundledModules, startDaemon, tempDir } from './lib/daemon.mjs';

const DOMAIN = 'cryftee-module-entry-v1\n';
const TRUST = path.join(BUILD_DIR, 'dev', 'trust.toml');

// RFC 8785: JavaScript's own number and string serialization is what JCS prescribes; only the member
// order (UTF-16 code units, which is how JavaScript compares strings) has to be imposed.
function jcs(value) {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function devPublicKey() {
  const match = fs.readFileSync(TRUST, 'utf8').match(/publicKey = ['"]([^'"]+)['"]/);
  assert.ok(match, 'the dev trust file names a publicKey');
  const raw = Buffer.from(match[1], 'base64');
  assert.equal(raw.length, 32);
  // SubjectPublicKeyInfo for Ed25519 is a fixed 12-byte prefix followed by the raw key.
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
}

function cli(args) {
  return spawnSync(BIN, ['module', ...args], { encoding: 'utf8' });
}

const readManifest = (bundle) => JSON.parse(fs.readFileSync(path.join(bundleDir(bundle), 'manifest.json'), 'utf8'));

test('every entry of both bundles verifies independently and its hash matches the file', () => {
  const key = devPublicKey();
  for (const bundle of ['production', 'test']) {
    const manifest = readManifest(bundle);
    assert.ok(manifest.modules.length >= 1);
    for (const entry of manifest.modules) {
      const { signature, ...unsigned } = entry;
      const payload = Buffer.from(DOMAIN + jcs(unsigned), 'utf8');
      assert.ok(crypto.verify(null, payload, key, Buffer.from(signature, 'base64')), `${bundle} ${entry.id} signature`);
      const file = fs.readFileSync(path.join(bundleDir(bundle), entry.dir, entry.file));
      assert.equal(entry.hash, `sha256:${crypto.createHash('sha256').update(file).digest('hex')}`);
      const moduleJson = JSON.parse(fs.readFileSync(path.join(bundleDir(bundle), entry.dir, 'module.json'), 'utf8'));
      assert.equal(moduleJson.id, entry.id);
      assert.equal(moduleJson.version, entry.version);
    }
  }
});

test('the production bundle holds production modules only; the test bundle adds debug_v1 to them', () => {
  const production = readManifest('production').modules.map((m) => m.id);
  const test = readManifest('test').modules.map((m) => m.id);
  assert.ok(production.includes('bls_tls_signer_v1'), production.join());
  assert.ok(!production.some((id) => id.startsWith('debug')), production.join());
  assert.ok(!readManifest('production').modules.some((m) => m.capabilities.some((c) => c.startsWith('debug_'))));
  assert.deepEqual(fs.readdirSync(bundleDir('production')).sort(), ['manifest.json', ...production].sort(),
    'the production bundle holds its manifest and its modules\' folders, nothing else');
  assert.deepEqual(test.filter((id) => production.includes(id)), production);
  assert.ok(test.includes('debug_v1'), test.join());
});

test('module verify accepts the build and refuses a tampered file or entry', () => {
  const dir = copyBundledModules(path.join(tempDir(), 'modules'), 'test');
  const manifestPath = path.join(dir, 'manifest.json');
  const good = cli(['verify', '--manifest', manifestPath, '--trust', TRUST]);
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /^ok +debug_v1 /m);

  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const entry = manifest.modules.find((m) => m.id === 'debug_v1');
  fs.appendFileSync(path.join(dir, entry.dir, entry.file), Buffer.from([0]));
  const tamperedFile = cli(['verify', '--manifest', manifestPath, '--trust', TRUST]);
  assert.equal(tamperedFile.status, 1);
  assert.match(tamperedFile.stdout, /REFUSED +debug_v1 \[hash_mismatch\]/);

  fs.cpSync(path.join(bundleDir('test'), entry.dir, entry.file), path.join(dir, entry.dir, entry.file));
  entry.limits.deadlineMs += 1;
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  const tamperedEntry = cli(['verify', '--manifest', manifestPath, '--trust', TRUST]);
  assert.equal(tamperedEntry.status, 1);
  assert.match(tamperedEntry.stdout, /REFUSED +debug_v1 \[signature_invalid\]/);
});

test('keygen, hash, sign and verify make a manifest another trust file accepts', () => {
  const work = tempDir();
  const dir = copyBundledModules(path.join(work, 'modules'), 'test');
  const keyPath = path.join(work, 'acme.pem');
  const trustPath = path.join(work, 'trust.toml');
  const publicKey = execFileSync(BIN, ['module', 'keygen', '--out', keyPath, '--id', 'acme', '--trust-out', trustPath],
    { encoding: 'utf8' }).trim();
  assert.equal(Buffer.from(publicKey, 'base64').length, 32);
  assert.equal(fs.statSync(keyPath).mode & 0o777, 0o600);
  assert.notEqual(cli(['keygen', '--out', keyPath]).status, 0, 'an existing key is never overwritten');

  const manifestPath = path.join(dir, 'manifest.json');
  assert.equal(cli(['verify', '--manifest', manifestPath, '--trust', trustPath]).status, 1, 'cryftee-dev is not acme');
  const signed = cli(['sign', '--manifest', manifestPath, '--key', keyPath, '--publisher', 'acme']);
  assert.equal(signed.status, 0, signed.stderr);
  assert.match(signed.stdout, /^signed debug_v1 /m);
  const verified = cli(['verify', '--manifest', manifestPath, '--trust', trustPath]);
  assert.equal(verified.status, 0, verified.stdout);

  // Signing is deterministic: signing again changes nothing.
  const before = fs.readFileSync(manifestPath, 'utf8');
  assert.equal(cli(['sign', '--manifest', manifestPath, '--key', keyPath, '--publisher', 'acme']).status, 0);
  assert.equal(fs.readFileSync(manifestPath, 'utf8'), before);

  const wasm = path.join(dir, 'debug_v1', 'debug_v1.wasm');
  const hash = cli(['hash', wasm]);
  assert.equal(hash.stdout.trim(), `sha256:${crypto.createHash('sha256').update(fs.readFileSync(wasm)).digest('hex')}`);
});

// A publisher can sign bytes the engine will not run; verify must say so, as the daemon does.
test('module verify refuses what the daemon\'s engine refuses (engine_refused), with the same verdict', async () => {
  const dir = copyBundledModules(path.join(tempDir(), 'modules'), 'test');
  const manifestPath = path.join(dir, 'manifest.json');
  fs.writeFileSync(path.join(dir, 'debug_v1', 'debug_v1.wasm'), Buffer.from('\0asm but not really a module'));
  const signed = cli(['sign', '--manifest', manifestPath, '--key', path.join(BUILD_DIR, 'dev', 'publisher.pem'),
    '--publisher', 'cryftee-dev', '--id', 'debug_v1']);
  assert.equal(signed.status, 0, signed.stderr);

  const verified = cli(['verify', '--manifest', manifestPath, '--trust', TRUST]);
  assert.equal(verified.status, 1, verified.stdout);
  assert.match(verified.stdout, /REFUSED +debug_v1 \[engine_refused\] trusted=1 compatible=1/);
  assert.match(verified.stdout, /^ok +bls_tls_signer_v1 /m);

  const daemon = await startDaemon({ moduleDir: dir });
  try {
    const status = (await daemon.request('GET', '/v1/staking/status')).json;
    const entry = status.modules.find((m) => m.id === 'debug_v1');
    assert.equal(entry.loaded, false);
    assert.equal(entry.failure, 'engine_refused');
  } finally {
    await daemon.stop();
  }
});

test('a missing manifest stops start-up with one clear line, as docs/configuration.md says', async () => {
  const empty = tempDir();
  const daemon = await startDaemon({ moduleDir: empty, waitReady: false });
  const { code } = await daemon.exited;
  assert.equal(code, 1, daemon.output);
  assert.match(daemon.output, new RegExp(`cryftee: the manifest ${path.join(empty, 'manifest.json')} does not exist`));
});
