// The OpenAPI contract: every operation docs/openapi.yaml lists is called against the real daemon over its
// real socket and HTTPS listener, and every answer — successes and the documented errors — must carry a
// status the spec lists for that operation and a body its schema accepts. Objects in the spec's schemas
// are closed here (no field the spec does not name), so a field the API adds fails until it is documented.
// Every status the spec lists must be seen at least once, except the few named in kNotProvoked; and the
// router's own table (`cryftee routes --json`) must hold exactly the operations of the spec.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

import { BIN, SOURCE_DIR, copyBundledModules, startDaemon, tcpRequest, tempDir } from './lib/daemon.mjs';
import { startStandIn } from './lib/standin.mjs';
import { makeTlsFiles } from './lib/tls_files.mjs';

const ADMIN_TOKEN = 'contract-test-admin-token-0123456789';
const KEYSTORE_PASSWORD = 'contract-test-keystore-password';
const bearer = (token = ADMIN_TOKEN) => ({ authorization: `Bearer ${token}` });
// What the kiosk page sends with a state-changing request, so a refusal here is for the missing token.
const kKioskPage = { 'x-cryftee-kiosk': '1' };

// Statuses the spec lists that this test does not provoke, each with the reason and where it is tested.
const kNotProvoked = {
  'POST /v1/staking/bls/register 409': 'key_limit_reached needs 1,024 held keys (memory_custody unit tests)',
  'POST /v1/staking/tls/register 409': 'key_limit_reached needs 1,024 held keys (memory_custody unit tests)',
  'POST /v1/staking/bls/sign 409': "Web3Signer's slashing protection; the stand-in has none",
  'POST /v1/staking/bls/register 500': 'a module trap; the bundled signer never traps (500 is provoked on /v1/modules/call)',
  'POST /v1/staking/bls/sign 500': 'a module trap; the bundled signer never traps (500 is provoked on /v1/modules/call)',
  'POST /v1/staking/tls/register 500': 'a module trap; the bundled signer never traps (500 is provoked on /v1/modules/call)',
  'POST /v1/staking/tls/sign 500': 'a module trap; the bundled signer never traps (500 is provoked on /v1/modules/call)',
};

// --- the spec, compiled -------------------------------------------------------------------------------

const spec = YAML.parse(fs.readFileSync(path.join(SOURCE_DIR, 'docs', 'openapi.yaml'), 'utf8'));

function closeObjects(node) {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (!node || typeof node !== 'object') return;
  if (node.properties && typeof node.properties === 'object' && node.additionalProperties === undefined) {
    node.additionalProperties = false;
  }
  Object.values(node).forEach(closeObjects);
}
const closedSpec = structuredClone(spec);
closeObjects(closedSpec.components.schemas);
closeObjects(closedSpec.paths);

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(closedSpec, 'openapi');
const pointer = (...parts) => parts.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const validators = new Map();

function documentedResponse(method, route, status) {
  const operation = spec.paths[route]?.[method.toLowerCase()];
  assert.ok(operation, `${method} ${route} is not in docs/openapi.yaml`);
  let response = operation.responses[String(status)];
  if (!response) return undefined;
  if (response.$ref) response = response.$ref.slice(2).split('/').reduce((node, key) => node[key], spec);
  return response;
}

const seen = new Map();  // "METHOD /path" -> Set of statuses
const calls = [];

// Checks one answer against the spec and records its status as seen.
function conforms(method, route, answer) {
  const label = `${method} ${route} ${answer.status}`;
  const response = documentedResponse(method, route, answer.status);
  assert.ok(response, `${label}: the spec lists no such status for this operation (body: ${answer.text})`);
  const [type] = Object.keys(response.content ?? {});
  assert.ok(type, `${label}: the spec gives this answer no content type`);
  assert.ok((answer.headers['content-type'] ?? '').startsWith(type), `${label}: ${answer.headers['content-type']}, not ${type}`);
  if (type === 'application/json') {
    const ref = pointer('paths', route, method.toLowerCase(), 'responses', answer.status, 'content', type, 'schema');
    const key = response === spec.components.responses.Error ? 'openapi#/components/schemas/Error' : `openapi#/${ref}`;
    if (!validators.has(key)) validators.set(key, ajv.compile({ $ref: key }));
    const validate = validators.get(key);
    assert.ok(validate(answer.json), `${label} does not match the spec: ${ajv.errorsText(validate.errors)}\n${answer.text}`);
  }
  if (!seen.has(`${method} ${route}`)) seen.set(`${method} ${route}`, new Set());
  seen.get(`${method} ${route}`).add(answer.status);
  return answer;
}

