// The read-only /v1 views and the one admin action the kiosk may call, always same-origin.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const routes = {
  status: '/v1/staking/status',
  self: '/v1/runtime/self',
  connection: '/v1/runtime/connection',
  schema: '/v1/schema/modules',
  attestation: '/v1/runtime/attestation',
  reload: '/v1/admin/reload-modules',
  moduleGuis: '/v1/kiosk/module-guis',
};

const kRequestTimeoutMs = 8000;
// Sent with every state-changing request: the daemon refuses those without it (a page on another origin
// cannot add it without a CORS preflight, which the daemon never grants).
const kKioskHeader = { 'x-cryftee-kiosk': '1' };

async function request(method, path, { headers = {}, body } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), kRequestTimeoutMs);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...headers,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && method !== 'HEAD' ? kKioskHeader : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller.signal,
    });
  } catch (error) {
    throw new ApiError(0, 'unreachable', error.name === 'AbortError'
      ? 'the daemon did not answer in time'
      : 'the daemon cannot be reached (it may be restarting)');
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  if (!response.ok) {
    throw new ApiError(response.status, json?.error ?? `http_${response.status}`,
      json?.message ?? `the daemon answered ${response.status}`);
  }
  if (json === undefined) throw new ApiError(response.status, 'bad_response', 'the daemon did not answer with JSON');
  return json;
}

export const getJson = (path) => request('GET', path);

export function attestation(nonce) {
  return request('GET', `${routes.attestation}?nonce=${encodeURIComponent(nonce)}`);
}

// The token is only ever sent in the Authorization header; it is never stored or shown.
export function reloadModules(token) {
  return request('POST', routes.reload, { headers: token ? { authorization: `Bearer ${token}` } : {}, body: {} });
}
