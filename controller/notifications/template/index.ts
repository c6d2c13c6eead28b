// A Go text/template interpreter for notification templates: parsed once,
// executed over the JSON of the Rollout. Nothing in a template reaches
// JavaScript beyond the functions in functions.ts.
import { TemplateError } from './lexer.ts';
import { parseTemplate, type Node } from './parser.ts';
import { execute } from './evaluate.ts';

export { TemplateError } from './lexer.ts';
export type { GoFunc } from './format.ts';

export interface Template {
  name: string;
  execute(data: unknown): string;
}

export function compileTemplate(name: string, source: string): Template {
  let nodes: Node[];
  try {
    nodes = parseTemplate(source);
  } catch (err) {
    throw new TemplateError(`template ${name}: ${(err as Error).message}`, { cause: err });
  }
  return {
    name,
    execute(data) {
      try {
        return execute(nodes, data);
      } catch (err) {
        throw new TemplateError(`template ${name}: executing: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}