// Calls `route` through `send`, expects `status`, and checks the answer against the spec.
// `options`: query (a query string), headers, and anything else the sender takes (a client certificate).
async function expectAnswer(send, method, route, status, body, { query, headers = {}, ...transport } = {}) {
  const target = query ? `${route}?${query}` : route;
  const answer = await send(method, target, body, { headers, ...transport });
  calls.push(`${method} ${target} -> ${answer.status}`);
  assert.equal(answer.status, status, `${method} ${target}: ${answer.text}`);
  return conforms(method, route, answer);
}

// --- the daemons --------------------------------------------------------------------------------------

let standin;
let api;      // Unix socket, Web3Signer, admin token, no loopback admin: every success and most errors
let broken;   // HTTPS with a client CA, its signer module tampered with, no Web3Signer
let bare;     // Unix socket, the bundled modules, no Web3Signer
let sealed;   // Unix socket with a key store (passphrase sealer), admin token, no loopback admin
let pki;
let onSocket; let onKiosk; let overHttps;

before(async () => {
  standin = await startStandIn();
  api = await startDaemon({
    bundle: 'test',  // debug_v1 answers the module-call operations below
    args: ['--web3signer-enabled', '--web3signer-url', standin.url, '--web3signer-health-interval-ms', '200',
      '--web3signer-timeout-ms', '30000', '--web3signer-max-attempts', '1', '--no-loopback-admin'],
    env: { CRYFTEE_ADMIN_TOKEN: ADMIN_TOKEN, CRYFTEE_WEB3SIGNER_KEYSTORE_PASSWORD: KEYSTORE_PASSWORD },
  });
  onSocket = api.request;
  onKiosk = api.kiosk;
  bare = await startDaemon();
  sealed = await startDaemon({
    args: ['--no-loopback-admin'],
    env: { CRYFTEE_ADMIN_TOKEN: ADMIN_TOKEN, CRYFTEE_KEY_DATA_DIR: tempDir('cryftee-keys-'),
      CRYFTEE_SEAL_PASSPHRASE: 'contract-seal-passphrase' },
  });

  const dir = tempDir();
  pki = makeTlsFiles(path.join(dir, 'pki'));
  const modules = copyBundledModules(path.join(dir, 'modules'));
  const signer = path.join(modules, 'bls_tls_signer_v1', 'bls_tls_signer_v1.wasm');
  fs.appendFileSync(signer, Buffer.from([0]));
  broken = await startDaemon({
    moduleDir: modules, transport: 'https',
    args: ['--tls-cert', pki.certFile, '--tls-key', pki.keyFile, '--tls-client-ca', pki.caFile, '--no-loopback-admin'],
    env: { CRYFTEE_ADMIN_TOKEN: ADMIN_TOKEN },
  });
  overHttps = (method, target, body, options = {}) =>
    tcpRequest(broken.port, method, target, body, { tls: true, ca: pki.ca, servername: 'localhost', agent: false, ...options });
});

after(async () => {
  await api?.stop();
  await broken?.stop();
  await bare?.stop();
  await sealed?.stop();
  standin?.stop();
});

// --- the operations -----------------------------------------------------------------------------------

