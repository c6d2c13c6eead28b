import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateAnalysisRun, validateAnalysisTemplate, type FieldError } from '../../../controller/api/index.ts';

type Json = Record<string, unknown>;

const prometheus = { prometheus: { address: 'http://prometheus:9090', query: 'up' } };

function template(metrics: Json[], spec: Json = {}, kind = 'AnalysisTemplate'): Json {
  return { apiVersion: 'argoproj.io/v1alpha1', kind, metadata: { name: 'success-rate' }, spec: { metrics, ...spec } };
}

const cases: { name: string; input: Json; field: string; message: string }[] = [
  { name: 'no metrics', input: template([]), field: 'spec.metrics', message: 'Required value: no metrics specified' },
  {
    name: 'duplicate metric names',
    input: template([
      { name: 'rate', provider: prometheus },
      { name: 'rate', provider: prometheus },
    ]),
    field: 'spec.metrics[1].name',
    message: 'Duplicate value: "rate"',
  },
  { name: 'no provider', input: template([{ name: 'rate', provider: {} }]), field: 'spec.metrics[0].provider', message: 'Required value: no provider specified' },
  {
    name: 'two providers',
    input: template([{ name: 'rate', provider: { ...prometheus, web: { url: 'http://x' } } }]),
    field: 'spec.metrics[0].provider',
    message: 'Invalid value: "prometheus, web": multiple providers specified',
  },
  {
    name: 'two plugin providers',
    input: template([{ name: 'rate', provider: { plugin: { 'acme/a': {}, 'acme/b': {} } } }]),
    field: 'spec.metrics[0].provider',
    message: 'Invalid value: "plugin.acme/a, plugin.acme/b": multiple providers specified',
  },
  {
    name: 'unknown provider',
    input: template([{ name: 'rate', provider: { statsd: {} } }]),
    field: 'spec.metrics[0].provider.statsd',
    message:
      'Unsupported value: "statsd": supported values: "prometheus", "web", "job", "kayenta", "datadog", "wavefront", "newRelic", "cloudWatch", "graphite", "influxdb", "skywalking", "plugin"',
  },
  {
    name: 'count above one without interval',
    input: template([{ name: 'rate', count: 3, provider: prometheus }]),
    field: 'spec.metrics[0].interval',
    message: 'Required value: interval must be specified when count > 1',
  },
  {
    name: 'count below failureLimit',
    input: template([{ name: 'rate', count: 2, interval: '1m', failureLimit: 3, provider: prometheus }]),
    field: 'spec.metrics[0].count',
    message: 'Invalid value: 2: count must be >= failureLimit',
  },
  {
    name: 'count below inconclusiveLimit',
    input: template([{ name: 'rate', count: 1, inconclusiveLimit: 2, provider: prometheus }]),
    field: 'spec.metrics[0].count',
    message: 'Invalid value: 1: count must be >= inconclusiveLimit',
  },
  {
    name: 'interval without a unit',
    input: template([{ name: 'rate', interval: '30', provider: prometheus }]),
    field: 'spec.metrics[0].interval',
    message: 'Invalid value: "30": invalid interval string: invalid duration "30": missing unit (use ns, us, ms, s, m or h)',
  },
  {
    name: 'initial delay that does not parse',
    input: template([{ name: 'rate', initialDelay: 'soon', provider: prometheus }]),
    field: 'spec.metrics[0].initialDelay',
    message: 'Invalid value: "soon": invalid startDelay string: invalid duration "soon": expected a number followed by a unit, e.g. "30s", "5m", "1h30m"',
  },
  {
    name: 'negative failureLimit',
    input: template([{ name: 'rate', failureLimit: -1, provider: prometheus }]),
    field: 'spec.metrics[0].failureLimit',
    message: 'Invalid value: -1: failureLimit must be >= 0',
  },
  {
    name: 'negative consecutiveErrorLimit',
    input: template([{ name: 'rate', consecutiveErrorLimit: -2, provider: prometheus }]),
    field: 'spec.metrics[0].consecutiveErrorLimit',
    message: 'Invalid value: -2: consecutiveErrorLimit must be >= 0',
  },
  {
    name: 'count that is neither a number nor an argument',
    input: template([{ name: 'rate', count: 'three', provider: prometheus }]),
    field: 'spec.metrics[0].count',
    message: 'Invalid value: "three": must be an integer or an argument reference such as "{{args.name}}"',
  },
  {
    name: 'dryRun rule matching no metric',
    input: template([{ name: 'rate', provider: prometheus }], { dryRun: [{ metricName: 'latency' }] }),
    field: 'spec.dryRun[0].metricName',
    message: 'Invalid value: "latency": Rule didn\'t match any metric name(s)',
  },
  {
    name: 'web metric without url',
    input: template([{ name: 'rate', provider: { web: { jsonPath: '{$.ok}' } } }]),
    field: 'spec.metrics[0].provider.web.url',
    message: 'Required value',
  },
  {
    name: 'unknown field in a metric',
    input: template([{ name: 'rate', maxFailures: 1, provider: prometheus }]),
    field: 'spec.metrics[0].maxFailures',
    message:
      'Unsupported value: "maxFailures": supported values: "name", "interval", "initialDelay", "count", "successCondition", "failureCondition", "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit", "consecutiveSuccessLimit", "provider"',
  },
  {
    name: 'argument with both value and valueFrom',
    input: template([{ name: 'rate', provider: prometheus }], { args: [{ name: 'token', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }),
    field: 'spec.args[0]',
    message: 'Invalid value: "token": arg \'token\' has both Value and ValueFrom fields',
  },
  {
    name: 'argument without a name',
    input: template([{ name: 'rate', provider: prometheus }], { args: [{ name: '' }] }),
    field: 'spec.args[0].name',
    message: 'Required value',
  },
];

describe('validateAnalysisTemplate rejects invalid templates', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = validateAnalysisTemplate(c.input);
      assert.equal(result.ok, false);
      const errors: FieldError[] = result.ok ? [] : result.errors;
      assert.ok(
        errors.some((e) => e.field === c.field && e.message === c.message),
        `expected ${c.field}: ${c.message}\n got:\n${errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`,
      );
    });
  }
});

