// EIP-2335 keystores written independently of the daemon (node's scrypt, AES-128-CTR and SHA-256), with
// any KDF parameters, so tests can send heavy, hostile or cheap ones.
import crypto from 'node:crypto';
import { bls12_381 as bls } from '@noble/curves/bls12-381';

export function makeKeystore(secret, password, { n = 1 << 10, r = 8, p = 1 } = {}) {
  const salt = crypto.randomBytes(32);
  const iv = crypto.randomBytes(16);
  const dk = crypto.scryptSync(Buffer.from(password.normalize('NFKD'), 'utf8'), salt, 32,
    { N: n, r, p, maxmem: 1024 * 1024 * 1024 });
  const cipher = crypto.createCipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
  const message = Buffer.concat([cipher.update(secret), cipher.final()]);
  const checksum = crypto.createHash('sha256').update(Buffer.concat([dk.subarray(16, 32), message])).digest('hex');
  return {
    crypto: {
      kdf: { function: 'scrypt', params: { dklen: 32, n, r, p, salt: salt.toString('hex') }, message: '' },
      checksum: { function: 'sha256', params: {}, message: checksum },
      cipher: { function: 'aes-128-ctr', params: { iv: iv.toString('hex') }, message: message.toString('hex') },
    },
    pubkey: Buffer.from(bls.getPublicKey(secret)).toString('hex'),
    path: '',
    uuid: crypto.randomUUID(),
    version: 4,
  };
}

// A keystore whose scrypt parameters are replaced after it was written (the derivation is never run here).
export function withScryptParams(keystore, params) {
  const copy = structuredClone(keystore);
  Object.assign(copy.crypto.kdf.params, params);
  return copy;
}
