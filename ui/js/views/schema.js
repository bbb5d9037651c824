// Schema: what a manifest may say (the JSON Schema of an entry and of the file, the capabilities, host
// imports and required exports) as readable tables, with the raw JSON underneath.
import { getJson, routes } from '../api.js';
import { el, errorState, replaceChildren } from '../dom.js';

function typeOf(schema) {
  if (!schema || typeof schema !== 'object') return '';
  if (schema.$ref) return `→ ${schema.$ref}`;
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (schema.const !== undefined) return `= ${JSON.stringify(schema.const)}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type ?? '';
  if (type === 'array' && schema.items) return `array of ${typeOf(schema.items) || 'items'}`;
  return [type, schema.pattern && `matching ${schema.pattern}`, schema.format && `(${schema.format})`].filter(Boolean).join(' ');
}

function propertyRows(schema, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 6) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const properties = schema.properties ?? (schema.items && schema.items.properties ? schema.items.properties : undefined);
  if (!properties) return [];
  const requiredHere = schema.properties ? required : new Set(schema.items?.required ?? []);
  return Object.entries(properties).flatMap(([name, child]) => [
    el('tr', { dataset: { property: name } },
      el('th', { scope: 'row', class: `depth-${Math.min(depth, 6)}` }, name),
      el('td', {}, typeOf(child)),
      el('td', {}, requiredHere.has(name) ? 'required' : 'optional'),
      el('td', {}, child?.description ?? '')),
    ...propertyRows(child, depth + 1),
  ]);
}

function schemaSection(title, schema, key) {
  const rows = propertyRows(schema);
  return el('section', { class: 'card schema-section', dataset: { section: key } },
    el('h2', {}, title),
    schema?.description && el('p', {}, schema.description),
    rows.length
      ? el('div', { class: 'table-scroll' }, el('table', { class: 'schema-table' },
        el('thead', {}, el('tr', {}, ['Field', 'Type', 'Required', 'Meaning'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows)))
      : el('p', { class: 'muted' }, typeOf(schema) || 'No fields described.'));
}

function capabilitySection(capabilities) {
  return el('section', { class: 'card schema-section', dataset: { section: 'capabilities' } },
    el('h2', {}, 'Capabilities'),
    el('p', {}, 'What a manifest entry may declare in capabilities; the family is what defaultFor names.'),
    el('div', { class: 'table-scroll' }, el('table', { class: 'schema-table' },
      el('thead', {}, el('tr', {}, ['Capability', 'Family', 'What it does'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, capabilities.map((c) => el('tr', { dataset: { capability: c.name } },
        el('th', { scope: 'row' }, c.name), el('td', {}, c.family ?? ''), el('td', {}, c.summary ?? '')))))));
}

function nameList(title, names, key, detail) {
  return el('section', { class: 'card schema-section', dataset: { section: key } },
    el('h2', {}, title),
    detail && el('p', {}, detail),
    names.length ? el('p', {}, names.map((name, i) => [i ? ', ' : '', el('code', {}, name)])) : el('p', { class: 'muted' }, 'None.'));
}

// The API answers {abiVersion, cryfteeVersion, schema (one manifest entry), manifestSchema (the file),
// capabilities, hostImportNamespace, hostImports, moduleExports}.
export async function renderSchema(container) {
  let answer;
  try {
    answer = await getJson(routes.schema);
  } catch (error) {
    replaceChildren(container, errorState('The schema cannot be shown', `${error.message}.`));
    return;
  }
  const entry = answer.schema ?? {};
  const namespace = answer.hostImportNamespace ?? '';
  replaceChildren(container,
    el('p', {}, `What this daemon accepts in manifest.json: ABI version ${answer.abiVersion ?? '—'}, Cryftee ${answer.cryfteeVersion ?? '—'}.`),
    schemaSection(entry.title ?? 'Manifest entry', entry, 'entry'),
    answer.manifestSchema && schemaSection(answer.manifestSchema.title ?? 'Manifest file', answer.manifestSchema, 'manifest'),
    Array.isArray(answer.capabilities) && capabilitySection(answer.capabilities),
    nameList('Host imports', answer.hostImports ?? [], 'host-imports',
      namespace && `Functions a module may import from the "${namespace}" namespace, each only when its entry grants it in imports.`),
    nameList('Module exports', answer.moduleExports ?? [], 'module-exports', 'What every module must export (ABI v1).'),
    el('details', {}, el('summary', {}, 'Raw JSON'), el('pre', { class: 'json', dataset: { field: 'schema-raw' } }, JSON.stringify(answer, null, 2))));
}