describe('validateAnalysisTemplate accepts', () => {
  it('a ClusterAnalysisTemplate', () => {
    const result = validateAnalysisTemplate(template([{ name: 'rate', provider: prometheus }], {}, 'ClusterAnalysisTemplate'));
    assert.ok(result.ok);
    assert.equal(result.template.kind, 'ClusterAnalysisTemplate');
  });

  it('argument references in count and limits', () => {
    const result = validateAnalysisTemplate(
      template([{ name: 'rate', interval: '{{args.interval}}', count: '{{args.count}}', failureLimit: '{{args.limit}}', provider: prometheus }], {
        args: [{ name: 'interval' }, { name: 'count' }, { name: 'limit' }],
      }),
    );
    assert.deepEqual(result.ok ? [] : result.errors, []);
  });

  it('a wildcard dryRun rule and a regular-expression retention rule', () => {
    const result = validateAnalysisTemplate(
      template([{ name: 'error-rate', provider: prometheus }], { dryRun: [{ metricName: '*' }], measurementRetention: [{ metricName: 'error-.*', limit: 5 }] }),
    );
    assert.deepEqual(result.ok ? [] : result.errors, []);
  });

  it('rejects a kind that is not a template', () => {
    const result = validateAnalysisTemplate({ ...template([{ name: 'rate', provider: prometheus }]), kind: 'Rollout' });
    assert.equal(result.ok, false);
  });
});

describe('validateAnalysisRun', () => {
  it('accepts a run with status and applies the metric rules', () => {
    const run = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'guestbook-6c9d8b7f5-2' },
      spec: { metrics: [{ name: 'rate', interval: '1m', count: 3, provider: prometheus }], args: [{ name: 'service', value: 'guestbook' }] },
      status: {
        phase: 'Running',
        startedAt: '2024-02-15T20:05:40Z',
        metricResults: [{ name: 'rate', phase: 'Running', count: 1, successful: 1, measurements: [{ phase: 'Successful', value: '[0.99]', startedAt: '2024-02-15T20:05:40Z', finishedAt: '2024-02-15T20:05:41Z' }] }],
        runSummary: { count: 1, successful: 1 },
      },
    };
    const result = validateAnalysisRun(run);
    assert.deepEqual(result.ok ? [] : result.errors, []);
    assert.equal(result.ok && result.run.status?.metricResults?.[0]?.measurements?.[0]?.value, '[0.99]');

    const broken = validateAnalysisRun({ ...run, spec: { metrics: [{ name: 'rate', count: 3, provider: prometheus }] } });
    assert.equal(broken.ok, false);
    assert.equal(!broken.ok && broken.errors[0]?.field, 'spec.metrics[0].interval');
  });
});
