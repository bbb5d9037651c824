// The /v1 API of the real daemon over its real Unix socket and kiosk listener: every route's happy path
// and errors, attestation checked by `cryftee attest verify` and by an independent verifier written here,
// reload keeping the old registry when the new one is bad, and admin access without a token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, BUILD_DIR, copyBundledModules, startDaemon, tempDir } from './lib/daemon.mjs';

const sha256File = (file) => 'sha256:' + crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// RFC 8785 for the values an attestation holds (strings, booleans, null, integers, arrays, objects).
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function verifiesIndependently(document) {
  const { signature, ...rest } = document;
  const key = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(document.attestation_public_key, 'base64').toString('base64url') },
    format: 'jwk',
  });
  const payload = Buffer.from(`cryftee-attestation-v1\n${canonical(rest)}`, 'utf8');
  return crypto.verify(null, payload, key, Buffer.from(signature, 'base64'));
}

function attestVerify(document, args) {
  return spawnSync(BIN, ['attest', 'verify', '--file', '-', ...args], {
    input: typeof document === 'string' ? document : JSON.stringify(document), encoding: 'utf8',
  });
}

let daemon;
before(async () => { daemon = await startDaemon(); });
after(async () => { await daemon?.stop(); });

function manifestIds() {
  return JSON.parse(fs.readFileSync(path.join(daemon.moduleDir, 'manifest.json'), 'utf8')).modules.map((m) => m.id);
}

test('status carries the seed and cryftgo field sets', async () => {
  const res = await daemon.request('GET', '/v1/staking/status');
  assert.equal(res.status, 200);
  const s = res.json;
  for (const field of ['cryfteeVersion', 'modules', 'web3Signer', 'wasmRuntime', 'ready', 'web3signer_url',
    'web3signer_connected', 'bls_pubkeys', 'tls_pubkeys', 'module_version', 'capabilities']) {
    assert.ok(field in s, field);
  }
  assert.deepEqual(s.modules.map((m) => m.id), manifestIds());
  for (const m of s.modules) {
    for (const field of ['id', 'version', 'description', 'capabilities', 'defaultFor', 'publisherId', 'hash',
      'computedHash', 'trusted', 'compatible', 'loaded', 'reason']) {
      assert.ok(field in m, `${m.id}.${field}`);
    }
    assert.equal(m.trusted, true, `${m.id}: ${m.reason}`);
    assert.equal(m.computedHash, m.hash);
  }
  assert.equal(typeof s.web3Signer.reachable, 'boolean');
  assert.equal(typeof s.wasmRuntime.healthy, 'boolean');
});

test('status is served on the kiosk listener too', async () => {
  const res = await daemon.kiosk('GET', '/v1/staking/status');
  assert.equal(res.status, 200);
  assert.equal(res.json.cryfteeVersion, (await daemon.request('GET', '/v1/staking/status')).json.cryfteeVersion);
});

