// What a provider needs to call an AWS API: where credentials and the region
// come from, and the credentials themselves (assumed roles cached).
import type { AwsCredentialSource, AwsEnvironment } from './credentials.ts';

export interface AwsDeps {
  environment: AwsEnvironment;
  credentials: AwsCredentialSource;
}

export { createAwsCredentialSource, processAwsEnvironment, resolveRegion, serviceEndpoint, type AwsEnvironment, type AwsSource } from './credentials.ts';
export { signV4, type AwsCredentials } from './sigv4.ts';
