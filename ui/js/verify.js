// Checks the attestation's Ed25519 signature in the browser with WebCrypto, so the verdict does not rest
// on the daemon's word. Where the browser has no Ed25519, the caller says that it could not check.
import { canonicalize } from './jcs.js';

export function base64ToBytes(text) {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = normal + '='.repeat((4 - (normal.length % 4)) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function decodeBase64Exact(text, expectedLength, what) {
  const bytes = base64ToBytes(text);
  if (bytes.length !== expectedLength) throw new Error(`${what} is not base64 of ${expectedLength} bytes`);
  return bytes;
}

export async function ed25519Supported() {
  try {
    await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

// The bytes each attestation format signs are its domain string followed by the RFC 8785 canonical JSON
// of the document without "signature" (src/attest/document.h).
const kDomains = { 'cryftee-attestation-v1': 'cryftee-attestation-v1\n' };

export function signatureParts(document) {
  const { signature, attestation_public_key: publicKey, format } = document ?? {};
  if (typeof signature !== 'string' || typeof publicKey !== 'string') return undefined;
  return { publicKey, value: signature, format, domain: kDomains[format] };
}

export async function verifyAttestation(document) {
  const parts = signatureParts(document);
  if (!parts) return { verdict: 'missing', detail: 'the document carries no signature this page understands' };
  if (parts.domain === undefined) {
    return { verdict: 'unsupported', detail: `this page does not know the attestation format "${parts.format}"` };
  }
  const unsigned = { ...document };
  delete unsigned.signature;
  const message = new TextEncoder().encode(parts.domain + canonicalize(unsigned));
  const key = await crypto.subtle.importKey('raw', decodeBase64Exact(parts.publicKey, 32, 'the public key'), { name: 'Ed25519' }, false, ['verify']);
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, decodeBase64Exact(parts.value, 64, 'the signature'), message);
  return ok
    ? { verdict: 'valid', detail: 'Ed25519 signature checked in this browser with WebCrypto' }
    : { verdict: 'invalid', detail: 'the Ed25519 signature does not match the document' };
}
