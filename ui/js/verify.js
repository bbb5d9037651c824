// Checks the attestation's Ed25519 signature in the browser with WebCrypto, so the verdict does not rest
// on the daemon's word. Where the browser has no Ed25519, the caller says so and shows the server's view.
import { canonicalize } from './jcs.js';

export function base64ToBytes(text) {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = normal + '='.repeat((4 - (normal.length % 4)) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function hexToBytes(text) {
  const hex = text.startsWith('0x') ? text.slice(2) : text;
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error('not hex');
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function decodeKeyOrSignature(text, expectedLength) {
  const hex = text.startsWith('0x') ? text.slice(2) : text;
  if (hex.length === expectedLength * 2 && /^[0-9a-fA-F]+$/.test(hex)) return hexToBytes(hex);
  return base64ToBytes(text);
}

export async function ed25519Supported() {
  try {
    await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

// The document names what it signs: {signature: {algorithm, public_key, value, domain}} around the JCS
// of the document without "signature", prefixed by the domain string.
export function signatureParts(document) {
  const signature = document?.signature;
  if (!signature || typeof signature !== 'object') return undefined;
  const publicKey = signature.public_key ?? signature.publicKey;
  const value = signature.value ?? signature.signature;
  if (typeof publicKey !== 'string' || typeof value !== 'string') return undefined;
  return { algorithm: signature.algorithm ?? 'Ed25519', publicKey, value, domain: signature.domain ?? '' };
}

export async function verifyAttestation(document) {
  const parts = signatureParts(document);
  if (!parts) return { verdict: 'missing', detail: 'the document carries no signature this page understands' };
  if (String(parts.algorithm).toLowerCase() !== 'ed25519') {
    return { verdict: 'unsupported', detail: `signature algorithm ${parts.algorithm} is not checked in the browser` };
  }
  const unsigned = { ...document };
  delete unsigned.signature;
  const message = new TextEncoder().encode(parts.domain + canonicalize(unsigned));
  const key = await crypto.subtle.importKey('raw', decodeKeyOrSignature(parts.publicKey, 32), { name: 'Ed25519' }, false, ['verify']);
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, decodeKeyOrSignature(parts.value, 64), message);
  return ok
    ? { verdict: 'valid', detail: 'Ed25519 signature checked in this browser with WebCrypto' }
    : { verdict: 'invalid', detail: 'the Ed25519 signature does not match the document' };
}