test('schema/modules is a JSON Schema with capabilities and the ABI version', async () => {
  const res = await daemon.request('GET', '/v1/schema/modules');
  assert.equal(res.status, 200);
  assert.equal(res.json.abiVersion, 1);
  assert.equal(res.json.schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  for (const field of ['id', 'dir', 'file', 'imports', 'limits', 'gui', 'signature']) assert.ok(res.json.schema.properties[field], field);
  assert.deepEqual(res.json.capabilities.map((c) => c.name), ['bls_register', 'bls_sign', 'bls_pop', 'tls_register', 'tls_sign']);
  assert.ok(Array.isArray(res.json.hostImports));
  // Every bundled entry uses only properties the schema names, and its hash fits the schema's pattern.
  const manifest = JSON.parse(fs.readFileSync(path.join(daemon.moduleDir, 'manifest.json'), 'utf8'));
  for (const entry of manifest.modules) {
    for (const key of Object.keys(entry)) assert.ok(res.json.schema.properties[key], `${entry.id}.${key}`);
    assert.match(entry.hash, new RegExp(res.json.schema.properties.hash.pattern));
  }
});

// The module limits schema/modules publishes are the ones the daemon enforces: an entry asking for every
// maximum loads and runs, and one asking one past any maximum is refused as the manifest is read.
test('schema/modules advertises exactly the module limits the daemon enforces', { timeout: 120_000 }, async () => {
  const advertised = (await daemon.request('GET', '/v1/schema/modules')).json.schema.properties.limits.properties;
  const maxima = {};
  for (const field of ['memoryPages', 'deadlineMs', 'maxBinaryBytes']) maxima[field] = advertised[field].maximum;
  assert.deepEqual(maxima, { memoryPages: 4096, deadlineMs: 30_000, maxBinaryBytes: 64 * 1024 * 1024 });
  for (const over of Object.keys(maxima)) {
    const dir = copyBundledModules(path.join(tempDir(), 'modules'), 'test');
    const manifestPath = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    manifest.modules.find((m) => m.id === 'debug_v1').limits = { ...maxima };
    manifest.modules.find((m) => m.id === 'bls_tls_signer_v1').limits = { ...maxima, [over]: maxima[over] + 1 };
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    execFileSync(BIN, ['module', 'sign', '--manifest', manifestPath, '--key', path.join(BUILD_DIR, 'dev', 'publisher.pem'),
      '--publisher', 'cryftee-dev', '--module-dir', dir, '--id', 'debug_v1']);
    const capped = await startDaemon({ moduleDir: dir });
    try {
      const modules = (await capped.request('GET', '/v1/staking/status')).json.modules;
      const atMaxima = modules.find((m) => m.id === 'debug_v1');
      assert.equal(atMaxima.loaded, true, JSON.stringify(atMaxima));
      const echoed = await capped.request('POST', '/v1/modules/call', { moduleId: 'debug_v1', operation: 'debug_echo', request: { n: 1 } });
      assert.equal(echoed.status, 200, echoed.text);
      const pastOne = modules.find((m) => m.id === 'bls_tls_signer_v1');
      assert.equal(pastOne.loaded, false, over);
      assert.equal(pastOne.failure, 'malformed_entry', over);
      assert.match(pastOne.reason, new RegExp(`"limits\\.${over}" must be a whole number from 1 to ${maxima[over]}$`));
    } finally {
      await capped.stop();
    }
  }
});

test('an unknown --engine stops the start, naming the engines built in', async () => {
  const refused = await startDaemon({ args: ['--engine', 'wasmtime'], waitReady: false });
  const { code } = await refused.exited;
  assert.equal(code, 2, refused.output);
  assert.match(refused.output, /--engine: 'wasmtime' is not one of the choices \(accepted: v8\)/);
  assert.ok(!fs.existsSync(refused.socketPath), 'nothing listens');
});

test('runtime/self counts pinned modules', async () => {
  const res = await daemon.request('GET', '/v1/runtime/self');
  assert.equal(res.status, 200);
  assert.equal(res.json.healthy, true);
  assert.ok(res.json.epoch >= 1);
  assert.equal(res.json.pinSummary.pinned, manifestIds().length);
  assert.equal(res.json.pinSummary.missing, 0);
});

test('heartbeat is acknowledged and shows in runtime/connection', async () => {
  const before = (await daemon.request('GET', '/v1/runtime/connection')).json;
  assert.equal(before.connected, false);
  const sent = Date.now() - 25;
  const res = await daemon.request('POST', '/v1/runtime/heartbeat', { cryftgo_version: '1.11.0', node_id: 'NodeID-7Xhw2', timestamp: sent });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { acknowledged: true });
  const c = (await daemon.request('GET', '/v1/runtime/connection')).json;
  assert.equal(c.connected, true);
  assert.equal(c.transport, 'uds');
  assert.equal(c.endpoint, daemon.socketPath);
  assert.ok(!Number.isNaN(Date.parse(c.last_seen)));
  assert.ok(c.latency_ms >= 25 && c.latency_ms < 10000, String(c.latency_ms));
  assert.equal(c.cryftgo_version, '1.11.0');
  assert.equal(c.cryftgo_node_id, 'NodeID-7Xhw2');
  assert.ok(c.request_count > before.request_count);
  assert.equal(typeof c.signer_ready, 'boolean');
});

test('heartbeat with wrong types or bad JSON is 400, and counts as an error', async () => {
  const errorsBefore = (await daemon.request('GET', '/v1/runtime/connection')).json.error_count;
  for (const body of [
    { node_id: 'n', timestamp: 1 },
    { cryftgo_version: 1, node_id: 'n', timestamp: 1 },
    { cryftgo_version: 'v', node_id: 'n', timestamp: '1' },
    { cryftgo_version: 'v', node_id: 'n', timestamp: -1 },
  ]) {
    const res = await daemon.request('POST', '/v1/runtime/heartbeat', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.json.error, 'bad_heartbeat');
  }
  const malformed = await daemon.request('POST', '/v1/runtime/heartbeat', '{"cryftgo_version":');
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.error, 'bad_json');
  const c = (await daemon.request('GET', '/v1/runtime/connection')).json;
  assert.ok(c.error_count >= errorsBefore + 5, `${c.error_count} vs ${errorsBefore}`);
  assert.match(c.last_error, /^400/);
});

