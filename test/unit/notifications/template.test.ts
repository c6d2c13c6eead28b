// Every case's expected output was produced once by Go's text/template (with
// sprig's functions) over the same data: the fixture is Go's answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileTemplate, TemplateError } from '../../../controller/notifications/template/index.ts';

interface Case {
  name: string;
  template: string;
  output?: string;
  error?: boolean;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/notifications/go-templates.json', import.meta.url), 'utf8')) as { data: unknown; cases: Case[] };

describe('Go text/template interpreter', () => {
  for (const c of fixture.cases) {
    it(c.error ? `${c.name}: fails as Go fails` : `${c.name}: prints what Go prints`, () => {
      const run = (): string => compileTemplate(c.name, c.template).execute(fixture.data);
      if (c.error) assert.throws(run, TemplateError);
      else assert.equal(run(), c.output);
    });
  }

  it('names the template in a config error', () => {
    assert.throws(() => compileTemplate('rollout-paused', '{{define "x"}}{{end}}'), /template rollout-paused: \{\{define\}\} is not supported/);
  });
});
