// The Web3Signer stand-in (tests/web3signer/standin.mjs) against Web3Signer's OpenAPI spec: status codes,
// JSON shapes, keystore decryption, duplicate import, unknown key 404, signing roots, and its control modes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bls12_381 } from '@noble/curves/bls12-381';

import { request, startStandIn } from './lib/standin.mjs';

const SOURCE_DIR = process.env.CRYFTEE_SOURCE_DIR ?? process.cwd();
const VECTORS_DIR = process.env.CRYFTEE_VECTORS_DIR ?? path.join(SOURCE_DIR, 'tests', 'vectors');
const vectors = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, 'eip2335.json'), 'utf8'));
const VECTOR_PUBKEY = `0x${vectors.keystores.pbkdf2.pubkey}`;
const DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';

const FORK_INFO = {
  fork: { previous_version: '0x00000001', current_version: '0x00000001', epoch: '1' },
  genesis_validators_root: '0x04700007fabc8282644aed6d1c7c9e21d38a03a0c4ba193f3afe428824b3a673',
};
// Requests and signing roots from the spec's examples (eth2/signing/paths/sign.yaml).
const SPEC_EXAMPLES = [
  { type: 'RANDAO_REVEAL', signingRoot: '0x3d047c51a8b03630781dc4c5519c17f7de87174246ff2deed0f195c6c775f91e', fork_info: FORK_INFO, randao_reveal: { epoch: '3' } },
  { type: 'VOLUNTARY_EXIT', signingRoot: '0x38e9f1cfe7926ce5366b633b7fc7113129025737394002d2637faaeefc56913d', fork_info: FORK_INFO, voluntary_exit: { epoch: '119', validator_index: '0' } },
  { type: 'AGGREGATION_SLOT', signingRoot: '0x1fb90dd6e8b2670e6949347bc4eaacd37f9b6cc6e42c559973e362c800e853b9', fork_info: FORK_INFO, aggregation_slot: { slot: '119' } },
  { type: 'SYNC_COMMITTEE_MESSAGE', signingRoot: '0xa6f60df2817ea5b52eed1fefebbad746ef64c6249fc05c90c9e0f520cc75bb95', fork_info: FORK_INFO, sync_committee_message: { beacon_block_root: '0x235bc3400c2839fd856a524871200bd5e362db615fc4565e1870ed9a2a936464', slot: '0' } },
  { type: 'SYNC_COMMITTEE_SELECTION_PROOF', signingRoot: '0x50d85c783ab27c1eb3f3efa914b91cb93ffd677137b15c27ba5bb548306e6963', fork_info: FORK_INFO, sync_aggregator_selection_data: { slot: '0', subcommittee_index: '0' } },
  { type: 'DEPOSIT', signingRoot: '0x3a49cdd70862ee95fed10e7494a8caa16af1be2f53612fc74dad27260bb2d711', deposit: { pubkey: '0x8f82597c919c056571a05dfe83e6a7d32acf9ad8931be04d11384e95468cd68b40129864ae12745f774654bbac09b057', withdrawal_credentials: '0x39722cbbf8b91a4b9045c5e6175f1001eac32f7fcd5eccda5c6e62fc4e638508', amount: '32', genesis_fork_version: '0x00000001' } },
];

