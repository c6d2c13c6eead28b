import { IconBad, IconOK, IconProgressing, IconUnknown, IconWaiting, IconWarning, TagActive, TagCanary, TagPing, TagPong, TagPreview, TagStable } from '../../../client/info/icons.ts';

const FG_RED = 31;
const FG_GREEN = 32;
const FG_YELLOW = 33;
const FG_HI_BLUE = 94;

/** Argo's colour choices for icons, replica set tags and running analysis. */
const COLORS: Record<string, number> = {
  [IconWaiting]: FG_YELLOW,
  [IconProgressing]: FG_HI_BLUE,
  [IconWarning]: FG_RED,
  [IconUnknown]: FG_YELLOW,
  [IconOK]: FG_GREEN,
  [IconBad]: FG_RED,
  [TagCanary]: FG_YELLOW,
  [TagStable]: FG_GREEN,
  [TagActive]: FG_GREEN,
  [TagPreview]: FG_HI_BLUE,
  [TagPing]: FG_HI_BLUE,
  [TagPong]: FG_HI_BLUE,
  Pending: FG_HI_BLUE,
  Running: FG_HI_BLUE,
};

export interface Painter {
  /** Colours a well-known word (icon, tag, phase) by itself. */
  word(text: string): string;
  /** Colours `text` as the well-known word `key` would be. */
  as(text: string, key: string): string;
  bold(text: string): string;
}

export function painter(enabled: boolean): Painter {
  const wrap = (text: string, code: number | undefined): string =>
    enabled && code !== undefined ? `\x1b[${code}m${text}\x1b[0m` : text;
  return {
    word: (text) => wrap(text, COLORS[text]),
    as: (text, key) => wrap(text, COLORS[key]),
    bold: (text) => wrap(text, 1),
  };
}

export const plain = painter(false);

/**
 * kubectl's convention: colour only on a terminal, never when NO_COLOR is set (any value) or
 * TERM is "dumb", and never when the user asked for none.
 */
export function colorEnabled(opts: { isTTY: boolean; env: Record<string, string | undefined>; noColorFlag: boolean }): boolean {
  if (opts.noColorFlag || !opts.isTTY) return false;
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '') return false;
  return opts.env.TERM !== 'dumb';
}
