// CloudWatch metric provider: GetMetricData over the CloudWatch Query API
// (form POST, XML answer), SigV4-signed with the controller's AWS credentials,
// for the window [now - interval, now] (interval 5m by default). Conditions see
// the MetricDataResults as Argo hands them over: result[0].Values and so on.
import { formatTime } from '../../../api/kit.ts';
import { parseGoDurationMillis } from '../../../api/duration.ts';
import { intValue } from '../../../api/intstr.ts';
import type { CloudWatchMetric } from '../../../api/provider-specs.ts';
import { parseGoFloat } from '../../../expr/index.ts';
import { evaluateResult } from '../../metric-conditions.ts';
import { resolveRegion, serviceEndpoint, type AwsDeps } from '../aws/index.ts';
import { signV4 } from '../aws/sigv4.ts';
import { members, parseXml, path, type XmlElement } from '../aws/xml.ts';
import { formatGoFloatV } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { markMeasurementError, startMeasurement, type MetricProvider } from '../provider.ts';

export const PROVIDER_TYPE = 'CloudWatch';
const DEFAULT_INTERVAL_MS = 5 * 60_000;
const TIMEOUT_MS = 30_000;
const API_VERSION = '2010-08-01';

export interface CloudWatchDeps {
  http: HttpPort;
  aws: AwsDeps;
}

/** One MetricDataResult, with the field names conditions use in Argo. */
export interface MetricDataResult {
  Id: string | null;
  Label: string | null;
  StatusCode: string;
  Timestamps: string[];
  Values: number[];
  Messages: { Code: string | null; Value: string | null }[];
}

export interface GetMetricDataOutput {
  MetricDataResults: MetricDataResult[];
  Messages: { Code: string | null; Value: string | null }[];
}

// GetMetricData's request parameters in the Query protocol's flattened form.
export function getMetricDataForm(spec: CloudWatchMetric, start: number, end: number): URLSearchParams {
  const form = new URLSearchParams({ Action: 'GetMetricData', Version: API_VERSION });
  form.set('StartTime', new Date(start).toISOString());
  form.set('EndTime', new Date(end).toISOString());
  spec.metricDataQueries.forEach((q, i) => {
    const p = `MetricDataQueries.member.${i + 1}`;
    form.set(`${p}.Id`, q.id ?? '');
    if (q.expression !== undefined) form.set(`${p}.Expression`, q.expression);
    if (q.label !== undefined) form.set(`${p}.Label`, q.label);
    if (q.metricStat !== undefined) {
      const stat = q.metricStat;
      form.set(`${p}.MetricStat.Metric.MetricName`, stat.metric?.metricName ?? '');
      if (stat.metric?.namespace !== undefined) form.set(`${p}.MetricStat.Metric.Namespace`, stat.metric.namespace);
      (stat.metric?.dimensions ?? []).forEach((d, j) => {
        form.set(`${p}.MetricStat.Metric.Dimensions.member.${j + 1}.Name`, d.name ?? '');
        form.set(`${p}.MetricStat.Metric.Dimensions.member.${j + 1}.Value`, d.value ?? '');
      });
      form.set(`${p}.MetricStat.Period`, String(intValue(stat.period ?? 0)));
      form.set(`${p}.MetricStat.Stat`, stat.stat ?? '');
      if (stat.unit) form.set(`${p}.MetricStat.Unit`, stat.unit);
    }
    if (q.period !== undefined) form.set(`${p}.Period`, String(intValue(q.period)));
    if (q.returnData !== undefined) form.set(`${p}.ReturnData`, String(q.returnData));
  });
  return form;
}

const textOf = (e: XmlElement | undefined): string | null => (e === undefined ? null : e.text.trim());
const messagesOf = (list: XmlElement | undefined) => members(list).map((m) => ({ Code: textOf(path(m, 'Code')), Value: textOf(path(m, 'Value')) }));

export function parseGetMetricData(xml: string): GetMetricDataOutput {
  const result = path(parseXml(xml), 'GetMetricDataResponse', 'GetMetricDataResult');
  if (result === undefined) throw new Error(`unexpected GetMetricData response: ${xml.slice(0, 200)}`);
  return {
    MetricDataResults: members(path(result, 'MetricDataResults')).map((m) => ({
      Id: textOf(path(m, 'Id')),
      Label: textOf(path(m, 'Label')),
      StatusCode: textOf(path(m, 'StatusCode')) ?? '',
      Timestamps: members(path(m, 'Timestamps')).map((t) => t.text.trim()),
      Values: members(path(m, 'Values')).map((v) => parseGoFloat(v.text.trim())),
      Messages: messagesOf(path(m, 'Messages')),
    })),
    Messages: messagesOf(path(result, 'Messages')),
  };
}

// An AWS error answer: <ErrorResponse><Error><Code>..</Code><Message>..</Message>.
function awsError(status: number, xml: string): Error {
  let code: string | null = null;
  let message: string | null = null;
  try {
    const error = path(parseXml(xml), 'ErrorResponse', 'Error');
    code = textOf(path(error, 'Code'));
    message = textOf(path(error, 'Message'));
  } catch {
    // not XML: report the status alone
  }
  return new Error(`operation error CloudWatch: GetMetricData, https response error StatusCode: ${status}${code ? `, api error ${code}: ${message ?? ''}` : ''}`);
}

export function createCloudWatchProvider(deps: CloudWatchDeps): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      try {
        const spec = ctx.metric.provider.cloudWatch;
        if (spec === undefined) throw new Error(`metric '${ctx.metric.name}' has no cloudWatch provider`);
        const interval = spec.interval ? parseGoDurationMillis(spec.interval) : DEFAULT_INTERVAL_MS;
        const output = await getMetricData(deps, spec, interval, ctx.now());
        const metadata = output.Messages.length > 0 ? { messages: `[${output.Messages.map((m) => `{Code:${m.Code ?? ''} Value:${m.Value ?? ''}}`).join(' ')}]` } : undefined;
        const value = `[${output.MetricDataResults.map((r) => `[${r.Values.map(formatGoFloatV).join(' ')}]`).join(' ')}]`;
        const outcome = evaluateResult(output.MetricDataResults, ctx.metric);
        if (outcome.error !== undefined) return markMeasurementError({ ...measurement, value, ...(metadata ? { metadata } : {}) }, new Error(outcome.error), ctx.now());
        return { ...measurement, phase: outcome.phase, value, ...(metadata ? { metadata } : {}), finishedAt: formatTime(new Date(ctx.now())) };
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
  };
}

async function getMetricData(deps: CloudWatchDeps, spec: CloudWatchMetric, interval: number, now: number): Promise<GetMetricDataOutput> {
  const region = resolveRegion(deps.aws.environment, undefined);
  const url = serviceEndpoint(deps.aws.environment, 'CLOUDWATCH', `https://monitoring.${region}.amazonaws.com/`);
  const body = getMetricDataForm(spec, now - interval, now).toString();
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const credentials = await deps.aws.credentials.credentials({}, region);
  const signed = signV4({ method: 'POST', url, headers, body, service: 'monitoring', region, credentials, now });
  const response = await requestWithTimeout(deps.http, url, { method: 'POST', headers: { ...headers, ...signed }, body }, TIMEOUT_MS);
  if (response.status < 200 || response.status > 299) throw awsError(response.status, response.body);
  return parseGetMetricData(response.body);
}
