// Cryftee driven the way cryftgo's manager drives it, over each transport it offers (uds, https, http):
// started from cryftgo's JSON file, probed by opening a connection, polled on status, then the first-boot
// requests with cryftgo's own field names. Signatures are checked with @noble/curves. Also: the http
// transport's loopback-only rule and kernel-checked peer uid, config layers where a higher layer rescues
// an invalid lower one, CRYFTEE_MODULES_ENABLED, and the production module bundle.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { startDaemon, tcpRequest, tempDir, udsRequest, freePort } from './lib/daemon.mjs';
import { makeTlsFiles } from './lib/tls_files.mjs';

const SIG_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForPort(port, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('connect', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await sleep(50);
  }
}

function blsVerifies(signatureHex, message, pubkeyHex, dst) {
  const signature = bls.G2.ProjectivePoint.fromHex(signatureHex.replace(/^0x/, ''));
  const publicKey = bls.G1.ProjectivePoint.fromHex(pubkeyHex.replace(/^0x/, ''));
  return bls.verify(signature, bls.G2.hashToCurve(message, { DST: dst }), publicKey);
}

// cryftgo's readiness probe: open a connection and close it without sending a request.
function probe(daemon, transport) {
  return new Promise((resolve, reject) => {
    const socket = transport === 'uds' ? net.connect(daemon.socketPath) : net.connect(daemon.port, '127.0.0.1');
    socket.on('connect', () => { socket.end(); resolve(); });
    socket.on('error', reject);
  });
}

for (const transport of ['uds', 'https', 'http']) {
  describe(`cryftgo over ${transport}`, () => {
    let daemon;
    let call;
    before(async () => {
      const args = [];
      let tls = {};
      if (transport === 'https') {
        const pki = makeTlsFiles(path.join(tempDir('cryftee-pki-'), 'pki'));
        args.push('--tls-cert', pki.certFile, '--tls-key', pki.keyFile);
        tls = { tls: true, ca: pki.ca, servername: 'localhost' };
      }
      daemon = await startDaemon({ transport, cryftgoConfig: true, args });
      call = transport === 'uds'
        ? (method, route, body) => udsRequest(daemon.socketPath, method, route, body, { agent: false })
        : (method, route, body) => tcpRequest(daemon.port, method, route, body, { agent: false, ...tls });
    });
    after(() => daemon?.stop('SIGTERM'));

    test('readiness: a bare connection does no harm, then status answers 200 without debug capabilities', async () => {
      await probe(daemon, transport);
      const status = await call('GET', '/v1/staking/status');
      assert.equal(status.status, 200, status.text);
      assert.equal(status.json.transport, transport);
      assert.equal(status.json.ready, true);
      assert.ok(status.json.capabilities.includes('bls_sign'));
      assert.deepEqual(status.json.capabilities.filter((c) => c.startsWith('debug_')), []);
      assert.deepEqual(status.json.modules.map((m) => m.id), ['bls_tls_signer_v1']);
      const connection = await call('GET', '/v1/runtime/connection');
      assert.equal(connection.json.transport, transport);
    });

    test('first boot: generate, then type "pop" is a proof of possession and type "sig" a signature', async () => {
      const generated = await call('POST', '/v1/staking/bls/register', { key_type: 'BLS', mode: 'generate', purpose: 'validator' });
      assert.equal(generated.status, 200, generated.text);
      const { pubkey } = generated.json;
      const pubkeyBytes = Buffer.from(pubkey.slice(2), 'hex');

      const pop = await call('POST', '/v1/staking/bls/sign', { pubkey, data: pubkeyBytes.toString('base64'), type: 'pop' });
      assert.equal(pop.status, 200, pop.text);
      assert.ok(blsVerifies(pop.json.signature, pubkeyBytes, pubkey, POP_DST), 'type pop signs under the PoP DST');
      assert.ok(!blsVerifies(pop.json.signature, pubkeyBytes, pubkey, SIG_DST), 'not under the signature DST');
      assert.equal(pop.json.signature, generated.json.proofOfPossession, 'the same PoP register answered');

      const message = Buffer.from('cryft warp message');
      const sig = await call('POST', '/v1/staking/bls/sign', { pubkey, data: message.toString('base64'), type: 'sig' });
      assert.equal(sig.status, 200, sig.text);
      assert.ok(blsVerifies(sig.json.signature, message, pubkey, SIG_DST));

      const tlsKey = await call('POST', '/v1/staking/tls/register', { key_type: 'SECP256K1', mode: 'generate' });
      assert.equal(tlsKey.status, 200, tlsKey.text);
      assert.match(tlsKey.json.node_id, /^NodeID-/);
      const heartbeat = await call('POST', '/v1/runtime/heartbeat',
        { cryftgo_version: 'v1.0.0-test', node_id: tlsKey.json.node_id, timestamp: Date.now() });
      assert.equal(heartbeat.status, 200, heartbeat.text);
      assert.equal(heartbeat.json.acknowledged, true);

      const later = await call('POST', '/v1/staking/bls/register', { mode: 'verify', publicKey: pubkey });
      assert.equal(later.status, 200, later.text);
    });

    test('an unknown type, a wrongly typed dst, and type and dst that disagree are 400s that change nothing', async () => {
      const { pubkey } = (await call('POST', '/v1/staking/bls/register', { mode: 'generate' })).json;
      const data = Buffer.from('x').toString('base64');
      const unknown = await call('POST', '/v1/staking/bls/sign', { pubkey, data, type: 'proof' });
      assert.equal(unknown.status, 400, unknown.text);
      assert.equal(unknown.json.error, 'invalid_field');
      assert.match(unknown.json.message, /"sig" or "pop"/);
      for (const dst of [1, true, ['pop'], { type: 'pop' }]) {
        const wrong = await call('POST', '/v1/staking/bls/sign', { pubkey, data, dst });
        assert.equal(wrong.status, 400, `${JSON.stringify(dst)}: ${wrong.text}`);
        assert.match(wrong.json.message, /'dst' must be a string/);
      }
      const disagree = await call('POST', '/v1/staking/bls/sign', { pubkey, data, type: 'pop', dst: 'sig' });
      assert.equal(disagree.status, 400, disagree.text);
      assert.equal(disagree.json.error, 'conflicting_fields');
    });
  });
}

