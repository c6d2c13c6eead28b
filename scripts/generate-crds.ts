import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateCrdFiles } from '../controller/api/crd.ts';
import { structuralViolations, type JSONSchema } from '../controller/api/structural.ts';
import { parse } from 'yaml';

/** Writes crds/ from the zod schemas in controller/api; refuses to write a non-structural schema. */
export function writeCrds(dir: string): string[] {
  const files = generateCrdFiles();
  for (const [name, text] of files) {
    if (name === 'kustomization.yaml') continue;
    const crd = parse(text) as { spec: { versions: { schema: { openAPIV3Schema: JSONSchema } }[] } };
    const violations = crd.spec.versions.flatMap((v) => structuralViolations(v.schema.openAPIV3Schema));
    if (violations.length > 0) throw new Error(`${name} is not a structural schema:\n  ${violations.join('\n  ')}`);
  }
  mkdirSync(dir, { recursive: true });
  for (const existing of readdirSync(dir)) {
    if (existing.endsWith('.yaml') && !files.has(existing)) rmSync(join(dir, existing));
  }
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return [...files.keys()];
}

export const CRDS_DIR = fileURLToPath(new URL('../crds/', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const written = writeCrds(CRDS_DIR);
  console.log(`wrote ${written.map((f) => `crds/${f}`).join(', ')}`);
}
