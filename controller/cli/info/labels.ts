/** Label and annotation keys Argo Rollouts writes on the objects it owns. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'scale-down-deadline';

export function parseRevision(annotations: Record<string, string> | undefined): number {
  const raw = annotations?.[REVISION_ANNOTATION];
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return 0;
  return Number(raw.trim());
}

export function ownerUid(refs: { uid: string }[] | undefined, uids: ReadonlySet<string>): string | undefined {
  return refs?.find((ref) => uids.has(ref.uid))?.uid;
}