describe('the kiosk listener', () => {
  test('refuses a heartbeat naming the real reason: API routes are served on the API listener only', async () => {
    const daemon = await startDaemon();
    try {
      const refused = await daemon.kiosk('POST', '/v1/runtime/heartbeat',
        { cryftgo_version: 'v1', node_id: 'NodeID-x', timestamp: Date.now() });
      assert.equal(refused.status, 403, refused.text);
      assert.match(refused.json.message, /API listener only/);
      assert.doesNotMatch(refused.json.message, /staking route/);
    } finally {
      await daemon.stop();
    }
  });
});

describe('http transport safety', () => {
  test('a non-loopback address is refused at start with one line naming https and uds', async () => {
    const port = await freePort();
    const daemon = await startDaemon({ transport: 'http', args: ['--http-addr', `0.0.0.0:${port}`], waitReady: false });
    const { code } = await daemon.exited;
    assert.equal(code, 2);
    const lines = daemon.output.trim().split('\n');
    assert.equal(lines.length, 1, daemon.output);
    assert.match(lines[0], /not a loopback address/);
    assert.match(lines[0], /https/);
    assert.match(lines[0], /uds/);
  });

  test('a loopback peer outside --allowed-peer-uids is refused (uid from the kernel), an allowed one served', async () => {
    const me = process.getuid();
    const refused = await startDaemon({ transport: 'http', args: ['--allowed-peer-uids', String(me + 4242)], waitReady: false });
    try {
      await waitForPort(refused.port);
      await assert.rejects(tcpRequest(refused.port, 'GET', '/v1/staking/status', undefined, { agent: false }));
      await sleep(50);
      assert.match(refused.output, /connection_refused/);
      assert.match(refused.output, new RegExp(`uid=${me}\\b`));
    } finally {
      await refused.stop();
    }
    const allowed = await startDaemon({ transport: 'http', args: ['--allowed-peer-uids', String(me)] });
    try {
      assert.equal((await tcpRequest(allowed.port, 'GET', '/v1/staking/status', undefined, { agent: false })).status, 200);
    } finally {
      await allowed.stop();
    }
  });

  test('over https a local peer is served by its uid only when the allow-list admits it, else it needs a certificate or the token', async () => {
    const me = process.getuid();
    const pki = makeTlsFiles(path.join(tempDir('cryftee-pki-'), 'pki'));
    const tls = { tls: true, ca: pki.ca, servername: 'localhost', agent: false };
    const tlsArgs = ['--tls-cert', pki.certFile, '--tls-key', pki.keyFile];
    const stranger = await startDaemon({ transport: 'https', args: [...tlsArgs, '--allowed-peer-uids', String(me + 4242)] });
    try {
      const refused = await tcpRequest(stranger.port, 'POST', '/v1/staking/bls/register', { mode: 'generate' }, tls);
      assert.equal(refused.status, 401, refused.text);
      assert.equal(refused.json.error, 'unauthorized');
    } finally {
      await stranger.stop();
    }
    const own = await startDaemon({ transport: 'https', args: [...tlsArgs, '--allowed-peer-uids', String(me)] });
    try {
      const served = await tcpRequest(own.port, 'POST', '/v1/staking/bls/register', { mode: 'generate' }, tls);
      assert.equal(served.status, 200, served.text);
    } finally {
      await own.stop();
    }
  });

  test('a request addressed to another host name (DNS rebinding from a web page) is refused', async () => {
    const daemon = await startDaemon({ transport: 'http' });
    try {
      const host = `rebound.example:${daemon.port}`;
      const refused = await tcpRequest(daemon.port, 'POST', '/v1/staking/bls/register', { mode: 'generate' },
        { agent: false, headers: { host, origin: `http://${host}` } });
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.json.error, 'host_not_allowed');
      const status = (await tcpRequest(daemon.port, 'GET', '/v1/staking/status', undefined, { agent: false })).json;
      assert.deepEqual(status.bls_pubkeys, [], 'nothing was generated');
    } finally {
      await daemon.stop();
    }
  });

  // Another real user on the same machine: needs root to start a process as "nobody".
  test('with no allow-list, another local user is refused and the daemon\'s own user served', { skip: process.getuid() !== 0 && 'needs root to act as another user' }, async () => {
    const nobody = 65534;
    const asNobody = (port) => spawnSync(process.execPath, ['-e', `
      require('http').get({ host: '127.0.0.1', port: ${port}, path: '/v1/staking/status', agent: false }, (r) => {
        console.log('status', r.statusCode); r.resume(); }).on('error', (e) => console.log('error', e.code));`],
    { uid: nobody, gid: nobody, encoding: 'utf8', cwd: '/' });
    const daemon = await startDaemon({ transport: 'http' });
    try {
      const result = asNobody(daemon.port);
      assert.match(result.stdout, /^error /, result.stdout + result.stderr);
      assert.equal((await tcpRequest(daemon.port, 'GET', '/v1/staking/status', undefined, { agent: false })).status, 200);
      assert.match(daemon.output, new RegExp(`uid=${nobody}\\b`));
    } finally {
      await daemon.stop();
    }
    const opened = await startDaemon({ transport: 'http', args: ['--allowed-peer-uids', `0,${nobody}`] });
    try {
      const result = asNobody(opened.port);
      assert.match(result.stdout, /^status 200/, result.stdout + result.stderr);
    } finally {
      await opened.stop();
    }
  });
});

