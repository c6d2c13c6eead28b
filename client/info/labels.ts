import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION } from '../../controller/api/labels.ts';
export { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION };

export function parseRevision(annotations: Record<string, string> | undefined): number {
  const raw = annotations?.[REVISION_ANNOTATION];
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return 0;
  return Number(raw.trim());
}

export function ownerUid(refs: { uid: string }[] | undefined, uids: ReadonlySet<string>): string | undefined {
  return refs?.find((ref) => uids.has(ref.uid))?.uid;
}
