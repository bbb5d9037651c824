// EIP-2335 keystore decryption with node's own crypto, independent of Cryftee's C++ (OpenSSL) code, so
// that a keystore Cryftee writes is checked by a second implementation.
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt);
const pbkdf2 = promisify(crypto.pbkdf2);

// Bounds a keystore may ask of the stand-in, as Web3Signer has none worth copying for tests.
const MAX_SCRYPT_MEMORY = 512 * 1024 * 1024;
const MAX_PBKDF2_ITERATIONS = 10_000_000;

export class KeystoreError extends Error {}

// EIP-2335: NFKD, then strip C0, DEL and C1 control characters.
export function normalizePassword(password) {
  return password.normalize('NFKD').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

function hex(text, what) {
  if (typeof text !== 'string' || !/^(0x)?([0-9a-fA-F]{2})*$/.test(text)) throw new KeystoreError(`${what} is not hex`);
  return Buffer.from(text.replace(/^0x/, ''), 'hex');
}

async function deriveKey(kdf, password) {
  const params = kdf?.params ?? {};
  const salt = hex(params.salt, 'kdf salt');
  if (params.dklen !== 32) throw new KeystoreError('kdf dklen must be 32');
  if (kdf.function === 'scrypt') {
    const { n, r, p } = params;
    if (!Number.isSafeInteger(n) || n < 2 || (n & (n - 1)) !== 0) throw new KeystoreError('scrypt n must be a power of two');
    if (!Number.isSafeInteger(r) || !Number.isSafeInteger(p) || r < 1 || p < 1) throw new KeystoreError('scrypt r and p must be positive');
    if (128 * n * r > MAX_SCRYPT_MEMORY) throw new KeystoreError('scrypt parameters need too much memory');
    return scrypt(password, salt, 32, { N: n, r, p, maxmem: 2 * 128 * n * r + 1024 * 1024 });
  }
  if (kdf.function === 'pbkdf2') {
    if (params.prf !== 'hmac-sha256') throw new KeystoreError('pbkdf2 prf must be hmac-sha256');
    if (!Number.isSafeInteger(params.c) || params.c < 1 || params.c > MAX_PBKDF2_ITERATIONS) {
      throw new KeystoreError('pbkdf2 c is out of range');
    }
    return pbkdf2(password, salt, params.c, 32, 'sha256');
  }
  throw new KeystoreError(`kdf function ${kdf?.function} is not supported`);
}

// Returns the 32-byte secret, or throws KeystoreError (wrong password, malformed keystore).
export async function decryptKeystore(keystore, password) {
  if (keystore?.version !== 4) throw new KeystoreError('keystore version must be 4');
  const { kdf, checksum, cipher } = keystore.crypto ?? {};
  if (checksum?.function !== 'sha256') throw new KeystoreError('checksum function must be sha256');
  if (cipher?.function !== 'aes-128-ctr') throw new KeystoreError('cipher function must be aes-128-ctr');
  const iv = hex(cipher.params?.iv, 'cipher iv');
  const ciphertext = hex(cipher.message, 'cipher message');
  if (iv.length !== 16) throw new KeystoreError('cipher iv must be 16 bytes');
  const dk = await deriveKey(kdf, Buffer.from(normalizePassword(password), 'utf8'));
  const actual = crypto.createHash('sha256').update(dk.subarray(16, 32)).update(ciphertext).digest();
  const expected = hex(checksum.message, 'checksum message');
  if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) {
    dk.fill(0);
    throw new KeystoreError('invalid keystore password (checksum mismatch)');
  }
  const decipher = crypto.createDecipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
  const secret = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  dk.fill(0);
  return secret;
}