describe('read-only views', () => {
  test('status, schema, self, connection, module pages and metrics validate on the socket, the kiosk and HTTPS', async () => {
    for (const route of ['/v1/staking/status', '/v1/schema/modules', '/v1/runtime/self', '/v1/runtime/connection',
      '/v1/kiosk/module-guis', '/metrics']) {
      await expectAnswer(onSocket, 'GET', route, 200);
      await expectAnswer(onKiosk, 'GET', route, 200);
      await expectAnswer(overHttps, 'GET', route, 200);
    }
  });

  test('attestation: with and without a nonce, and a bad nonce', async () => {
    await expectAnswer(onSocket, 'GET', '/v1/runtime/attestation', 200);
    await expectAnswer(onSocket, 'GET', '/v1/runtime/attestation', 200, undefined, { query: 'nonce=contract-1' });
    await expectAnswer(overHttps, 'GET', '/v1/runtime/attestation', 200, undefined, { query: 'nonce=contract-2' });
    await expectAnswer(onKiosk, 'GET', '/v1/runtime/attestation', 400, undefined, { query: `nonce=${'n'.repeat(257)}` });
  });
});

describe('heartbeat', () => {
  const beat = { cryftgo_version: '1.11.0', node_id: 'NodeID-7Xhw2mDxuDS44j42TCB6U5579esbSt3Lg', timestamp: Date.now() };
  test('accepted on the socket; refused on the kiosk, without credentials over HTTPS, and when malformed', async () => {
    await expectAnswer(onSocket, 'POST', '/v1/runtime/heartbeat', 200, beat);
    await expectAnswer(overHttps, 'POST', '/v1/runtime/heartbeat', 200, beat, { headers: bearer() });
    await expectAnswer(onSocket, 'POST', '/v1/runtime/heartbeat', 400, { ...beat, timestamp: -1 });
    await expectAnswer(onSocket, 'POST', '/v1/runtime/heartbeat', 400, '[1,2');
    await expectAnswer(onKiosk, 'POST', '/v1/runtime/heartbeat', 403, beat);
    await expectAnswer(overHttps, 'POST', '/v1/runtime/heartbeat', 401, beat);
  });
});

describe('BLS', () => {
  let key;
  let persisted;  // held by Web3Signer only
  test('register: every mode that succeeds here, and the documented refusals', async () => {
    key = (await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 200, { mode: 'generate' })).json;
    assert.equal(key.custody, 'memory');
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 200,
      { mode: 'ephemeral', ephemeralKeyB64: Buffer.alloc(32, 7).toString('base64') });
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 200, { mode: 'verify', publicKey: key.pubkey });
    persisted = (await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 200, { mode: 'persistent' })).json;
    assert.equal(persisted.custody, 'web3signer');
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 200, { mode: 'verify', publicKey: persisted.pubkey });

    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 400, { mode: 'no-such-mode' });
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 400, 'not json');
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 404, { mode: 'verify', publicKey: `0x${'a'.repeat(96)}` });
    // Web3Signer refusing Cryftee's credentials is a bad gateway, not the client's fault.
    await standin.control({ authToken: 'a-token-cryftee-does-not-have' });
    try {
      await expectAnswer(onSocket, 'POST', '/v1/staking/bls/register', 502, { mode: 'persistent' });
    } finally {
      await standin.control({ authToken: '' });
    }
    await expectAnswer(bare.request, 'POST', '/v1/staking/bls/register', 422, { mode: 'persistent' });
    await expectAnswer(onKiosk, 'POST', '/v1/staking/bls/register', 403, { mode: 'generate' });
    await expectAnswer(overHttps, 'POST', '/v1/staking/bls/register', 401, { mode: 'generate' });
    await expectAnswer(overHttps, 'POST', '/v1/staking/bls/register', 503, { mode: 'generate' }, { headers: bearer() });
  });

  test('sign: raw bytes with either DST, and the documented refusals', async () => {
    const message = Buffer.from('contract').toString('base64');
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/sign', 200, { keyHandle: key.keyHandle, message });
    // The PoP DST over the key's own public key (its proof of possession); anything else is 403 policy_refused.
    const ownKey = Buffer.from(key.pubkey.slice(2), 'hex').toString('base64');
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/sign', 200, { pubkey: key.pubkey, data: ownKey, dst: 'pop' });
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/sign', 403, { pubkey: key.pubkey, data: message, dst: 'pop' });
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/sign', 400, { keyHandle: key.keyHandle });
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/sign', 404, { pubkey: `0x${'b'.repeat(96)}`, message });
    await expectAnswer(onSocket, 'POST', '/v1/staking/bls/sign', 422,
      { keyHandle: key.keyHandle, signingRequest: { type: 'RANDAO_REVEAL', randao_reveal: { epoch: '3' } } });
    // A typed request goes to Web3Signer; an answer from it that Cryftee cannot use is a bad gateway.
    await standin.control({ fail: true });
    try {
      await expectAnswer(onSocket, 'POST', '/v1/staking/bls/sign', 502,
        { pubkey: persisted.pubkey, signingRequest: { type: 'RANDAO_REVEAL', randao_reveal: { epoch: '3' } } });
    } finally {
      await standin.control({ fail: false });
    }
    await expectAnswer(onKiosk, 'POST', '/v1/staking/bls/sign', 403, { keyHandle: key.keyHandle, message });
    await expectAnswer(overHttps, 'POST', '/v1/staking/bls/sign', 401, { keyHandle: key.keyHandle, message });
    await expectAnswer(overHttps, 'POST', '/v1/staking/bls/sign', 503, { keyHandle: key.keyHandle, message }, { headers: bearer() });
  });
});

