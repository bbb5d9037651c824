// AvalancheGo's remote signer (proto/signer.proto) served over gRPC by the real daemon, called by a real
// gRPC client (@grpc/grpc-js) built from the same .proto: the avalanche-local signers and the bls-min-pk
// vectors sign to the expected bytes, every answer verifies under @noble/curves, bad input gets clear gRPC
// errors, peers outside the uid allow-list and non-loopback binds without mTLS are refused, sixteen
// clients keep signing through module reloads, and with Web3Signer enabled the signing calls, handed to
// the blocking-work threads, still sign and finish when the daemon stops, while PublicKey never waits there;
// a connection may have 64 calls open at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { startDaemon, tempDir, freePort, copyBundledModules, VECTORS_DIR } from './lib/daemon.mjs';
import { signerClient, credentials, Status } from './lib/grpc_signer_client.mjs';
import { makeTlsFiles } from './lib/tls_files.mjs';
import { startStandIn } from './lib/standin.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const avalanche = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, 'avalanche-local.json'), 'utf8'));
const minPk = JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, 'bls-min-pk.json'), 'utf8'));
const DST = minPk.dsts;  // { sig, pop }
const MODULE_MESSAGE_LIMIT = 65536;  // bls_tls_signer_v1's largest message

const unhex = (text) => Buffer.from(text.replace(/^0x/, ''), 'hex');
const hex = (bytes) => Buffer.from(bytes).toString('hex');

function verifies(publicKey, message, signature, dst) {
  const pk = bls.G1.ProjectivePoint.fromHex(hex(publicKey));
  const sig = bls.G2.ProjectivePoint.fromHex(hex(signature));
  return bls.verify(sig, bls.G2.hashToCurve(message, { DST: dst }), pk);
}

// AvalancheGo's signed IP: the IP as 16 bytes, the port and a Unix timestamp, big-endian: 26 bytes.
function signedIpPayload(port, timestamp) {
  const payload = Buffer.alloc(26);
  Buffer.from('00000000000000000000ffff7f000001', 'hex').copy(payload, 0);
  payload.writeUInt16BE(port, 16);
  payload.writeBigUInt64BE(BigInt(timestamp), 18);
  return payload;
}

// A daemon whose gRPC signer listens on a Unix socket in a fresh directory (or `grpcAddr` when given).
async function startSigner({ keyMaterial, args = [], grpcAddr, env = {}, waitReady = true, ...options } = {}) {
  const socketDir = tempDir('cryftee-grpc-');
  const target = grpcAddr ?? `unix:${path.join(socketDir, 'grpc', 'signer.sock')}`;
  const daemon = await startDaemon({
    ...options,
    waitReady,
    args: ['--grpc-signer-addr', target, ...args],
    env: { ...(keyMaterial ? { CRYFTEE_WEB3SIGNER_KEY_MATERIAL: keyMaterial } : {}), ...env },
  });
  daemon.grpcTarget = target;
  daemon.socketDir = socketDir;
  return daemon;
}

async function grpcError(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the call succeeded but should have failed');
}

test('each avalanche-local signer imported at start: public key, proof of possession, signed IP, sign', async () => {
  for (const [index, vector] of avalanche.signers.entries()) {
    // Unix socket for some, loopback TCP for the others: both transports serve the same answers.
    const grpcAddr = index % 2 === 0 ? undefined : `127.0.0.1:${await freePort()}`;
    const daemon = await startSigner({ keyMaterial: vector.secretKeyBase64, grpcAddr });
    const client = signerClient(daemon.grpcTarget);
    try {
      const publicKey = unhex(vector.publicKey);
      const { public_key } = await client.publicKey();
      assert.equal(hex(public_key), hex(publicKey), vector.name);

      const pop = (await client.signProofOfPossession(publicKey)).signature;
      assert.equal(`0x${hex(pop)}`, vector.proofOfPossession, vector.name);
      assert.ok(verifies(publicKey, publicKey, pop, DST.pop), `${vector.name}: PoP verifies under @noble/curves`);

      const ip = signedIpPayload(9651, 1700000000 + index);
      const ipSignature = (await client.signProofOfPossession(ip)).signature;
      assert.ok(verifies(publicKey, ip, ipSignature, DST.pop), `${vector.name}: signed IP verifies`);

      const warp = Buffer.from(`warp message ${index} for ${vector.name}`);
      const signature = (await client.sign(warp)).signature;
      assert.equal(signature.length, 96);
      assert.ok(verifies(publicKey, warp, signature, DST.sig), `${vector.name}: Sign verifies under the sig DST`);
      assert.ok(!verifies(publicKey, warp, signature, DST.pop), `${vector.name}: and not under the PoP DST`);

      const signLine = /request .*grpc_status=OK .*method=POST .*route=\/signer\.Signer\/Sign status=200/;
      assert.match(await daemon.logged(signLine), signLine);
      assert.ok(!daemon.output.includes(vector.secretKeyBase64), 'the key material is never logged');
      assert.ok(!daemon.output.includes(vector.secretKeyHex), 'the key material is never logged');
    } finally {
      client.close();
      await daemon.stop('SIGINT');
    }
  }
});

