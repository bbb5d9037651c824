// Checks shared by the key store tests: signatures verified by implementations independent of the daemon
// (@noble/curves for BLS, node's crypto for the TLS key), and a byte-exact picture of a key folder.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bls12_381 as bls } from '@noble/curves/bls12-381';

export function blsVerifies(signatureHex, message, pubkeyHex, dst) {
  const signature = bls.G2.ProjectivePoint.fromHex(signatureHex.replace(/^0x/, ''));
  const publicKey = bls.G1.ProjectivePoint.fromHex(pubkeyHex.replace(/^0x/, ''));
  return bls.verify(signature, bls.G2.hashToCurve(message, { DST: dst }), publicKey);
}

export function tlsVerifies(certificatePem, data, signatureHex) {
  const key = new crypto.X509Certificate(certificatePem).publicKey;
  return crypto.verify('sha256', data, key, Buffer.from(signatureHex.replace(/^0x/, ''), 'hex'));
}

// Every file of the key folder with its bytes and modification time, to show a start changed nothing.
export function snapshot(dir) {
  const files = {};
  const walk = (at) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = { bytes: fs.readFileSync(full).toString('hex'), mtime: fs.statSync(full).mtimeMs };
    }
  };
  walk(dir);
  return files;
}
