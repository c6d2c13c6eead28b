export type Json = Record<string, unknown>;

/** A Rollout named guestbook with three replicas and the given strategy, as the validation tests build it. */
export function guestbookRollout(strategy: Json, spec: Json = {}): Json {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'guestbook', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'guestbook' } },
      template: { metadata: { labels: { app: 'guestbook' } }, spec: { containers: [{ name: 'app', image: 'guestbook:v1' }] } },
      strategy,
      ...spec,
    },
  };
}
