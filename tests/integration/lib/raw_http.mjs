// A bare HTTP/1.1 connection for transport tests: sends exactly the bytes a test gives it (half requests,
// garbage, several requests on one connection) and parses the answers that come back.
import net from 'node:net';

export function connectUnix(socketPath) {
  return RawConnection.open(net.connect(socketPath));
}

export function connectTcp(port, host = '127.0.0.1') {
  return RawConnection.open(net.connect(port, host));
}

export class RawConnection {
  static open(socket) {
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.received = Buffer.alloc(0);
    this.waiters = [];
    this.ended = false;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve(Date.now())));
    socket.on('data', (chunk) => { this.received = Buffer.concat([this.received, chunk]); this.wake(); });
    socket.on('end', () => { this.ended = true; this.wake(); });
    socket.on('error', () => { this.ended = true; this.wake(); });
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  send(text) {
    this.socket.write(text);
  }

  close() {
    this.socket.destroy();
    return this.closed;
  }

  // Resolves with the next complete response ({status, headers, body, json}); rejects when the
  // connection ends before one arrives or `timeoutMs` passes.
  async readResponse(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.takeResponse();
      if (parsed) return parsed;
      if (this.ended) throw new Error('connection closed before a complete response');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no response in time');
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  takeResponse() {
    const headerEnd = this.received.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const lines = this.received.subarray(0, headerEnd).toString('latin1').split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.received.length < headerEnd + 4 + length) return undefined;
    const body = this.received.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
    this.received = this.received.subarray(headerEnd + 4 + length);
    let json;
    try { json = JSON.parse(body); } catch { json = undefined; }
    return { status, headers, body, json };
  }
}
