// Starts the real cryftee binary for a test and talks to it over its real Unix socket or HTTPS listener.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.mjs';

export { freePort };

export const BIN = process.env.CRYFTEE_BIN;
export const BUILD_DIR = process.env.CRYFTEE_BUILD_DIR;
export const SOURCE_DIR = process.env.CRYFTEE_SOURCE_DIR;
export const VECTORS_DIR = process.env.CRYFTEE_VECTORS_DIR;
if (!BIN || !BUILD_DIR) throw new Error('run through ctest: CRYFTEE_BIN and CRYFTEE_BUILD_DIR are not set');

// The bundles this build compiled and signed: 'production' (build/modules, what scripts/run.sh and an
// install load) and 'test' (build/test-modules: the production modules plus test-only ones like debug_v1).
export function bundleDir(bundle = 'production') {
  if (bundle !== 'production' && bundle !== 'test') throw new Error(`no module bundle '${bundle}'`);
  return path.join(BUILD_DIR, bundle === 'test' ? 'test-modules' : 'modules');
}

// A private copy of one bundle, so a test may tamper with it.
export function copyBundledModules(dir, bundle = 'production') {
  fs.cpSync(bundleDir(bundle), dir, { recursive: true });
  return dir;
}

export function tempDir(prefix = 'cryftee-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Starts the daemon. `args` are extra flags; `env` extra environment. Resolves when the API answers.
// Defaults: its own temp dir, a copy of the bundled modules, the build's development trust file, the
// socket in the temp dir and the kiosk on a free loopback port. `bundle: 'test'` adds the test modules.
// `cryftgoConfig: true` names the transport, socket and address the way cryftgo does, in a JSON file
// given by CRYFTEE_CONFIG_FILE, instead of with flags; an object there overrides those "api" keys.
// `shellPrefix` (e.g. "ulimit -n 100") runs in sh before the daemon is exec'd.
export async function startDaemon({ args = [], env = {}, moduleDir, trustFile, transport = 'uds', waitReady = true,
  bundle = 'production', cryftgoConfig = false, shellPrefix } = {}) {
  const dir = tempDir();
  const modules = moduleDir ?? copyBundledModules(path.join(dir, 'modules'), bundle);
  const socketPath = path.join(dir, 'run', 'cryftee.sock');
  const port = await freePort();
  const transportSettings = { transport, uds_path: socketPath, http_addr: `127.0.0.1:${port}` };
  const transportEnv = {};
  const transportArgs = [];
  if (cryftgoConfig) {
    transportEnv.CRYFTEE_CONFIG_FILE = path.join(dir, 'cryftee_config.json');
    const api = { ...transportSettings, ...(typeof cryftgoConfig === 'object' ? cryftgoConfig : {}) };
    fs.writeFileSync(transportEnv.CRYFTEE_CONFIG_FILE, JSON.stringify({ api }));
  } else {
    transportArgs.push('--uds-path', socketPath, '--http-addr', transportSettings.http_addr, '--api-transport', transport);
  }
  const fullArgs = [
    '--module-dir', modules,
    '--trust-config', trustFile ?? path.join(BUILD_DIR, 'dev', 'trust.toml'),
    '--ui-dir', path.join(SOURCE_DIR, 'ui'),
    ...transportArgs,
    ...args,
  ];
  const [command, commandArgs] = shellPrefix
    ? ['sh', ['-c', `${shellPrefix}; exec "$@"`, 'sh', BIN, ...fullArgs]]
    : [BIN, fullArgs];
  const child = spawn(command, commandArgs, {
    env: { PATH: process.env.PATH, ...transportEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const daemon = {
    child, dir, moduleDir: modules, socketPath, port, output: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    request: (method, urlPath, body, options) => udsRequest(socketPath, method, urlPath, body, options),
    kiosk: (method, urlPath, body, options) => tcpRequest(port, method, urlPath, body, options),
    // The output once it matches `pattern`, or as it is after `timeoutMs`: a log line written before an
    // answer may reach the test after that answer (the pipe is read apart from the socket). Then assert.
    async logged(pattern, timeoutMs = 15000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(daemon.output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return daemon.output;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return daemon.exited;
    },
  };
  child.stdout.on('data', (d) => { daemon.output += d; });
  child.stderr.on('data', (d) => { daemon.output += d; });
  if (waitReady) await waitUntilReady(daemon, transport);
  return daemon;
}

async function waitUntilReady(daemon, transport, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (daemon.child.exitCode !== null) {
      throw new Error(`cryftee exited with ${daemon.child.exitCode} before it was ready:\n${daemon.output}`);
    }
    try {
      const res = transport === 'uds'
        ? await daemon.request('GET', '/v1/staking/status')
        : await daemon.kiosk('GET', '/v1/staking/status', undefined, { tls: transport === 'https', rejectUnauthorized: false });
      if (res.status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`cryftee was not ready within ${timeoutMs} ms:\n${daemon.output}`);
}

// JSON content headers for a body; the length is explicit because node frames DELETE bodies with neither
// chunked encoding nor a length by default.
function bodyHeaders(body) {
  if (body === undefined) return {};
  const length = typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.byteLength(body) : Buffer.byteLength(JSON.stringify(body));
  return { 'content-type': 'application/json', 'content-length': length };
}

function collect(req, body, resolve, reject) {
  req.on('response', (res) => {
    let data = '';
    res.setEncoding('utf8');
    res.on('data', (c) => { data += c; });
    res.on('end', () => {
      let json;
      try { json = JSON.parse(data); } catch { json = undefined; }
      resolve({ status: res.statusCode, headers: res.headers, text: data, json });
    });
  });
  req.on('error', reject);
  if (body !== undefined) req.write(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  req.end();
}

export function udsRequest(socketPath, method, urlPath, body, { headers = {}, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, agent,
      headers: { ...bodyHeaders(body), ...headers } });
    collect(req, body, resolve, reject);
  });
}

export function tcpRequest(port, method, urlPath, body, { headers = {}, tls = false, agent, ...tlsOptions } = {}) {
  return new Promise((resolve, reject) => {
    const lib = tls ? https : http;
    const req = lib.request({ host: '127.0.0.1', port, method, path: urlPath, agent, ...tlsOptions,
      headers: { ...bodyHeaders(body), ...headers } });
    collect(req, body, resolve, reject);
  });
}
