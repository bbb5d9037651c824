// Starts the Web3Signer stand-in (tests/web3signer/standin.mjs) on free loopback ports and talks to it.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

const SOURCE_DIR = process.env.CRYFTEE_SOURCE_DIR ?? process.cwd();

// Plain HTTP to 127.0.0.1:port; resolves {status, type, text, json}.
export function request(port, method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent: false,
      headers: { 'content-type': 'application/json', ...(text === undefined ? {} : { 'content-length': Buffer.byteLength(text) }), ...headers } }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => {
        const type = res.headers['content-type'] ?? '';
        resolve({ status: res.statusCode, type, text: data, json: type.startsWith('application/json') ? JSON.parse(data) : undefined });
      });
    });
    req.on('error', reject);
    if (text !== undefined) req.write(text);
    req.end();
  });
}

// Resolves {child, port, controlPort, url, control(change?), stop()} once the stand-in listens.
export function startStandIn(args = []) {
  const child = spawn(process.execPath, [path.join(SOURCE_DIR, 'tests', 'web3signer', 'standin.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (!out.includes('\n')) return;
      const ports = JSON.parse(out.split('\n')[0]);
      resolve({
        child, ...ports,
        url: `http://127.0.0.1:${ports.port}`,
        control: async (change) => (change === undefined
          ? await request(ports.controlPort, 'GET', '/control')
          : await request(ports.controlPort, 'POST', '/control', change)).json,
        stop: () => child.kill('SIGTERM'),
      });
    });
    child.on('exit', (code) => reject(new Error(`stand-in exited with ${code}`)));
  });
}