describe('configuration layers', () => {
  for (const [name, transportValue] of [['a value no transport has', 'tcp'], ['a value of the wrong JSON type', [1]]]) {
    test(`CRYFTEE_API_TRANSPORT=uds rescues cryftgo's JSON file holding ${name}, with a warning naming both`, async () => {
      const daemon = await startDaemon({ cryftgoConfig: { transport: transportValue }, env: { CRYFTEE_API_TRANSPORT: 'uds' } });
      try {
        const status = await daemon.request('GET', '/v1/staking/status');
        assert.equal(status.status, 200);
        const warning = daemon.output.split('\n').find((line) => line.includes('api.transport') && line.includes('ignored'));
        assert.ok(warning, daemon.output);
        assert.match(warning, /cryftee_config\.json/);
        assert.match(warning, /CRYFTEE_API_TRANSPORT/);
      } finally {
        await daemon.stop();
      }
    });
  }

  test('the same invalid value with nothing above it still stops start-up with exit 2', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'cryftee_config.json');
    fs.writeFileSync(file, JSON.stringify({ api: { transport: 'tcp', uds_path: path.join(dir, 'c.sock') } }));
    const result = spawnSync(process.env.CRYFTEE_BIN, [], { env: { PATH: process.env.PATH, CRYFTEE_CONFIG_FILE: file }, encoding: 'utf8' });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /api\.transport: 'tcp' is not/);
  });
});

describe('CRYFTEE_MODULES_ENABLED', () => {
  test('only the listed modules load; the others are listed as not enabled and an unknown id is reported', async () => {
    const daemon = await startDaemon({ bundle: 'test', env: { CRYFTEE_MODULES_ENABLED: 'bls_tls_signer_v1,no_such_module_v9' } });
    try {
      const status = (await daemon.request('GET', '/v1/staking/status')).json;
      const debug = status.modules.find((m) => m.id === 'debug_v1');
      assert.equal(debug.loaded, false);
      assert.equal(debug.failure, 'not_enabled');
      assert.match(debug.reason, /CRYFTEE_MODULES_ENABLED/);
      assert.equal(status.modules.find((m) => m.id === 'bls_tls_signer_v1').loaded, true);
      assert.deepEqual(status.modulesEnabled, { ids: ['bls_tls_signer_v1', 'no_such_module_v9'], unknown: ['no_such_module_v9'] });
      assert.ok(status.problems.some((p) => p.includes('no_such_module_v9')), JSON.stringify(status.problems));
      assert.deepEqual(status.capabilities.filter((c) => c.startsWith('debug_')), []);
      const call = await daemon.request('POST', '/v1/modules/call', { moduleId: 'debug_v1', operation: 'debug_echo' });
      assert.equal(call.status, 503, call.text);
      const signer = await daemon.request('POST', '/v1/staking/bls/register', { mode: 'generate' });
      assert.equal(signer.status, 200, signer.text);
    } finally {
      await daemon.stop();
    }
  });

  test('without it every module of the test bundle loads', async () => {
    const daemon = await startDaemon({ bundle: 'test' });
    try {
      const status = (await daemon.request('GET', '/v1/staking/status')).json;
      assert.equal(status.modules.find((m) => m.id === 'debug_v1').loaded, true);
      assert.equal(status.modulesEnabled, null);
    } finally {
      await daemon.stop();
    }
  });
});