test('Sign of every bls-min-pk message gives the expected signature when that vector\'s key is served', async () => {
  const cases = minPk.cases.filter((c) => c.dst === 'sig' && c.message.length > 0);
  assert.ok(cases.length >= 8);
  for (const c of cases) {
    // The key named explicitly, by public key, as an operator would with --grpc-signer-key.
    const daemon = await startSigner({ keyMaterial: unhex(c.secretKey).toString('base64'), args: ['--grpc-signer-key', c.publicKey] });
    const client = signerClient(daemon.grpcTarget);
    try {
      const message = unhex(c.message);
      const { signature } = await client.sign(message);
      assert.equal(hex(signature), c.signature);
      assert.ok(verifies(unhex(c.publicKey), message, signature, DST.sig));
    } finally {
      client.close();
      await daemon.stop();
    }
  }
});

test('bad input gets INVALID_ARGUMENT or RESOURCE_EXHAUSTED with a clear message and changes nothing', async () => {
  const vector = avalanche.signers[0];
  const daemon = await startSigner({ keyMaterial: vector.secretKeyBase64, args: ['--max-body-bytes', String(256 * 1024)] });
  const client = signerClient(daemon.grpcTarget);
  try {
    for (const call of [() => client.sign(Buffer.alloc(0)), () => client.signProofOfPossession(Buffer.alloc(0))]) {
      const empty = await grpcError(call());
      assert.equal(empty.code, Status.INVALID_ARGUMENT);
      assert.match(empty.details, /^empty_message: the message is empty/);
    }
    const oversized = await grpcError(client.sign(Buffer.alloc(MODULE_MESSAGE_LIMIT + 1, 7)));
    assert.equal(oversized.code, Status.INVALID_ARGUMENT);
    assert.match(oversized.details, /^message_too_large: .*65536/);
    // Beyond --max-body-bytes gRPC itself refuses the message before the signer sees it.
    const huge = await grpcError(client.sign(Buffer.alloc(512 * 1024, 7)));
    assert.equal(huge.code, Status.RESOURCE_EXHAUSTED);
    assert.match(huge.details, /larger than max/);

    // The largest message the module accepts still signs, and the daemon is unchanged.
    const largest = Buffer.alloc(MODULE_MESSAGE_LIMIT, 9);
    const publicKey = unhex(vector.publicKey);
    assert.ok(verifies(publicKey, largest, (await client.sign(largest)).signature, DST.sig));
    assert.equal(hex((await client.publicKey()).public_key), hex(publicKey));
    const tooLarge = /request .*grpc_status=INVALID_ARGUMENT .*message="message_too_large: [^"]*".*route=\/signer\.Signer\/Sign status=413/;
    assert.match(await daemon.logged(tooLarge), tooLarge);
  } finally {
    client.close();
    await daemon.stop();
  }
});

