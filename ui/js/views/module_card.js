// One module's verdicts and signed facts, used by the module list and the per-module page.
import { el, facts, verdict } from '../dom.js';
import { list, pick } from '../format.js';

export function moduleState(module) {
  if (module.loaded) return 'loaded';
  if (module.trusted === false) return 'untrusted';
  if (module.compatible === false) return 'incompatible';
  return 'not-loaded';
}

function defaults(module) {
  const defaultFor = pick(module, 'defaultFor', 'default_for');
  if (!defaultFor || typeof defaultFor !== 'object') return undefined;
  const families = Object.entries(defaultFor).filter(([, isDefault]) => isDefault).map(([family]) => family);
  return families.length ? families.join(', ') : 'none';
}

function chips(values) {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return el('ul', { class: 'chips' }, values.map((v) => el('li', { class: 'chip' }, String(v))));
}

function hashes(module) {
  const signed = pick(module, 'hash');
  const computed = pick(module, 'computedHash', 'computed_hash');
  if (!computed || computed === signed) return el('code', { class: 'hash' }, signed ?? '—');
  return el('div', {},
    el('div', {}, 'signed: ', el('code', { class: 'hash' }, signed ?? '—')),
    el('div', { class: 'error-text' }, 'file: ', el('code', { class: 'hash' }, computed)));
}

export function moduleCard(module, { gui, linkTitle = true } = {}) {
  const id = module.id ?? '(no id)';
  const stateName = moduleState(module);
  const title = linkTitle ? el('a', { href: `#module/${encodeURIComponent(id)}` }, id) : id;
  return el('article', { class: `card module module-${stateName}`, dataset: { moduleId: id, state: stateName } },
    el('header', { class: 'module-head' },
      el('h2', {}, title, module.version && el('span', { class: 'version' }, ` v${module.version}`)),
      el('div', { class: 'verdicts' },
        verdict('trusted', module.trusted),
        verdict('compatible', module.compatible),
        verdict('loaded', module.loaded))),
    module.description && el('p', { class: 'description' }, module.description),
    !module.loaded && el('p', { class: 'reason error-text', dataset: { field: 'reason' } },
      'Why not: ', module.reason || 'no reason given'),
    facts([
      ['Capabilities', chips(module.capabilities), 'capabilities'],
      ['Default for', defaults(module), 'defaultFor'],
      ['Host imports', chips(module.imports), 'imports'],
      ['Needs cryftee', pick(module, 'minCryfteeVersion', 'min_cryftee_version'), 'minCryfteeVersion'],
      ['Publisher', pick(module, 'publisherId', 'publisher_id', 'publisher'), 'publisherId'],
      ['Hash', hashes(module), 'hash'],
      gui && ['Web page', gui.verified ? 'signed files verified' : `not shown: ${gui.reason || 'files do not verify'}`, 'gui'],
    ]),
    module.limits && typeof module.limits === 'object' && facts([
      ['Memory pages', module.limits.memoryPages ?? module.limits.memory_pages],
      ['Deadline', list([module.limits.deadlineMs ?? module.limits.deadline_ms].filter((v) => v !== undefined).map((v) => `${v} ms`))],
    ], { class: 'facts limits' }));
}