test('the kiosk listener refuses heartbeats and staking routes', async () => {
  const hb = await daemon.kiosk('POST', '/v1/runtime/heartbeat', { cryftgo_version: 'v', node_id: 'n', timestamp: 1 });
  assert.equal(hb.status, 403);
  const sign = await daemon.kiosk('POST', '/v1/staking/bls/sign', { message: 'aGk=' });
  assert.equal(sign.status, 403);
});

test('staking routes refuse malformed JSON with 400 bad_json', async () => {
  for (const route of ['bls/register', 'bls/sign', 'tls/register', 'tls/sign']) {
    const res = await daemon.request('POST', `/v1/staking/${route}`, '{"mode":');
    assert.equal(res.status, 400, route);
    assert.equal(res.json.error, 'bad_json', route);
  }
});

test('attestation verifies, pins the running binary and echoes the nonce', async () => {
  const nonce = crypto.randomBytes(16).toString('hex');
  const res = await daemon.request('GET', `/v1/runtime/attestation?nonce=${nonce}`);
  assert.equal(res.status, 200);
  const doc = res.json;
  assert.equal(doc.nonce, nonce);
  assert.equal(doc.core_binary_hash, sha256File(BIN));
  assert.equal(doc.manifest_hash, sha256File(path.join(daemon.moduleDir, 'manifest.json')));
  assert.ok(!Number.isNaN(Date.parse(doc.timestamp)));
  assert.deepEqual(doc.loaded_modules.length <= doc.modules.length, true);
  assert.ok(verifiesIndependently(doc));

  const ok = attestVerify(doc, ['--public-key', doc.attestation_public_key, '--nonce', nonce, '--expect-binary-hash', sha256File(BIN)]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /VALID attestation/);

  const tampered = { ...doc, manifest_hash: `sha256:${'0'.repeat(64)}` };
  assert.equal(verifiesIndependently(tampered), false);
  const bad = attestVerify(tampered, []);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAIL {2}signature/);

  assert.equal(attestVerify(doc, ['--nonce', 'other']).status, 1);
  assert.equal(attestVerify(doc, ['--expect-binary-hash', `sha256:${'1'.repeat(64)}`]).status, 1);
  const otherKey = crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x;
  assert.equal(attestVerify(doc, ['--public-key', Buffer.from(otherKey, 'base64url').toString('base64')]).status, 1);
  assert.equal(attestVerify('not json', []).status, 1);
});

test('attestation refuses bad nonces', async () => {
  for (const nonce of ['x'.repeat(257), '', 'a%0Ab']) {
    const res = await daemon.request('GET', `/v1/runtime/attestation?nonce=${nonce}`);
    assert.equal(res.status, 400, nonce);
    assert.equal(res.json.error, 'bad_nonce');
  }
});

test('a reload changes the attestation only when it is applied', async () => {
  const first = (await daemon.request('GET', '/v1/runtime/attestation')).json;
  const manifestPath = path.join(daemon.moduleDir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  // Rewriting the manifest with other white space changes its bytes but no entry: the reload applies.
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  const reload = await daemon.request('POST', '/v1/admin/reload-modules');
  assert.equal(reload.status, 200, reload.text);
  assert.equal(reload.json.reloaded, true);
  assert.equal(reload.json.epoch, first.registry_epoch + 1);
  const second = (await daemon.request('GET', '/v1/runtime/attestation')).json;
  assert.ok(verifiesIndependently(second));
  assert.notEqual(second.manifest_hash, first.manifest_hash);
  assert.equal(second.manifest_hash, sha256File(manifestPath));
  assert.notEqual(second.signature, first.signature);

  // A changed module file would not load, so the reload is refused and the attestation still
  // describes the registry that serves.
  const entry = manifest.modules[0];
  const wasm = path.join(daemon.moduleDir, entry.dir, entry.file);
  const original = fs.readFileSync(wasm);
  fs.appendFileSync(wasm, Buffer.from([0]));
  try {
    const refused = await daemon.request('POST', '/v1/admin/reload-modules');
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.error, 'reload_refused');
    const third = (await daemon.request('GET', '/v1/runtime/attestation')).json;
    assert.ok(verifiesIndependently(third));
    assert.equal(third.registry_epoch, second.registry_epoch);
    assert.equal(third.manifest_hash, second.manifest_hash);
    const module = third.modules.find((m) => m.id === entry.id);
    assert.equal(module.computedHash, `sha256:${crypto.createHash('sha256').update(original).digest('hex')}`);
    assert.equal(module.loaded, true);
    assert.ok(third.loaded_modules.includes(entry.id));
    const self = (await daemon.request('GET', '/v1/runtime/self')).json;
    assert.equal(self.pinSummary.missing, 0);
  } finally {
    fs.writeFileSync(wasm, original);
  }
});