test('with no loaded module for bls_sign a call is UNAVAILABLE and names the reason', async () => {
  const vector = avalanche.signers[0];
  const moduleDir = copyBundledModules(path.join(tempDir(), 'modules'));
  // One flipped byte: the signer module's hash no longer matches its signed manifest entry, so it never loads.
  const wasm = path.join(moduleDir, 'bls_tls_signer_v1', 'bls_tls_signer_v1.wasm');
  const bytes = fs.readFileSync(wasm);
  bytes[bytes.length - 1] ^= 1;
  fs.writeFileSync(wasm, bytes);
  const daemon = await startSigner({ keyMaterial: vector.secretKeyBase64, moduleDir });
  const client = signerClient(daemon.grpcTarget);
  try {
    const failed = await grpcError(client.sign(Buffer.from('warp')));
    assert.equal(failed.code, Status.UNAVAILABLE);
    assert.match(failed.details, /^no_module: no module provides bls_sign/);
    assert.equal(hex((await client.publicKey()).public_key), hex(unhex(vector.publicKey)));
  } finally {
    client.close();
    await daemon.stop();
  }
});

test('a Unix-socket peer outside --allowed-peer-uids is refused; an allowed one is served', async () => {
  const me = process.getuid();
  const vector = avalanche.signers[1];
  const refused = await startSigner({ keyMaterial: vector.secretKeyBase64, args: ['--allowed-peer-uids', String(me + 4242)], waitReady: false });
  try {
    const deadline = Date.now() + 15000;
    while (!/listener=grpc_signer/.test(refused.output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const client = signerClient(refused.grpcTarget);
    const error = await grpcError(client.sign(Buffer.from('warp')));
    client.close();
    assert.equal(error.code, Status.UNAVAILABLE);
    assert.match(refused.output, new RegExp(`connection_refused listener=grpc_signer peer="unix:uid=${me}"`));
    assert.doesNotMatch(refused.output, /route=\/signer/);
  } finally {
    await refused.stop();
  }

  const allowed = await startSigner({ keyMaterial: vector.secretKeyBase64, args: ['--allowed-peer-uids', String(me)] });
  const client = signerClient(allowed.grpcTarget);
  try {
    assert.equal(hex((await client.publicKey()).public_key), hex(unhex(vector.publicKey)));
  } finally {
    client.close();
    await allowed.stop();
  }
});

test('a client running as another user is refused by the allow-list, even when the socket lets it in', { skip: process.getuid() !== 0 && 'needs root to run a client as another uid' }, async () => {
  const vector = avalanche.signers[2];
  const daemon = await startSigner({ keyMaterial: vector.secretKeyBase64, args: ['--allowed-peer-uids', '0'] });
  try {
    // Open the file system path to everyone, so that only the SO_PEERCRED check stands in the way.
    const socket = daemon.grpcTarget.slice('unix:'.length);
    fs.chmodSync(daemon.socketDir, 0o711);
    fs.chmodSync(path.dirname(socket), 0o711);
    fs.chmodSync(socket, 0o666);
    const script = path.join(here, 'lib', 'grpc_signer_call.mjs');
    const run = (prefix) => new Promise((resolve, reject) => {
      execFile(prefix[0], [...prefix.slice(1), process.execPath, script, daemon.grpcTarget, 'Sign', hex(Buffer.from('warp'))],
        { timeout: 60000 }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
    });
    const stranger = await run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    assert.equal(stranger.ok, false);
    assert.equal(stranger.code, Status.UNAVAILABLE);
    assert.match(daemon.output, /connection_refused listener=grpc_signer peer="unix:uid=65534"/);
    const owner = await run(['env']);
    assert.equal(owner.ok, true, JSON.stringify(owner));
    assert.ok(verifies(unhex(vector.publicKey), Buffer.from('warp'), unhex(owner.bytes), DST.sig));
  } finally {
    await daemon.stop();
  }
});

test('a non-loopback address is refused at start without mTLS, and served with it', async () => {
  const vector = avalanche.signers[0];
  const port = await freePort();
  const bare = await startSigner({ keyMaterial: vector.secretKeyBase64, grpcAddr: `0.0.0.0:${port}`, waitReady: false });
  const { code } = await bare.exited;
  assert.equal(code, 2);
  assert.match(bare.output, /--grpc-signer-addr: '0\.0\.0\.0:\d+' is not a loopback address.*--tls-client-ca/);

  const tls = makeTlsFiles(path.join(tempDir(), 'tls'));
  const daemon = await startSigner({
    keyMaterial: vector.secretKeyBase64,
    grpcAddr: `0.0.0.0:${port}`,
    args: ['--tls-cert', tls.certFile, '--tls-key', tls.keyFile, '--tls-client-ca', tls.caFile],
  });
  try {
    const target = `127.0.0.1:${port}`;
    const withCertificate = signerClient(target, credentials.createSsl(tls.ca, tls.client.key, tls.client.cert));
    const publicKey = unhex(vector.publicKey);
    const pop = (await withCertificate.signProofOfPossession(publicKey)).signature;
    assert.equal(`0x${hex(pop)}`, vector.proofOfPossession);
    withCertificate.close();
    for (const channel of [credentials.createInsecure(), credentials.createSsl(tls.ca),
      credentials.createSsl(tls.ca, tls.stranger.key, tls.stranger.cert)]) {
      const client = signerClient(target, channel);
      const error = await grpcError(client.publicKey());
      client.close();
      assert.equal(error.code, Status.UNAVAILABLE);
    }
  } finally {
    await daemon.stop();
  }
});

test('the served key: none, only a run-only key, or an unknown name refuses start with a line listing the keys', async () => {
  const none = await startSigner({ waitReady: false });
  assert.equal((await none.exited).code, 1);
  assert.match(none.output, /cryftee: the gRPC signer needs one BLS key and no durable BLS key is held at start \(held: none;/);

  // A key generated for this run only is never chosen by default...
  const ephemeral = await startSigner({ env: { CRYFTEE_WEB3SIGNER_EPHEMERAL: 'true' }, waitReady: false });
  assert.equal((await ephemeral.exited).code, 1);
  assert.match(ephemeral.output, /no durable BLS key is held at start \(held: bls-[0-9a-f]{32} \(0x[0-9a-f]{96}\);/);

  const vector = avalanche.signers[0];
  const unknown = await startSigner({ keyMaterial: vector.secretKeyBase64, args: ['--grpc-signer-key', avalanche.signers[1].publicKey], waitReady: false });
  assert.equal((await unknown.exited).code, 1);
  assert.match(unknown.output, new RegExp(`--grpc-signer-key names no BLS key held at start \\(held: bls-[0-9a-f]{32} \\(${vector.publicKey}\\)`));

  // ...and a named key is served whichever way it is named: here by its handle, taken from the refusal.
  const handle = unknown.output.match(/held: (bls-[0-9a-f]{32})/)[1];
  const named = await startSigner({ keyMaterial: vector.secretKeyBase64, args: ['--grpc-signer-key', handle] });
  const client = signerClient(named.grpcTarget);
  try {
    assert.equal(hex((await client.publicKey()).public_key), hex(unhex(vector.publicKey)));
  } finally {
    client.close();
    await named.stop();
  }
});

test('with Web3Signer enabled, concurrent calls run on the blocking-work threads, verify, and a stop finishes those in flight', async () => {
  const standin = await startStandIn();
  const vector = avalanche.signers[0];
  const publicKey = unhex(vector.publicKey);
  const daemon = await startSigner({
    keyMaterial: vector.secretKeyBase64,
    args: ['--web3signer-enabled', '--web3signer-url', standin.url, '--web3signer-max-attempts', '1'],
  });
  const client = signerClient(daemon.grpcTarget);
  try {
    const messages = Array.from({ length: 12 }, (_, i) => Buffer.from(`web3signer-enabled call ${i}`));
    const answers = await Promise.all(messages.map((message) => client.sign(message)));
    answers.forEach(({ signature }, i) => assert.ok(verifies(publicKey, messages[i], signature, DST.sig), `call ${i} verifies`));
    assert.equal(hex((await client.publicKey()).public_key), hex(publicKey));

    // Calls still in flight when the daemon is told to stop are answered, not dropped, and it exits cleanly.
    const inFlight = messages.map((message) => client.sign(message).then(({ signature }) => signature, (error) => error));
    await new Promise((r) => setTimeout(r, 5));
    const exited = daemon.stop('SIGTERM');
    const outcomes = await Promise.all(inFlight);
    outcomes.forEach((outcome, i) => {
      if (outcome instanceof Error) assert.equal(outcome.code, Status.UNAVAILABLE, `call ${i}: ${outcome.message}`);
      else assert.ok(verifies(publicKey, messages[i], outcome, DST.sig), `call ${i} answered during the stop verifies`);
    });
    assert.deepEqual(await exited, { code: 0, signal: null }, daemon.output.slice(-2000));
  } finally {
    client.close();
    await daemon.stop('SIGINT');
    standin.stop();
  }
});

test('with Web3Signer enabled, PublicKey answers while every blocking-work thread waits on Web3Signer', async () => {
  const standin = await startStandIn();
  const vector = avalanche.signers[0];
  const daemon = await startSigner({
    keyMaterial: vector.secretKeyBase64,
    args: ['--web3signer-enabled', '--web3signer-url', standin.url, '--web3signer-max-attempts', '1'],
  });
  const client = signerClient(daemon.grpcTarget);
  try {
    const calls = async () => Object.entries((await standin.control()).requests)
      .filter(([route]) => !/upcheck|healthcheck/.test(route)).reduce((sum, [, count]) => sum + count, 0);
    const before = await calls();
    await standin.control({ delayMs: 3000 });
    // Two REST key checks, as many as there are blocking-work threads, each held by Web3Signer for 3 s.
    const settled = [];
    const held = [0, 1].map((i) => daemon.request('POST', '/v1/staking/bls/register',
      { mode: 'verify', publicKey: avalanche.signers[1 + i].publicKey }).finally(() => settled.push(i)));
    while (await calls() < before + 2) await new Promise((r) => setTimeout(r, 20));
    assert.equal(hex((await client.publicKey()).public_key), hex(unhex(vector.publicKey)));
    assert.deepEqual(settled, [], 'PublicKey was answered while both threads waited, not queued behind them');
    await Promise.all(held);
  } finally {
    client.close();
    await daemon.stop('SIGINT');
    standin.stop();
  }
});

test('a connection may open 64 calls at once: the server says so in its HTTP/2 settings, and a client queues the rest', async () => {
  const vector = avalanche.signers[0];
  const publicKey = unhex(vector.publicKey);
  const daemon = await startSigner({ keyMaterial: vector.secretKeyBase64 });
  const socketPath = daemon.grpcTarget.replace(/^unix:/, '');
  const session = http2.connect('http://localhost', { createConnection: () => net.connect(socketPath) });
  const client = signerClient(daemon.grpcTarget);
  try {
    const [settings] = await once(session, 'remoteSettings');
    assert.equal(settings.maxConcurrentStreams, 64);
    // More calls than that on one channel (one connection): the client holds the rest until streams free
    // up. Those held back are the ones checked here (the other tests verify the others' kind at length).
    const messages = Array.from({ length: 80 }, (_, i) => Buffer.from(`stream ${i}`));
    const answers = await Promise.all(messages.map((message) => client.sign(message)));
    answers.forEach(({ signature }, i) => assert.equal(signature.length, 96, `call ${i}`));
    for (let i = 64; i < messages.length; i++) assert.ok(verifies(publicKey, messages[i], answers[i].signature, DST.sig), `call ${i} verifies`);
  } finally {
    session.destroy();
    client.close();
    await daemon.stop('SIGINT');
  }
});

test('16 clients sign concurrently through module reloads; no call is lost and every signature verifies', async () => {
  const CLIENTS = 16;
  const SIGNS_PER_CLIENT = 10;
  const vector = avalanche.signers[0];
  const publicKey = unhex(vector.publicKey);
  const daemon = await startSigner({ keyMaterial: vector.secretKeyBase64 });
  const clients = Array.from({ length: CLIENTS }, () => signerClient(daemon.grpcTarget));
  try {
    const epochBefore = (await daemon.request('GET', '/v1/staking/status')).json.epoch;
    let running = true;
    let reloads = 0;
    const reloading = (async () => {
      while (running) {
        const reload = await daemon.request('POST', '/v1/admin/reload-modules');
        assert.equal(reload.status, 200, reload.text);
        reloads += 1;
      }
    })();
    const results = await Promise.all(clients.map(async (client, c) => {
      const signed = [];
      for (let i = 0; i < SIGNS_PER_CLIENT; i += 1) {
        const message = Buffer.from(`client ${c} message ${i}`);
        signed.push({ message, signature: (await client.sign(message)).signature });
      }
      return signed;
    }));
    running = false;
    await reloading;

    const all = results.flat();
    assert.equal(all.length, CLIENTS * SIGNS_PER_CLIENT);
    for (const { message, signature } of all) assert.ok(verifies(publicKey, message, signature, DST.sig), message.toString());
    assert.ok(reloads >= 1);
    const epochAfter = (await daemon.request('GET', '/v1/staking/status')).json.epoch;
    assert.equal(epochAfter, epochBefore + reloads);
  } finally {
    for (const client of clients) client.close();
    await daemon.stop();
  }
});

// Opens a raw connection to the gRPC socket and starts HTTP/2 (preface and SETTINGS), which gRPC answers
// with its own SETTINGS. Resolves with the socket and whether anything came back before it closed.
// `target` is a gRPC target: "unix:PATH" or "HOST:PORT".
async function openHttp2(target) {
  const socket = target.startsWith('unix:') ? net.createConnection(target.slice('unix:'.length))
    : net.createConnection({ host: target.slice(0, target.lastIndexOf(':')), port: Number(target.slice(target.lastIndexOf(':') + 1)) });
  socket.on('error', () => {});  // the daemon may close before the preface is written
  await once(socket, 'connect');
  socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
  const answered = await new Promise((resolve) => {
    socket.once('data', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  return { socket, answered };
}

for (const transport of ['unix', 'tcp']) {
  test(`--max-connections bounds the ${transport} listener: connections beyond it are closed and logged, admitted clients stay served`, async () => {
    const LIMIT = 2;
    const vector = avalanche.signers[0];
    const publicKey = unhex(vector.publicKey);
    const grpcAddr = transport === 'tcp' ? `127.0.0.1:${await freePort()}` : undefined;
    const daemon = await startSigner({ keyMaterial: vector.secretKeyBase64, grpcAddr, args: ['--max-connections', String(LIMIT)] });
    const peer = transport === 'tcp' ? '127\\.0\\.0\\.1:\\d+' : '"unix:uid=\\d+"';  // the log quotes values that hold '='
    const client = signerClient(daemon.grpcTarget);
    const sockets = [];
    try {
      // The limit's two connections: a gRPC client and a raw HTTP/2 connection that gRPC answers.
      assert.equal(hex((await client.publicKey()).public_key), hex(publicKey));
      const holder = await openHttp2(daemon.grpcTarget);
      sockets.push(holder.socket);
      assert.equal(holder.answered, true);

      // Connections beyond the limit are accepted by the kernel, then closed by the daemon unanswered.
      for (let i = 0; i < 3; i += 1) {
        const extra = await openHttp2(daemon.grpcTarget);
        sockets.push(extra.socket);
        assert.equal(extra.answered, false, `connection ${LIMIT + i + 1} was served beyond --max-connections ${LIMIT}`);
      }
      // A gRPC client beyond the limit gets UNAVAILABLE rather than a signature.
      const late = signerClient(daemon.grpcTarget);
      const refused = await grpcError(late.sign(Buffer.from('late')));
      late.close();
      assert.equal(refused.code, Status.UNAVAILABLE);
      const refusal = new RegExp(`connection_refused limit=${LIMIT} listener=grpc_signer peer=${peer} ` +
        'reason="connection limit reached" refused_since_last_line=\\d+');
      assert.match(await daemon.logged(refusal), refusal);

      // The admitted client is served all along.
      for (let i = 0; i < 3; i += 1) {
        const message = Buffer.from(`admitted client ${i}`);
        assert.ok(verifies(publicKey, message, (await client.sign(message)).signature, DST.sig));
      }

      // Once the raw connection leaves, its slot is free again. gRPC closes its end on its own time, so a
      // newcomer may be refused a few times first (no time limit is asserted).
      holder.socket.destroy();
      for (;;) {
        const newcomer = signerClient(daemon.grpcTarget);
        try {
          const message = Buffer.from('newcomer');
          assert.ok(verifies(publicKey, message, (await newcomer.sign(message)).signature, DST.sig));
          break;
        } catch (error) {
          if (error.code !== Status.UNAVAILABLE) throw error;
          await new Promise((r) => setTimeout(r, 50));
        } finally {
          newcomer.close();
        }
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      client.close();
      await daemon.stop();
    }
  });
}
