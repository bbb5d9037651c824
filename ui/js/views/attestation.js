// Attestation: asks with a fresh random nonce, shows that it came back, every hash with a copy button,
// and the signature verdict (checked here with WebCrypto when the browser can).
import { attestation } from '../api.js';
import { copyButton, el, errorState, facts, replaceChildren } from '../dom.js';
import { list, randomHex, time } from '../format.js';
import { ed25519Supported, signatureParts, verifyAttestation } from '../verify.js';

const kNonceBytes = 16;

// Every "sha256:..." value in the document, with the path that leads to it, so new per-module hashes
// show up without changing the page.
export function collectHashes(value, path = [], out = []) {
  if (typeof value === 'string') {
    if (/^sha256:[0-9a-f]{64}$/i.test(value)) out.push({ label: path.join(' › '), value });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectHashes(item, [...path, item?.id ?? String(index)], out));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (key !== 'id') collectHashes(item, [...path, key], out);
  }
  return out;
}

function hashTable(hashes) {
  if (hashes.length === 0) return el('p', { class: 'muted' }, 'The document carries no hashes.');
  return el('table', { class: 'hash-table' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'What'), el('th', { scope: 'col' }, 'SHA-256'), el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Copy')))),
    el('tbody', {}, hashes.map(({ label, value }) => el('tr', { dataset: { hash: label } },
      el('th', { scope: 'row' }, label),
      el('td', {}, el('code', { class: 'hash' }, value)),
      el('td', {}, copyButton(value, label))))));
}

async function signatureVerdict(document) {
  const parts = signatureParts(document);
  if (!parts) return { verdict: 'missing', detail: 'the document carries no signature and attestation key' };
  if (!await ed25519Supported()) {
    return { verdict: 'unchecked', detail: 'this browser has no Ed25519 in WebCrypto, so the signature the daemon reports was not checked here; check it with `cryftee attest verify`' };
  }
  try {
    return await verifyAttestation(document);
  } catch (error) {
    return { verdict: 'invalid', detail: `the signature could not be checked: ${error.message}` };
  }
}

let generation = 0;

export async function renderAttestation(container) {
  const mine = ++generation;
  const nonce = randomHex(kNonceBytes);
  replaceChildren(container, el('p', { class: 'muted', role: 'status' }, 'Asking the daemon for a signed attestation…'));
  let document;
  try {
    document = await attestation(nonce);
  } catch (error) {
    if (mine === generation) replaceChildren(container, errorState('No attestation', `${error.message}.`));
    return;
  }
  const verdict = await signatureVerdict(document);
  if (mine !== generation) return;
  const returned = document.nonce;
  const nonceOk = returned === nonce;
  const ok = verdict.verdict === 'valid';
  const binary = document.verified_binary_hash;
  replaceChildren(container,
    el('div', { class: 'cards' },
      el('article', { class: 'card', dataset: { card: 'nonce' } },
        el('h2', {}, 'Nonce round-trip'),
        el('span', { class: `badge badge-${nonceOk ? 'ok' : 'bad'}`, dataset: { verdict: 'nonce', state: nonceOk ? 'ok' : 'bad' } },
          nonceOk ? 'nonce came back' : 'nonce did not come back'),
        facts([['Sent', el('code', {}, nonce), 'nonce-sent'], ['Returned', returned && el('code', {}, String(returned)), 'nonce-returned']])),
      el('article', { class: 'card', dataset: { card: 'signature' } },
        el('h2', {}, 'Signature'),
        el('span', { class: `badge badge-${ok ? 'ok' : 'bad'}`, dataset: { verdict: 'signature', state: verdict.verdict } },
          ok ? 'signature valid' : verdict.verdict === 'invalid' ? 'signature invalid' : 'signature not checked'),
        el('p', {}, verdict.detail),
        facts([['Public key', signatureParts(document)?.publicKey && el('code', { class: 'hash' }, signatureParts(document).publicKey), 'public_key']])),
      el('article', { class: 'card', dataset: { card: 'document' } },
        el('h2', {}, 'Document'),
        facts([
          ['Cryftee version', document.cryftee_version, 'cryftee_version'],
          ['Timestamp', time(document.timestamp), 'timestamp'],
          ['Loaded modules', list(document.loaded_modules), 'loaded_modules'],
          ['Registry epoch', document.registry_epoch, 'registry_epoch'],
          binary && ['Operator\'s binary hash', binary.matches ? 'matches the running binary' : 'does NOT match the running binary', 'verified_binary_hash'],
        ]))),
    el('h2', {}, 'Hashes'),
    hashTable(collectHashes(Object.fromEntries(Object.entries(document).filter(([k]) => k !== 'signature')))),
    el('details', {}, el('summary', {}, 'Raw document'), el('pre', { class: 'json' }, JSON.stringify(document, null, 2))));
}
