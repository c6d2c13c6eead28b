// AWS credentials found where the AWS SDK looks: an explicit profile in the
// shared credentials file first, else the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), else the profile named by
// AWS_PROFILE (or `default`). A role ARN is assumed through STS with them.
import { readFileSync } from 'node:fs';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { signV4, type AwsCredentials } from './sigv4.ts';

export interface AwsEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  // The file's text, or undefined when it does not exist.
  readFile(path: string): string | undefined;
  homeDir: string;
}

export interface AwsSource {
  region?: string;
  profile?: string;
  roleArn?: string;
}

const STS_TIMEOUT_MS = 30_000;
// Assumed-role credentials are renewed this long before they expire.
const EXPIRY_MARGIN_MS = 60_000;

// The SDK's endpoint override: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else the public endpoint.
export function serviceEndpoint(aws: AwsEnvironment, service: string, fallback: string): string {
  return aws.env[`AWS_ENDPOINT_URL_${service}`] || aws.env['AWS_ENDPOINT_URL'] || fallback;
}

export function resolveRegion(aws: AwsEnvironment, region: string | undefined): string {
  const found = region || aws.env['AWS_REGION'] || aws.env['AWS_DEFAULT_REGION'];
  if (!found) throw new Error('region not configured in sigv4 or in default credentials chain');
  return found;
}

// The sections of an INI file: `[name]` then `key = value` lines.
export function parseIni(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (header) {
      current = {};
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return sections;
}

function fromProfile(aws: AwsEnvironment, profile: string): AwsCredentials {
  const path = aws.env['AWS_SHARED_CREDENTIALS_FILE'] || `${aws.homeDir}/.aws/credentials`;
  const text = aws.readFile(path);
  if (text === undefined) throw new Error(`could not get SigV4 credentials: shared credentials file ${path} not found`);
  const section = parseIni(text).get(profile);
  const accessKeyId = section?.['aws_access_key_id'];
  const secretAccessKey = section?.['aws_secret_access_key'];
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(`could not get SigV4 credentials: profile ${JSON.stringify(profile)} in ${path} has no aws_access_key_id and aws_secret_access_key`);
  }
  const sessionToken = section?.['aws_session_token'];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export function baseCredentials(aws: AwsEnvironment, profile: string | undefined): AwsCredentials {
  if (profile) return fromProfile(aws, profile);
  const accessKeyId = aws.env['AWS_ACCESS_KEY_ID'] || aws.env['AWS_ACCESS_KEY'];
  const secretAccessKey = aws.env['AWS_SECRET_ACCESS_KEY'] || aws.env['AWS_SECRET_KEY'];
  if (accessKeyId && secretAccessKey) {
    const sessionToken = aws.env['AWS_SESSION_TOKEN'];
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  return fromProfile(aws, aws.env['AWS_PROFILE'] || aws.env['AWS_DEFAULT_PROFILE'] || 'default');
}

function xmlText(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

export interface AwsCredentialDeps {
  http: HttpPort;
  aws: AwsEnvironment;
  now(): number;
}

export interface AwsCredentialSource {
  credentials(source: AwsSource, region: string): Promise<AwsCredentials>;
}

// Assumed roles are cached per role, base key and region until shortly before they expire.
export function createAwsCredentialSource(deps: AwsCredentialDeps): AwsCredentialSource {
  const assumed = new Map<string, { credentials: AwsCredentials; expiresAt: number }>();
  return {
    async credentials(source, region) {
      const base = baseCredentials(deps.aws, source.profile);
      if (!source.roleArn) return base;
      const key = JSON.stringify([source.roleArn, base.accessKeyId, region]);
      const cached = assumed.get(key);
      if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > deps.now()) return cached.credentials;
      const fresh = await assumeRole(deps, base, source.roleArn, region);
      assumed.set(key, fresh);
      return fresh.credentials;
    },
  };
}

async function assumeRole(deps: AwsCredentialDeps, base: AwsCredentials, roleArn: string, region: string) {
  const url = serviceEndpoint(deps.aws, 'STS', `https://sts.${region}.amazonaws.com/`);
  const now = deps.now();
  const body = new URLSearchParams({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: `ramp-${now}`, Version: '2011-06-15' }).toString();
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const signed = signV4({ method: 'POST', url, headers, body, service: 'sts', region, credentials: base, now });
  const { status, body: xml } = await requestWithTimeout(deps.http, url, { method: 'POST', headers: { ...headers, ...signed }, body }, STS_TIMEOUT_MS);
  const accessKeyId = xmlText(xml, 'AccessKeyId');
  const secretAccessKey = xmlText(xml, 'SecretAccessKey');
  const sessionToken = xmlText(xml, 'SessionToken');
  if (status < 200 || status > 299 || !accessKeyId || !secretAccessKey) {
    const reason = xmlText(xml, 'Message') ?? `status ${status}`;
    throw new Error(`could not assume role ${roleArn}: ${reason}`);
  }
  const expiration = Date.parse(xmlText(xml, 'Expiration') ?? '');
  return {
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    expiresAt: Number.isNaN(expiration) ? now + 15 * 60_000 : expiration,
  };
}

/** The process's own environment and files, for the controller. */
export function processAwsEnvironment(): AwsEnvironment {
  return {
    env: process.env,
    homeDir: process.env['HOME'] ?? '',
    readFile(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
