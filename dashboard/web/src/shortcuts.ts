import type { ActionName } from '../../shared/api.ts';

/**
 * The rollout page's keyboard shortcuts, one table for the handler, the buttons'
 * `aria-keyshortcuts` and the help overlay. Single keys, as in GitHub or Gmail; ignored while
 * typing in a field or with Ctrl, Alt or Meta held, so the browser's own shortcuts still work.
 */

export type ShortcutTarget = ActionName | 'pause-resume' | 'set-image' | 'help';

export interface Shortcut {
  /** `KeyboardEvent.key`. */
  key: string;
  /** As `aria-keyshortcuts` spells it. */
  aria: string;
  target: ShortcutTarget;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'p', aria: 'P', target: 'promote', description: 'Promote: continue past the current pause or step' },
  { key: 'P', aria: 'Shift+P', target: 'promote-full', description: 'Promote full: skip every remaining step' },
  { key: 's', aria: 'S', target: 'pause-resume', description: 'Pause, or resume a rollout paused by hand' },
  { key: 'a', aria: 'A', target: 'abort', description: 'Abort (asks first)' },
  { key: 'r', aria: 'R', target: 'retry', description: 'Retry an aborted update' },
  { key: 'R', aria: 'Shift+R', target: 'restart', description: 'Restart every pod' },
  { key: 'i', aria: 'I', target: 'set-image', description: 'Set image: go to the image field' },
  { key: '?', aria: 'Shift+?', target: 'help', description: 'Show this help; Escape closes it' },
];

/** The aria-keyshortcuts value of a target, if a key reaches it. */
export function ariaShortcut(target: ShortcutTarget): string | undefined {
  return SHORTCUTS.find((s) => s.target === target)?.aria;
}

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}

function typing(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean } | null;
  return el?.isContentEditable === true || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el?.tagName ?? '');
}

/** What a key press asks for, or undefined when it is not a shortcut here. */
export function shortcutOf(event: KeyLike): ShortcutTarget | undefined {
  if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return undefined;
  return SHORTCUTS.find((s) => s.key === event.key)?.target;
}