describe('TLS', () => {
  let identity;
  // A well-formed P-256 public key that no one registered.
  const stranger = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey
    .export({ type: 'spki', format: 'der' }).subarray(-65).toString('base64');
  test('register: a new identity, an imported one, verify, and the documented refusals', async () => {
    identity = (await expectAnswer(onSocket, 'POST', '/v1/staking/tls/register', 200, {})).json;
    const p256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/register', 200, { privateKeyPEM: p256 });
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/register', 200, { mode: 'verify', pubkey: identity.pubkey });

    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/register', 400, { privateKeyPEM: 'not a key' });
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/register', 404, { mode: 'verify', pubkey: stranger });
    const ed25519 = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/register', 422, { privateKeyPEM: ed25519 });
    await expectAnswer(onKiosk, 'POST', '/v1/staking/tls/register', 403, {});
    await expectAnswer(overHttps, 'POST', '/v1/staking/tls/register', 401, {});
    await expectAnswer(overHttps, 'POST', '/v1/staking/tls/register', 503, {}, { headers: bearer() });
  });

  test('sign: a digest and cryftgo\'s data, and the documented refusals', async () => {
    const digest = crypto.createHash('sha256').update('contract').digest('base64');
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/sign', 200,
      { keyHandle: identity.keyHandle, digest, algorithm: 'ECDSA_P256_SHA256' });
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/sign', 200,
      { pubkey: identity.pubkey, data: Buffer.from('contract').toString('base64') });
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/sign', 400, { keyHandle: identity.keyHandle });
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/sign', 404, { pubkey: stranger, digest });
    await expectAnswer(onSocket, 'POST', '/v1/staking/tls/sign', 422, { keyHandle: identity.keyHandle, digest, algorithm: 'RSA' });
    await expectAnswer(onKiosk, 'POST', '/v1/staking/tls/sign', 403, { keyHandle: identity.keyHandle, digest });
    await expectAnswer(overHttps, 'POST', '/v1/staking/tls/sign', 401, { keyHandle: identity.keyHandle, digest });
    await expectAnswer(overHttps, 'POST', '/v1/staking/tls/sign', 503, { keyHandle: identity.keyHandle, digest }, { headers: bearer() });
  });
});

describe('module calls', () => {
  test('any loaded module\'s declared operation, its faults, and the documented refusals', async () => {
    const echoed = await expectAnswer(onSocket, 'POST', '/v1/modules/call', 200,
      { moduleId: 'debug_v1', operation: 'debug_echo', request: { hello: 'contract' } });
    assert.equal(echoed.json.moduleId, 'debug_v1');
    await expectAnswer(onSocket, 'POST', '/v1/modules/call', 400, { moduleId: 'debug_v1' });
    await expectAnswer(onSocket, 'POST', '/v1/modules/call', 400, { moduleId: 'debug_v1', operation: 'debug_echo', request: [] });
    await expectAnswer(onSocket, 'POST', '/v1/modules/call', 404, { moduleId: 'no_such_module', operation: 'x' });
    await expectAnswer(onSocket, 'POST', '/v1/modules/call', 404, { moduleId: 'debug_v1', operation: 'bls_sign' });
    await expectAnswer(onSocket, 'POST', '/v1/modules/call', 500, { moduleId: 'debug_v1', operation: 'debug_trap' });
    await expectAnswer(onKiosk, 'POST', '/v1/modules/call', 403, { moduleId: 'debug_v1', operation: 'debug_echo' });
    await expectAnswer(overHttps, 'POST', '/v1/modules/call', 401, { moduleId: 'debug_v1', operation: 'debug_echo' });
    await expectAnswer(overHttps, 'POST', '/v1/modules/call', 503,
      { moduleId: 'bls_tls_signer_v1', operation: 'bls_sign' }, { headers: bearer() });
  });
});

