// Writes docs/support.md from the support table (controller/api/support.ts).
import { writeFileSync } from 'node:fs';
import { renderSupportDoc } from './support-doc.ts';

const path = new URL('../docs/support.md', import.meta.url);
writeFileSync(path, renderSupportDoc());
process.stdout.write(`wrote ${path.pathname}\n`);
