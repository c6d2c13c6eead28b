// Argo Rollouts' notification catalog (manifests/notifications in argo-rollouts):
// the triggers and templates a ConfigMap may use by name without defining
// them. A ConfigMap entry of the same name replaces the built-in one.
export interface CatalogEntry {
  trigger: string;
  template: string;
  message: string;
  color: string;
  extraFields?: Array<{ title: string; value: string }>;
}

const OK = '#18be52';
const BAD = '#E01E5A';
const WARN = '#ECB22E';

export const CATALOG: readonly CatalogEntry[] = [
  { trigger: 'on-analysis-run-error', template: 'analysis-run-error', color: WARN, message: "Rollout {{.rollout.metadata.name}}'s analysis run is in error state." },
  { trigger: 'on-analysis-run-failed', template: 'analysis-run-failed', color: BAD, message: "Rollout {{.rollout.metadata.name}}'s analysis run failed." },
  { trigger: 'on-analysis-run-running', template: 'analysis-run-running', color: OK, message: "Rollout {{.rollout.metadata.name}}'s analysis run is running." },
  { trigger: 'on-rollout-aborted', template: 'rollout-aborted', color: BAD, message: 'Rollout {{.rollout.metadata.name}} has been aborted.' },
  { trigger: 'on-rollout-completed', template: 'rollout-completed', color: OK, message: 'Rollout {{.rollout.metadata.name}} has been completed.' },
  { trigger: 'on-rollout-paused', template: 'rollout-paused', color: OK, message: 'Rollout {{.rollout.metadata.name}} has been paused.' },
  {
    trigger: 'on-rollout-step-completed',
    template: 'rollout-step-completed',
    color: OK,
    message: 'Rollout {{.rollout.metadata.name}} step number {{ add .rollout.status.currentStepIndex 1}}/{{len .rollout.spec.strategy.canary.steps}} has been completed.',
  },
  { trigger: 'on-rollout-updated', template: 'rollout-updated', color: OK, message: 'Rollout {{.rollout.metadata.name}} has been updated.' },
  {
    trigger: 'on-scaling-replica-set',
    template: 'scaling-replicaset',
    color: OK,
    message: "Scaling Rollout {{.rollout.metadata.name}}'s replicaset to {{.rollout.spec.replicas}}.",
    extraFields: [
      { title: 'Desired replica', value: '{{.rollout.spec.replicas}}' },
      { title: 'Updated replicas', value: '{{.rollout.status.updatedReplicas}}' },
    ],
  },
];

// The Slack attachment every catalog template carries: name, strategy, extra fields, one field per container.
export function catalogAttachments(entry: CatalogEntry): string {
  const extra = (entry.extraFields ?? []).map((f) => `},\n{\n  "title": "${f.title}",\n  "value": "${f.value}",\n  "short": true\n`).join('');
  return `[{
  "title": "{{ .rollout.metadata.name}}",
  "color": "${entry.color}",
  "fields": [
  {
    "title": "Strategy",
    "value": "{{if .rollout.spec.strategy.blueGreen}}BlueGreen{{end}}{{if .rollout.spec.strategy.canary}}Canary{{end}}",
    "short": true
${extra}  }
  {{range $index, $c := .rollout.spec.template.spec.containers}}
    {{if not $index}},{{end}}
    {{if $index}},{{end}}
    {
      "title": "{{$c.name}}",
      "value": "{{$c.image}}",
      "short": true
    }
  {{end}}
  ]
}]
`;
}

// Argo turns an event reason into a trigger name: RolloutPaused -> on-rollout-paused.
export function triggerForReason(reason: string): string {
  const words = reason.replace(/(.)([A-Z][a-z]+)/g, '$1-$2').replace(/([a-z0-9])([A-Z])/g, '$1-$2');
  return `on-${words.toLowerCase()}`;
}