describe('admin', () => {
  test('key store: the view, and deleting a record only when the key is named twice', async () => {
    const onSealed = sealed.request;
    const key = (await expectAnswer(onSealed, 'POST', '/v1/staking/bls/register', 200, { mode: 'generate' })).json;
    const other = (await expectAnswer(onSealed, 'POST', '/v1/staking/bls/register', 200, { mode: 'generate' })).json;
    const view = await expectAnswer(onSealed, 'GET', '/v1/keys', 200);
    assert.ok(view.json.keys.some((k) => k.handle === key.keyHandle && k.state === 'loaded'));
    await expectAnswer(onSocket, 'GET', '/v1/keys', 200);
    const route = '/v1/admin/keys/delete';
    const named = { keyHandle: key.keyHandle, publicKey: key.pubkey };
    await expectAnswer(onSealed, 'POST', route, 401, named);
    await expectAnswer(onSealed, 'POST', route, 403, named, { headers: bearer('wrong-token-wrong-token') });
    await expectAnswer(onSealed, 'POST', route, 400, { keyHandle: key.keyHandle }, { headers: bearer() });
    await expectAnswer(onSealed, 'POST', route, 409, { keyHandle: key.keyHandle, publicKey: other.pubkey }, { headers: bearer() });
    await expectAnswer(onSealed, 'POST', route, 404, { keyHandle: `bls-${'0'.repeat(32)}`, publicKey: key.pubkey }, { headers: bearer() });
    await expectAnswer(onSocket, 'POST', route, 422, named, { headers: bearer() });
    await expectAnswer(onSealed, 'POST', route, 200, named, { headers: bearer() });
  });

  test('Web3Signer keys: list and delete, and the documented refusals', async () => {
    const listed = await expectAnswer(onSocket, 'GET', '/v1/admin/web3signer/keys', 200, undefined, { headers: bearer() });
    assert.ok(listed.json.keys.length > 0, 'the persistent key registered above is listed');
    const pubkey = listed.json.keys[0].pubkey;
    await expectAnswer(onSocket, 'DELETE', '/v1/admin/web3signer/keys', 200, { pubkeys: [pubkey] }, { headers: bearer() });
    await expectAnswer(onSocket, 'DELETE', '/v1/admin/web3signer/keys', 400, { pubkeys: [] }, { headers: bearer() });
    for (const [method, body] of [['GET', undefined], ['DELETE', { pubkeys: [pubkey] }]]) {
      await expectAnswer(onSocket, method, '/v1/admin/web3signer/keys', 401, body);
      await expectAnswer(onKiosk, method, '/v1/admin/web3signer/keys', 401, body, { headers: kKioskPage });
      await expectAnswer(onSocket, method, '/v1/admin/web3signer/keys', 403, body, { headers: bearer('wrong-token-wrong-token') });
      await expectAnswer(overHttps, method, '/v1/admin/web3signer/keys', 422, body, { headers: bearer() });
    }
    await standin.control({ down: true });
    try {
      await expectAnswer(onSocket, 'GET', '/v1/admin/web3signer/keys', 503, undefined, { headers: bearer() });
      await expectAnswer(onSocket, 'DELETE', '/v1/admin/web3signer/keys', 503, { pubkeys: [pubkey] }, { headers: bearer() });
    } finally {
      await standin.control({ down: false });
    }
  });

  test('reload: swaps the registry; refused without the token; a bad or missing manifest keeps the old one', async () => {
    await expectAnswer(onSocket, 'POST', '/v1/admin/reload-modules', 200, undefined, { headers: bearer() });
    // All or nothing: the HTTPS daemon's tampered signer module would not load, so its reload is refused.
    await expectAnswer(overHttps, 'POST', '/v1/admin/reload-modules', 409, undefined, { headers: bearer() });
    await expectAnswer(onSocket, 'POST', '/v1/admin/reload-modules', 401);
    await expectAnswer(onKiosk, 'POST', '/v1/admin/reload-modules', 401, undefined, { headers: kKioskPage });
    await expectAnswer(onSocket, 'POST', '/v1/admin/reload-modules', 403, undefined, { headers: bearer('wrong-token-wrong-token') });
    // A client certificate from the configured CA authorises staking routes, not admin routes.
    await expectAnswer(overHttps, 'POST', '/v1/staking/tls/register', 503, {}, pki.client);
    await expectAnswer(overHttps, 'POST', '/v1/admin/reload-modules', 401, undefined, pki.client);

    const manifest = path.join(broken.moduleDir, 'manifest.json');
    const original = fs.readFileSync(manifest);
    fs.writeFileSync(manifest, '{"version": 1, "modules": [');
    await expectAnswer(overHttps, 'POST', '/v1/admin/reload-modules', 400, undefined, { headers: bearer() });
    fs.rmSync(manifest);
    await expectAnswer(overHttps, 'POST', '/v1/admin/reload-modules', 500, undefined, { headers: bearer() });
    fs.writeFileSync(manifest, original);
  });
});

