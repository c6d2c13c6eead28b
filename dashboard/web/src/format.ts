/** Argo's short ages: 45s, 12m, 3h, 5d. */
export function age(time: string | undefined, now: number): string {
  if (time === undefined) return '';
  const then = Date.parse(time);
  if (Number.isNaN(then)) return '';
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** A countdown: 1:05, 12:00, 1:02:03. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function durationText(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export function timeOfDay(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** The colour family of a status word, for badges and dots. */
export function tone(status: string): 'ok' | 'progress' | 'paused' | 'bad' | 'neutral' {
  switch (status) {
    case 'Healthy':
    case 'Successful':
    case 'Running':
      return status === 'Running' ? 'progress' : 'ok';
    case 'Progressing':
    case 'Pending':
      return 'progress';
    case 'Paused':
    case 'Inconclusive':
      return 'paused';
    case 'Degraded':
    case 'Failed':
    case 'Error':
    case 'ReplicaFailure':
      return 'bad';
    default:
      return 'neutral';
  }
}

/** "registry.example/team/app:1.2" → "app:1.2", the part people recognise. */
export function shortImage(image: string): string {
  const slash = image.lastIndexOf('/');
  return slash < 0 ? image : image.slice(slash + 1);
}

/** Round axis bounds and ticks around [lo, hi]: 0.9–1.0 by 0.02, not 0.886–0.976. */
export function niceScale(lo: number, hi: number, count = 5): { min: number; max: number; ticks: number[] } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: 0, max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  if (hi === lo) {
    const pad = Math.abs(hi) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const rough = (hi - lo) / Math.max(1, count - 1);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Rounding keeps 0.1 + 0.2 from printing as 0.30000000000000004.
  for (let v = min; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { min: ticks[0] ?? min, max: ticks[ticks.length - 1] ?? max, ticks };
}
