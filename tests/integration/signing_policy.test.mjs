// Issue #12, point 4: the rogue-key attack through the signing oracle. With the PoP DST, the daemon's
// key d signs H_pop(m); a client that picks a scalar a and the rogue key R = a·G1 - D (D = d·G1) needs
// a proof of possession for R, sk_R·H_pop(R) = a·H_pop(R) - d·H_pop(R), and the daemon would sign the
// second term. Then D + R = a·G1 verifies anything the attacker signs with a, in D's name. The default
// policy ("avalanche") refuses that request; "open" shows the attack is real. Verified with @noble/curves.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { bls12_381 as bls } from '@noble/curves/bls12-381';

import { startDaemon } from './lib/daemon.mjs';

const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const ORDER = bls.fields.Fr.ORDER;
const daemons = [];
after(async () => { for (const d of daemons) await d.stop(); });

const G1 = bls.G1.ProjectivePoint;
const G2 = bls.G2.ProjectivePoint;
const hex = (point) => Buffer.from(point.toRawBytes(true)).toString('hex');

function randomScalar() {
  return (BigInt(`0x${crypto.randomBytes(48).toString('hex')}`) % (ORDER - 1n)) + 1n;
}

// Runs the attack against a daemon; returns the daemon's answer to the oracle request and, when it
// signed, whether the forged proof and the forged aggregate signature verify.
async function attack(daemon) {
  const victim = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
  assert.equal(victim.status, 200, victim.text);
  const D = G1.fromHex(victim.json.pubkey.slice(2));
  const a = randomScalar();
  const R = G1.BASE.multiply(a).subtract(D);
  const oracle = await daemon.request('POST', '/v1/staking/bls/sign', {
    keyHandle: victim.json.keyHandle, message: Buffer.from(R.toRawBytes(true)).toString('base64'), dst: 'pop' });
  if (oracle.status !== 200) return { oracle };
  const hashedR = bls.G2.hashToCurve(R.toRawBytes(true), { DST: POP_DST });
  const forgedPop = G2.fromAffine(hashedR.toAffine()).multiply(a).subtract(G2.fromHex(oracle.json.signature.slice(2)));
  const popVerifies = bls.verify(forgedPop, hashedR, R);
  const message = Buffer.from('a message the victim never signed');
  const hashedM = bls.G2.hashToCurve(message, { DST: SIG_DST });
  const forgedSignature = G2.fromAffine(hashedM.toAffine()).multiply(a);
  const aggregateVerifies = bls.verify(forgedSignature, hashedM, D.add(R));
  return { oracle, popVerifies, aggregateVerifies, rogue: hex(R) };
}

test('default policy: the PoP oracle request for a rogue key is refused with 403 policy_refused', async () => {
  const daemon = await startDaemon();
  daemons.push(daemon);
  const { oracle } = await attack(daemon);
  assert.equal(oracle.status, 403, oracle.text);
  assert.equal(oracle.json.error, 'policy_refused');
  assert.match(oracle.json.message, /avalanche\.pop/);
});

test('--bls-policy open signs it, and the forged proof and aggregate verify (the attack is real)', async () => {
  const daemon = await startDaemon({ args: ['--bls-policy', 'open'] });
  daemons.push(daemon);
  const result = await attack(daemon);
  assert.equal(result.oracle.status, 200, result.oracle.text);
  assert.ok(result.popVerifies, 'the forged proof of possession verifies');
  assert.ok(result.aggregateVerifies, 'the forged aggregate signature verifies');
});

test('default policy still signs what AvalancheGo signs with the PoP DST', async () => {
  const daemon = await startDaemon({ env: { CRYFTEE_BLS_POLICY: 'avalanche' } });
  daemons.push(daemon);
  const key = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
  const pk = G1.fromHex(key.json.pubkey.slice(2));
  const own = await daemon.request('POST', '/v1/staking/bls/sign', {
    keyHandle: key.json.keyHandle, message: Buffer.from(key.json.pubkey.slice(2), 'hex').toString('base64'), dst: 'pop' });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.json.signature, key.json.proofOfPossession);
  // Signed IP: 16-byte IP (IPv4-mapped 10.0.0.1), port 9651, timestamp.
  const ip = Buffer.concat([Buffer.from('00000000000000000000ffff0a000001', 'hex'), Buffer.from([0x25, 0xb3]),
    Buffer.from('0000000065f0a1b2', 'hex')]);
  const signed = await daemon.request('POST', '/v1/staking/bls/sign', {
    pubkey: key.json.pubkey, data: ip.toString('base64'), dst: 'pop' });
  assert.equal(signed.status, 200, signed.text);
  assert.ok(bls.verify(G2.fromHex(signed.json.signature.slice(2)), bls.G2.hashToCurve(ip, { DST: POP_DST }), pk));
});
