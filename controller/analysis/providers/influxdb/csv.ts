// InfluxDB's annotated CSV (the /api/v2/query answer with the datatype,
// group and default annotations), read into the `_value` of each record,
// typed by its column's datatype as the InfluxDB Go client types it.

import { parseGoFloat } from '../../../expr/index.ts';

export type FluxValue = number | string | boolean | null;

// RFC 4180 fields: quoted fields may hold commas, doubled quotes and newlines.
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function typed(datatype: string, text: string): FluxValue {
  switch (datatype) {
    case 'double':
      return parseGoFloat(text);
    case 'long':
    case 'unsignedLong':
      return Number(text);
    case 'boolean':
      return text.toLowerCase() !== 'false';
    default:
      // string, dateTime:RFC3339, duration, base64Binary: kept as written.
      return text;
  }
}

// The `_value` of every record, in order; tables whose schema has no
// `_value` column give nil values, error tables none at all (as the Go
// client stops at them).
export function fluxValues(csv: string): FluxValue[] {
  const values: FluxValue[] = [];
  let datatypes: string[] = [];
  let defaults: string[] = [];
  let header: string[] | undefined;
  for (const row of parseCsvRows(csv)) {
    if (row.length === 1 && row[0] === '') {
      // A blank line ends a table; the next one starts with its annotations.
      header = undefined;
      continue;
    }
    const first = row[0] ?? '';
    if (first === '#datatype') {
      datatypes = row;
      header = undefined;
      continue;
    }
    if (first === '#default') {
      defaults = row;
      continue;
    }
    if (first.startsWith('#')) continue;
    if (header === undefined) {
      header = row;
      if (header.includes('error') && header.includes('reference')) return values;
      continue;
    }
    const column = header.indexOf('_value');
    if (column < 0) {
      values.push(null);
      continue;
    }
    const text = row[column] === '' ? (defaults[column] ?? '') : (row[column] ?? '');
    values.push(text === '' ? null : typed(datatypes[column] ?? 'string', text));
  }
  return values;
}