test('a reload onto a bad manifest keeps the serving registry', async () => {
  const own = await startDaemon();
  try {
    const before = (await own.request('GET', '/v1/staking/status')).json;
    fs.writeFileSync(path.join(own.moduleDir, 'manifest.json'), '{"modules": [');
    const res = await own.request('POST', '/v1/admin/reload-modules');
    assert.ok(res.status >= 400, res.text);
    assert.equal(typeof res.json.error, 'string');
    assert.match(res.json.message, /keep serving/);
    const after = (await own.request('GET', '/v1/staking/status')).json;
    assert.equal(after.epoch, before.epoch);
    assert.deepEqual(after.modules, before.modules);
    const doc = (await own.request('GET', '/v1/runtime/attestation')).json;
    assert.equal(doc.manifest_hash, before.manifestHash);
  } finally {
    await own.stop();
  }
});

test('admin over the kiosk listener needs the token when loopback admin is off', async () => {
  const token = crypto.randomBytes(24).toString('hex');
  const own = await startDaemon({ args: ['--no-loopback-admin'], env: { CRYFTEE_ADMIN_TOKEN: token } });
  try {
    const kioskHeader = { 'x-cryftee-kiosk': '1' };
    const none = await own.kiosk('POST', '/v1/admin/reload-modules', undefined, { headers: kioskHeader });
    assert.ok([401, 403].includes(none.status), String(none.status));
    assert.equal(typeof none.json.error, 'string');
    const wrong = await own.kiosk('POST', '/v1/admin/reload-modules', undefined, { headers: { ...kioskHeader, authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 403);
    const right = await own.kiosk('POST', '/v1/admin/reload-modules', undefined, { headers: { ...kioskHeader, authorization: `Bearer ${token}` } });
    assert.equal(right.status, 200, right.text);
    assert.equal(right.json.reloaded, true);
    assert.ok(!own.output.includes(token), 'the token must never be logged');
  } finally {
    await own.stop();
  }
});

test('the attestation reports a configured binary hash as compared, not copied', async () => {
  const expected = `sha256:${'ab'.repeat(32)}`;
  const own = await startDaemon({ env: { CRYFTEE_VERIFIED_BINARY_HASH: expected } });
  try {
    const doc = (await own.request('GET', '/v1/runtime/attestation')).json;
    assert.equal(doc.core_binary_hash, sha256File(BIN));
    assert.deepEqual(doc.verified_binary_hash, { expected, matches: false });
    assert.equal(attestVerify(doc, []).status, 1);
  } finally {
    await own.stop();
  }
});

test('a configured attestation key signs, so a verifier can pin it across restarts', async () => {
  const dir = fs.mkdtempSync(path.join(daemon.dir, 'key-'));
  const keyFile = path.join(dir, 'attest.pem');
  const keygen = spawnSync(BIN, ['module', 'keygen', '--out', keyFile], { encoding: 'utf8' });
  assert.equal(keygen.status, 0, keygen.stderr);
  const publicKey = keygen.stdout.trim().split('\n').pop();
  for (let start = 0; start < 2; start++) {
    const own = await startDaemon({ args: ['--attestation-key-file', keyFile] });
    try {
      const doc = (await own.request('GET', '/v1/runtime/attestation?nonce=pin')).json;
      assert.equal(doc.attestation_public_key, publicKey);
      const verdict = attestVerify(doc, ['--public-key', publicKey, '--nonce', 'pin']);
      assert.equal(verdict.status, 0, verdict.stdout);
    } finally {
      await own.stop();
    }
  }
});
