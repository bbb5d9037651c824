// The one admin action: reload the modules. On the kiosk it always needs the admin token (the kiosk
// trusts no peer for its address), so the page asks for it, keeps it only for this request and never
// shows it.
import { reloadModules } from './api.js';

export function setupReload({ button, statusBox, dialog, onDone }) {
  const form = dialog.querySelector('#token-form');
  const input = dialog.querySelector('#token-input');
  const errorBox = dialog.querySelector('#token-error');
  const cancel = dialog.querySelector('#token-cancel');

  function show(kind, text) {
    statusBox.hidden = false;
    statusBox.className = `reload-status reload-${kind}`;
    statusBox.dataset.state = kind;
    statusBox.textContent = text;
  }

  function describe(result) {
    const modules = Array.isArray(result?.modules) ? result.modules : undefined;
    const loaded = modules ? modules.filter((m) => m.loaded).length : undefined;
    const parts = ['Modules reloaded'];
    if (result?.epoch !== undefined) parts.push(`epoch ${result.epoch}`);
    if (modules) parts.push(`${loaded} of ${modules.length} loaded`);
    return parts.join(' — ');
  }

  async function attempt(token) {
    button.disabled = true;
    show('progress', 'Reloading modules…');
    try {
      const result = await reloadModules(token);
      show('ok', describe(result));
      await onDone();
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    } finally {
      button.disabled = false;
    }
  }

  function askForToken(reason) {
    errorBox.hidden = !reason;
    errorBox.textContent = reason ?? '';
    input.value = '';
    if (!dialog.open) dialog.showModal();
    input.focus();
  }

  button.addEventListener('click', () => {
    show('progress', 'Waiting for the admin token…');
    askForToken();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value;
    input.value = '';
    if (!token) return askForToken('Enter the admin token.');
    const { ok, error } = await attempt(token);
    if (ok) {
      dialog.close();
      button.focus();
    } else if (error.status === 401 || error.status === 403) {
      show('error', `Reload refused: ${error.message}`);
      askForToken(`Refused: ${error.message}`);
    } else {
      dialog.close();
      show('error', `Reload failed: ${error.message}`);
    }
  });

  cancel.addEventListener('click', () => {
    input.value = '';
    dialog.close();
    show('error', 'Reload cancelled: no admin token given.');
    button.focus();
  });
}