describe('outside the listed operations', () => {
  test('an unknown /v1 path is 404 route_not_found on every listener, whatever the method', async () => {
    for (const send of [onSocket, onKiosk, overHttps]) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const answer = await send(method, '/v1/no/such/route', method === 'GET' ? undefined : {});
        assert.equal(answer.status, 404, answer.text);
        assert.equal(answer.json.error, 'route_not_found');
        assert.ok(ajv.validate({ $ref: 'openapi#/components/schemas/Error' }, answer.json), answer.text);
      }
    }
  });

  test('a listed path with another method is 405 with Allow naming the methods the spec lists', async () => {
    for (const [route, item] of Object.entries(spec.paths)) {
      const listed = Object.keys(item).map((m) => m.toUpperCase());
      const other = ['PUT', 'PATCH', 'DELETE', 'POST'].find((m) => !listed.includes(m));
      const answer = await onSocket(other, route, {});
      assert.equal(answer.status, 405, `${other} ${route}: ${answer.text}`);
      assert.equal(answer.json.error, 'method_not_allowed');
      const allowed = answer.headers.allow.split(', ').filter((m) => m !== 'HEAD');
      assert.deepEqual(allowed.sort(), listed.sort(), `Allow of ${route}`);
    }
  });
});

// --- completeness -------------------------------------------------------------------------------------

describe('completeness', () => {
  test('the router serves exactly the operations the spec lists', () => {
    const table = JSON.parse(execFileSync(BIN, ['routes', '--json'], { encoding: 'utf8' }));
    const served = table.filter((r) => !r.prefix).map((r) => `${r.method} ${r.path}`).sort();
    const listed = Object.entries(spec.paths)
      .flatMap(([route, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${route}`)).sort();
    assert.deepEqual(served, listed);
    // Prefix routes serve files (the kiosk page, modules' pages; docs/kiosk.md), not JSON operations.
    assert.deepEqual(table.filter((r) => r.prefix).map((r) => r.path).sort(), ['/', '/modules/']);
  });

  test('every status the spec lists was answered and validated', () => {
    const missing = [];
    for (const [route, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const status of Object.keys(operation.responses)) {
          const label = `${method.toUpperCase()} ${route} ${status}`;
          if (seen.get(`${method.toUpperCase()} ${route}`)?.has(Number(status))) {
            assert.ok(!kNotProvoked[label], `${label} was provoked after all: remove it from kNotProvoked`);
          } else if (!kNotProvoked[label]) {
            missing.push(label);
          }
        }
      }
    }
    assert.deepEqual(missing, [], `never answered:\n${missing.join('\n')}\ncalls made:\n${calls.join('\n')}`);
  });
});
