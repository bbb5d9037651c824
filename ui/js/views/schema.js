// Schema: the module JSON Schema as a readable outline of properties, with the raw JSON underneath.
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

function schemaSection(title, schema) {
  const rows = propertyRows(schema);
  return el('section', { class: 'card schema-section' },
    el('h2', {}, title),
    schema.description && el('p', {}, schema.description),
    rows.length
      ? el('div', { class: 'table-scroll' }, el('table', { class: 'schema-table' },
        el('thead', {}, el('tr', {}, ['Field', 'Type', 'Required', 'Meaning'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows)))
      : el('p', { class: 'muted' }, typeOf(schema) || 'No fields described.'));
}

export async function renderSchema(container) {
  let schema;
  try {
    schema = await getJson(routes.schema);
  } catch (error) {
    replaceChildren(container, errorState('The schema cannot be shown', `${error.message}.`));
    return;
  }
  const definitions = schema.$defs ?? schema.definitions ?? {};
  replaceChildren(container,
    el('p', {}, schema.title ?? 'Module schema', schema.$id ? ` (${schema.$id})` : ''),
    schemaSection(schema.title ?? 'Document', schema),
    Object.entries(definitions).map(([name, def]) => schemaSection(name, def)),
    el('details', {}, el('summary', {}, 'Raw JSON Schema'), el('pre', { class: 'json', dataset: { field: 'schema-raw' } }, JSON.stringify(schema, null, 2))));
}
