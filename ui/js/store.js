// Polls the read-only views every few seconds and tells the views when something arrived, so the page
// stays live without reloading. The last good data is kept (and marked stale) while the daemon is away.
import { getJson, routes } from './api.js';

export const kPollIntervalMs = 3000;
const kMaxBackoffMs = 15000;

const listeners = new Set();

export const state = {
  status: undefined,
  self: undefined,
  connection: undefined,
  guis: undefined,        // per-module GUI availability, undefined when the route is not served
  errors: {},             // view name -> ApiError of the last attempt
  reachable: undefined,   // undefined until the first answer
  updatedAt: undefined,
};

export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify() {
  for (const listener of listeners) listener(state);
}

async function fetchInto(key, path) {
  try {
    state[key] = await getJson(path);
    delete state.errors[key];
    return true;
  } catch (error) {
    state.errors[key] = error;
    return error.status !== 0;  // an HTTP error still means the daemon is there
  }
}

export async function refresh() {
  const answers = await Promise.all([
    fetchInto('status', routes.status),
    fetchInto('self', routes.self),
    fetchInto('connection', routes.connection),
    fetchInto('guis', routes.moduleGuis),
  ]);
  state.reachable = answers.some(Boolean);
  if (state.reachable) state.updatedAt = new Date();
  notify();
  return state.reachable;
}

let timer;
let delay = kPollIntervalMs;

export function startPolling() {
  const tick = async () => {
    const reachable = await refresh();
    delay = reachable ? kPollIntervalMs : Math.min(delay * 2, kMaxBackoffMs);
    timer = setTimeout(tick, document.hidden ? Math.max(delay, kMaxBackoffMs) : delay);
  };
  clearTimeout(timer);
  tick();
}

export function moduleList() {
  return Array.isArray(state.status?.modules) ? state.status.modules : [];
}
