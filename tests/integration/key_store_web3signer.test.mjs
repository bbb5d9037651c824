// The key store with Web3Signer enabled (the stand-in): mode "generate" makes a durable key this process
// holds, which signs raw messages and of which Web3Signer holds no copy; mode "persistent" also keeps a
// sealed local copy, so after a restart the key still signs raw Avalanche messages here and typed requests
// in Web3Signer. Every answer and the status say where the key lives and whether Web3Signer holds a copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { startDaemon, tempDir } from './lib/daemon.mjs';
import { startStandIn } from './lib/standin.mjs';

const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
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
const keyDir = tempDir('cryftee-keys-');
const daemons = [];

function start() {
  // As cryftgo starts it: Web3Signer enabled through the environment, the key data folder set.
  return startDaemon({
    // The stand-in's scrypt import can outlast the default 5 s timeout on a loaded machine.
    args: ['--web3signer-health-interval-ms', '200', '--web3signer-max-attempts', '1', '--web3signer-timeout-ms', '30000'],
    env: {
      CRYFTEE_WEB3SIGNER_ENABLED: 'true', CRYFTEE_WEB3SIGNER_URL: standin.url, CRYFTEE_KEY_DATA_DIR: keyDir,
      CRYFTEE_SEAL_PASSPHRASE: 'w3s-seal-passphrase', CRYFTEE_WEB3SIGNER_KEYSTORE_PASSWORD: 'keystore-pass',
    },
  }).then((d) => { daemons.push(d); return d; });
}
before(async () => { standin = await startStandIn(); });
after(async () => { for (const d of daemons) await d.stop('SIGKILL'); standin?.stop(); });

const post = (daemon, route, body) => daemon.request('POST', route, body);
const b64 = (bytes) => Buffer.from(bytes).toString('base64');
function verifies(signatureHex, message, pubkeyHex) {
  const signature = bls.G2.ProjectivePoint.fromHex(signatureHex.replace(/^0x/, ''));
  const publicKey = bls.G1.ProjectivePoint.fromHex(pubkeyHex.replace(/^0x/, ''));
  return bls.verify(signature, bls.G2.hashToCurve(message, { DST: SIG_DST }), publicKey);
}
async function rawSignVerifies(daemon, pubkey, text) {
  const message = Buffer.from(text);
  const res = await post(daemon, '/v1/staking/bls/sign', { pubkey, data: b64(message) });
  assert.equal(res.status, 200, res.text);
  assert.ok(verifies(res.json.signature, message, pubkey));
}

test('generate and persistent with Web3Signer enabled are durable, sign raw messages, and say where they live', async () => {
  let daemon = await start();
  const generated = await post(daemon, '/v1/staking/bls/register', { key_type: 'BLS', mode: 'generate', purpose: 'validator' });
  assert.equal(generated.status, 200, generated.text);
  assert.equal(generated.json.custody, 'memory');
  assert.equal(generated.json.durable, true);
  assert.equal(generated.json.sealer, 'passphrase');
  assert.equal(generated.json.web3signerCopy, false);
  assert.ok(!(await standin.control()).keys.includes(generated.json.pubkey), 'Web3Signer holds no copy');

  const persistent = await post(daemon, '/v1/staking/bls/register', { mode: 'persistent' });
  assert.equal(persistent.status, 200, persistent.text);
  assert.equal(persistent.json.custody, 'memory');
  assert.equal(persistent.json.durable, true);
  assert.equal(persistent.json.web3signerCopy, true);
  assert.ok((await standin.control()).keys.includes(persistent.json.pubkey), 'Web3Signer holds a copy');
  await rawSignVerifies(daemon, persistent.json.pubkey, 'raw before restart');
  await daemon.stop('SIGINT');

  daemon = await start();
  for (const [key, copy] of [[generated.json, false], [persistent.json, true]]) {
    const found = await post(daemon, '/v1/staking/bls/register', { mode: 'verify', publicKey: key.pubkey });
    assert.equal(found.status, 200, found.text);
    assert.equal(found.json.keyHandle, key.keyHandle);
    assert.equal(found.json.proofOfPossession, key.proofOfPossession);
    assert.equal(found.json.custody, 'memory');
    assert.equal(found.json.durable, true);
    assert.equal(found.json.web3signerCopy, copy);
    await rawSignVerifies(daemon, key.pubkey, `raw after restart ${key.keyHandle}`);
  }
  const typed = await post(daemon, '/v1/staking/bls/sign', { pubkey: persistent.json.pubkey, signingRequest: RANDAO_REQUEST });
  assert.equal(typed.status, 200, typed.text);
  assert.ok(verifies(typed.json.signature, Buffer.from(RANDAO_REQUEST.signingRoot.slice(2), 'hex'), persistent.json.pubkey));
  const keys = (await daemon.request('GET', '/v1/staking/status')).json.keyStore.keys;
  const copyOf = Object.fromEntries(keys.map((k) => [k.handle, k.web3signerCopy]));
  assert.equal(copyOf[generated.json.keyHandle], false);
  assert.equal(copyOf[persistent.json.keyHandle], true);
  await daemon.stop('SIGINT');
});