describe('Web3Signer stand-in', () => {
  let standin;
  const api = (method, urlPath, body, headers) => request(standin.port, method, urlPath, body, headers);
  const control = async (change) => (await request(standin.controlPort, 'POST', '/control', change)).json;

  before(async () => { standin = await startStandIn(); });
  after(() => standin.child.kill('SIGTERM'));

  test('upcheck answers OK as text and healthcheck the HealthCheck shape', async () => {
    const up = await api('GET', '/upcheck');
    assert.equal(up.status, 200);
    assert.match(up.type, /^text\/plain/);
    assert.equal(up.text, 'OK');
    const health = await api('GET', '/healthcheck');
    assert.equal(health.status, 200);
    assert.equal(health.json.outcome, 'UP');
    assert.ok(Array.isArray(health.json.checks));
  });

  test('imports both vector keystores once, reports duplicate and wrong password per key', async () => {
    const keystores = [vectors.keystores.scrypt, vectors.keystores.pbkdf2, vectors.keystores.pbkdf2]
      .map((k) => JSON.stringify(k));
    const res = await api('POST', '/eth/v1/keystores', {
      keystores, passwords: [vectors.password, vectors.password, 'wrong password'],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.data.map((d) => d.status), ['imported', 'duplicate', 'duplicate']);
    const publicKeys = await api('GET', '/api/v1/eth2/publicKeys');
    assert.deepEqual(publicKeys.json, [VECTOR_PUBKEY]);
    const listed = await api('GET', '/eth/v1/keystores');
    assert.deepEqual(listed.json.data, [{ validating_pubkey: VECTOR_PUBKEY, derivation_path: vectors.keystores.scrypt.path, readonly: false }]);
  });

  test('a wrong password, a malformed keystore and a keystore object are per-key errors', async () => {
    const fresh = { ...vectors.keystores.pbkdf2, pubkey: undefined };
    const res = await api('POST', '/eth/v1/keystores', {
      keystores: [JSON.stringify(fresh), '{not json', vectors.keystores.pbkdf2], passwords: ['nope', 'x', vectors.password],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.data.map((d) => d.status), ['error', 'error', 'error']);
    assert.match(res.json.data[0].message, /password/);
    assert.ok(!JSON.stringify(res.json).includes('nope'));
  });

  test('mismatched keystores and passwords are a 400 with a message', async () => {
    const res = await api('POST', '/eth/v1/keystores', { keystores: ['{}'], passwords: [] });
    assert.equal(res.status, 400);
    assert.equal(typeof res.json.message, 'string');
    assert.equal((await api('POST', '/eth/v1/keystores', '{broken')).status, 400);
  });

  test('signing roots of the spec examples are computed from the request fields', async () => {
    for (const example of SPEC_EXAMPLES) {
      const { signingRoot, ...fields } = example;
      const res = await api('POST', `/api/v1/eth2/sign/${VECTOR_PUBKEY}`, fields, { accept: 'application/json' });
      assert.equal(res.status, 200, `${example.type}: ${res.text}`);
      const signature = res.json.signature;
      assert.match(signature, /^0x[0-9a-f]{192}$/);
      const ls = bls12_381.longSignatures;
      const ok = ls.verify(signature.slice(2), ls.hash(Buffer.from(signingRoot.slice(2), 'hex'), DST), VECTOR_PUBKEY.slice(2));
      assert.ok(ok, `${example.type} signature verifies over the spec's signing root`);
    }
  });

  test('a signingRoot that disagrees with the fields is a 400; unknown types need one', async () => {
    const wrong = { ...SPEC_EXAMPLES[0], signingRoot: `0x${'11'.repeat(32)}` };
    assert.equal((await api('POST', `/api/v1/eth2/sign/${VECTOR_PUBKEY}`, wrong)).status, 400);
    const blockV2 = { type: 'BLOCK_V2', fork_info: FORK_INFO, beacon_block: { version: 'DENEB' } };
    assert.equal((await api('POST', `/api/v1/eth2/sign/${VECTOR_PUBKEY}`, blockV2)).status, 400);
    const withRoot = { ...blockV2, signingRoot: '0xaa2e0c465c1a45d7b6637fcce4ad6ceb71fc12064b548078d619a411f0de8adc' };
    const res = await api('POST', `/api/v1/eth2/sign/${VECTOR_PUBKEY}`, withRoot);
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/plain/);  // no Accept: application/json, so the plain form
    assert.match(res.text, /^0x[0-9a-f]{192}$/);
  });

  test('signing with an unknown key is a 404', async () => {
    const unknown = `0x${Buffer.from(bls12_381.longSignatures.getPublicKey(bls12_381.utils.randomSecretKey()).toBytes(true)).toString('hex')}`;
    const res = await api('POST', `/api/v1/eth2/sign/${unknown}`, SPEC_EXAMPLES[0]);
    assert.equal(res.status, 404);
  });

  test('delete answers deleted, then not_active, and not_found for keys never held', async () => {
    const never = `0x${'a1'.repeat(48)}`;
    const first = await api('DELETE', '/eth/v1/keystores', { pubkeys: [VECTOR_PUBKEY, never] });
    assert.equal(first.status, 200);
    assert.deepEqual(first.json.data.map((d) => d.status), ['deleted', 'not_found']);
    const interchange = JSON.parse(first.json.slashing_protection);
    assert.equal(interchange.metadata.interchange_format_version, '5');
    assert.deepEqual(interchange.data.map((d) => d.pubkey), [VECTOR_PUBKEY]);
    const second = await api('DELETE', '/eth/v1/keystores', { pubkeys: [VECTOR_PUBKEY] });
    assert.deepEqual(second.json.data.map((d) => d.status), ['not_active']);
    assert.deepEqual((await api('GET', '/api/v1/eth2/publicKeys')).json, []);
    assert.equal((await api('POST', `/api/v1/eth2/sign/${VECTOR_PUBKEY}`, SPEC_EXAMPLES[0])).status, 404);
    assert.equal((await api('DELETE', '/eth/v1/keystores', { pubkeys: ['0x12'] })).status, 400);
  });

  test('control: fail, drop, delay, down and up', async () => {
    await control({ fail: true });
    assert.equal((await api('GET', '/upcheck')).status, 500);
    await control({ fail: false, drop: true });
    await assert.rejects(api('GET', '/upcheck'), /socket hang up|ECONNRESET/);
    await control({ drop: false, delayMs: 400 });
    const started = Date.now();
    assert.equal((await api('GET', '/upcheck')).status, 200);
    assert.ok(Date.now() - started >= 350);
    await control({ delayMs: 0, down: true });
    await assert.rejects(api('GET', '/upcheck'), /ECONNREFUSED/);
    await control({ down: false });
    assert.equal((await api('GET', '/upcheck')).status, 200);
    const state = (await request(standin.controlPort, 'GET', '/control')).json;
    assert.ok(state.requests['GET /upcheck'] >= 4);
  });
});
