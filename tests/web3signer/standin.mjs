#!/usr/bin/env node
// A Web3Signer stand-in for tests: the parts of Web3Signer's eth2 REST API that Cryftee uses, implemented
// per Web3Signer's published OpenAPI specification, with keystore decryption by node's crypto and BLS by
// @noble/curves, so it cross-checks Cryftee's own (OpenSSL, blst) code.
//
// Usage: node standin.mjs [--host 127.0.0.1] [--port 0] [--control-port 0]
//                         [--delay-ms N] [--fail] [--drop] [--down] [--auth-token T]
// Prints one JSON line {"port":P,"controlPort":C} once listening. The control listener takes
// POST /control with any of {delayMs, fail, drop, failNext, dropNext, down, authToken, oddMessages} and answers
// the new state;
// GET /control answers the state, the request counts per route and the keys held.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { bls12_381 } from '@noble/curves/bls12-381';

import { decryptKeystore, KeystoreError } from './keystore.mjs';
import { signingRoot, SigningRequestError } from './signing_root.mjs';

const SIGNATURE_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const PUBKEY_PATTERN = /^0x[0-9a-fA-F]{96}$/;
const ZERO_ROOT = `0x${'00'.repeat(32)}`;

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'control-port': { type: 'string', default: '0' },
    'delay-ms': { type: 'string', default: '0' },
    fail: { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
    down: { type: 'boolean', default: false },
    'auth-token': { type: 'string' },
  },
});

// Misbehaviour the tests ask for. failNext/dropNext count down per API request.
const control = {
  delayMs: Number(args['delay-ms']),
  fail: args.fail,
  drop: args.drop,
  failNext: 0,
  dropNext: 0,
  down: false,
  // When set, every import and delete status carries a "message" that is a number, not the spec's string.
  oddMessages: false,
  // When set, the Keymanager routes (/eth/v1/keystores) demand "Authorization: Bearer <token>", as the
  // spec's bearerAuth security scheme says: 401 without a token, 403 with a wrong one.
  authToken: args['auth-token'] ?? null,
};
const keys = new Map();            // lower-case 0x pubkey -> { secret, path }
const slashingHistory = new Set(); // pubkeys ever imported: their (empty) slashing data is retained
const requestCounts = {};

const blsSigs = bls12_381.longSignatures; // min-pk: public keys in G1, signatures in G2
const toHex = (bytes) => `0x${Buffer.from(bytes).toString('hex')}`;

function send(res, status, body, contentType = 'application/json') {
  const text = contentType === 'application/json' ? JSON.stringify(body) : String(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
const error = (res, status, message) => send(res, status, { message });

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function readJson(req, res) {
  try {
    return JSON.parse(await readBody(req));
  } catch {
    error(res, 400, 'Request body is not valid JSON');
    return undefined;
  }
}

function slashingProtection(pubkeys) {
  return JSON.stringify({
    metadata: { interchange_format_version: '5', genesis_validators_root: ZERO_ROOT },
    data: pubkeys.map((pubkey) => ({ pubkey, signed_blocks: [], signed_attestations: [] })),
  });
}

async function importOne(keystoreText, password) {
  if (typeof keystoreText !== 'string') return { status: 'error', message: 'keystore must be a JSON string' };
  if (typeof password !== 'string') return { status: 'error', message: 'password must be a string' };
  let keystore;
  try {
    keystore = JSON.parse(keystoreText);
  } catch {
    return { status: 'error', message: 'keystore is not valid JSON' };
  }
  // Like Web3Signer, a keystore naming a key already held is a duplicate before any decryption.
  const declared = typeof keystore?.pubkey === 'string' ? keystore.pubkey.toLowerCase().replace(/^(0x)?/, '0x') : undefined;
  if (declared && keys.has(declared)) return { status: 'duplicate' };
  let secret;
  try {
    secret = await decryptKeystore(keystore, password);
  } catch (e) {
    if (e instanceof KeystoreError) return { status: 'error', message: e.message };
    throw e;
  }
  let pubkey;
  try {
    pubkey = toHex(blsSigs.getPublicKey(secret).toBytes(true));
  } catch {
    secret.fill(0);
    return { status: 'error', message: 'keystore secret is not a valid BLS12-381 secret key' };
  }
  if (declared && declared !== pubkey) {
    secret.fill(0);
    return { status: 'error', message: 'keystore pubkey does not match its secret' };
  }
  if (keys.has(pubkey)) {
    secret.fill(0);
    return { status: 'duplicate' };
  }
  keys.set(pubkey, { secret, path: typeof keystore.path === 'string' ? keystore.path : '' });
  slashingHistory.add(pubkey);
  return { status: 'imported' };
}

const withOddMessages = (statuses) => (control.oddMessages ? statuses.map((s) => ({ ...s, message: 42 })) : statuses);

const routes = {
  'GET /upcheck': (req, res) => send(res, 200, 'OK', 'text/plain; charset=utf-8'),

  'GET /healthcheck': (req, res) =>
    send(res, 200, {
      status: 'UP',
      checks: [{ id: 'keys-check', status: 'UP' }, { id: 'slashing-protection-db-health-check', status: 'UP' }],
      outcome: 'UP',
    }),

  'GET /api/v1/eth2/publicKeys': (req, res) => send(res, 200, [...keys.keys()]),

  'GET /eth/v1/keystores': (req, res) =>
    send(res, 200, {
      data: [...keys.entries()].map(([pubkey, key]) => ({
        validating_pubkey: pubkey, derivation_path: key.path, readonly: false,
      })),
    }),

  async 'POST /eth/v1/keystores'(req, res) {
    const body = await readJson(req, res);
    if (body === undefined) return;
    const { keystores, passwords } = body ?? {};
    if (!Array.isArray(keystores) || !Array.isArray(passwords)) {
      return error(res, 400, 'keystores and passwords must be arrays');
    }
    if (keystores.length !== passwords.length) {
      return error(res, 400, 'keystores and passwords must have the same length');
    }
    if (body.slashing_protection !== undefined && typeof body.slashing_protection !== 'string') {
      return error(res, 400, 'slashing_protection must be a JSON string');
    }
    const data = [];
    for (let i = 0; i < keystores.length; ++i) data.push(await importOne(keystores[i], passwords[i]));
    send(res, 200, { data: withOddMessages(data) });
  },

  async 'DELETE /eth/v1/keystores'(req, res) {
    const body = await readJson(req, res);
    if (body === undefined) return;
    const pubkeys = body?.pubkeys;
    if (!Array.isArray(pubkeys) || !pubkeys.every((p) => typeof p === 'string' && PUBKEY_PATTERN.test(p))) {
      return error(res, 400, 'pubkeys must be an array of 0x-prefixed 48-byte hex public keys');
    }
    const data = [];
    const retained = [];
    for (const raw of pubkeys) {
      const pubkey = raw.toLowerCase();
      if (keys.has(pubkey)) {
        keys.get(pubkey).secret.fill(0);
        keys.delete(pubkey);
        data.push({ status: 'deleted' });
        retained.push(pubkey);
      } else if (slashingHistory.has(pubkey)) {
        data.push({ status: 'not_active' });
        retained.push(pubkey);
      } else {
        data.push({ status: 'not_found' });
      }
    }
    send(res, 200, { data: withOddMessages(data), slashing_protection: slashingProtection(retained) });
  },
};

async function sign(req, res, identifier) {
  if (!PUBKEY_PATTERN.test(identifier)) return error(res, 400, 'identifier must be a 0x-prefixed BLS public key');
  const key = keys.get(identifier.toLowerCase());
  const body = await readJson(req, res);
  if (body === undefined) return;
  if (!key) return error(res, 404, 'Public Key not found');
  let root;
  try {
    root = signingRoot(body);
  } catch (e) {
    if (e instanceof SigningRequestError) return error(res, 400, e.message);
    throw e;
  }
  const signature = toHex(blsSigs.sign(blsSigs.hash(root, SIGNATURE_DST), key.secret).toBytes(true));
  if ((req.headers.accept ?? '').includes('application/json')) send(res, 200, { signature });
  else send(res, 200, signature, 'text/plain');
}

async function handleApi(req, res) {
  const { pathname } = new URL(req.url, 'http://standin');
  const signPrefix = '/api/v1/eth2/sign/';
  const isSign = req.method === 'POST' && pathname.startsWith(signPrefix);
  const route = isSign ? `POST ${signPrefix}{identifier}` : `${req.method} ${pathname}`;
  requestCounts[route] = (requestCounts[route] ?? 0) + 1;

  if (control.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, control.delayMs));
  if (control.drop || control.dropNext > 0) {
    if (control.dropNext > 0) control.dropNext -= 1;
    req.socket.destroy();
    return;
  }
  if (control.fail || control.failNext > 0) {
    if (control.failNext > 0) control.failNext -= 1;
    return error(res, 500, 'Internal Web3Signer server error (stand-in told to fail)');
  }

  if (control.authToken && pathname === '/eth/v1/keystores') {
    const given = req.headers.authorization;
    if (!given) return error(res, 401, 'Unauthorized, no token is found');
    if (given !== `Bearer ${control.authToken}`) return error(res, 403, 'Forbidden, a token is found but is invalid');
  }
  if (isSign) return sign(req, res, pathname.slice(signPrefix.length));
  const handler = routes[route];
  if (!handler) return error(res, 404, `No route for ${route}`);
  return handler(req, res);
}

const api = http.createServer((req, res) => {
  handleApi(req, res).catch((e) => {
    if (!res.headersSent) error(res, 500, e.message);
  });
});
const sockets = new Set();
api.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, args.host, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

let apiPort = Number(args.port);

// Down means refused connections: the listener closes and every open connection is cut.
async function setDown(down) {
  if (down === control.down) return;
  control.down = down;
  if (down) {
    await new Promise((resolve) => {
      api.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  } else {
    await listen(api, apiPort);
  }
}

const controlServer = http.createServer(async (req, res) => {
  try {
    if (req.method === 'GET' && req.url === '/control') {
      return send(res, 200, { ...control, authToken: Boolean(control.authToken), requests: requestCounts, keys: [...keys.keys()] });
    }
    if (req.method === 'POST' && req.url === '/control') {
      const body = await readJson(req, res);
      if (body === undefined) return;
      for (const field of ['delayMs', 'failNext', 'dropNext']) {
        if (body[field] !== undefined) control[field] = Number(body[field]);
      }
      for (const field of ['fail', 'drop', 'oddMessages']) {
        if (body[field] !== undefined) control[field] = Boolean(body[field]);
      }
      if (body.authToken !== undefined) control.authToken = body.authToken;
      if (body.down !== undefined) await setDown(Boolean(body.down));
      return send(res, 200, { ...control, authToken: Boolean(control.authToken) });
    }
    error(res, 404, 'control routes: GET /control, POST /control');
  } catch (e) {
    if (!res.headersSent) error(res, 500, e.message);
  }
});

apiPort = await listen(api, apiPort);
const controlPort = await listen(controlServer, Number(args['control-port']));
if (args.down) await setDown(true);
process.stdout.write(`${JSON.stringify({ port: apiPort, controlPort })}\n`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const key of keys.values()) key.secret.fill(0);
    process.exit(0);
  });
}
