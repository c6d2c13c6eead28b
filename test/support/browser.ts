import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Real Chromium for the dashboard's browser tests, and what an accessibility audit can see
 * through Chromium's accessibility tree and keyboard focus.
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium from the system package, or a failure saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Roles a person operates: each needs a name a screen reader can say. */
const OPERABLE_ROLES = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'switch', 'slider', 'spinbutton', 'listbox', 'menuitem', 'tab', 'option']);

interface AXNode {
  ignored?: boolean;
  role?: { value?: string };
  name?: { value?: string };
  backendDOMNodeId?: number;
}

/**
 * Controls in Chromium's full accessibility tree (through the DevTools protocol) without an
 * accessible name: buttons and links without text or aria-label, form controls without a label,
 * one line each; and how many controls do have one, so a check can tell it saw the page.
 */
export async function unnamedControls(page: Page): Promise<{ unnamed: string[]; named: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    const controls = nodes.filter((n) => !n.ignored && OPERABLE_ROLES.has(String(n.role?.value ?? '')));
    const isUnnamed = (n: AXNode): boolean => String(n.name?.value ?? '').trim() === '';
    return {
      unnamed: controls.filter(isUnnamed).map((n) => `a ${String(n.role?.value)} without a name (DOM node ${n.backendDOMNodeId ?? '?'})`),
      named: controls.filter((n) => !isUnnamed(n)).length,
    };
  } finally {
    await cdp.detach();
  }
}

/**
 * What Tab does not reach: presses Tab from the top of the page until focus comes back round,
 * and returns the visible, enabled controls (links, buttons, form fields) it never landed on,
 * each described by its tag and text.
 */
export async function unreachableByKeyboard(page: Page, maxPresses = 300): Promise<string[]> {
  const total = await page.evaluate(() => {
    const controls = [...document.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])')];
    const visible = controls.filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
    visible.forEach((el, i) => (el.dataset.axOrder = String(i)));
    (document.activeElement as HTMLElement | null)?.blur();
    return visible.length;
  });
  const reached = new Set<string>();
  let first: string | undefined;
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.axOrder ?? '');
    if (id === '') continue;
    if (id === first) break;
    first ??= id;
    reached.add(id);
  }
  return page.evaluate(
    ({ reachedIds, count }) => {
      const missing: string[] = [];
      for (let i = 0; i < count; i++) {
        if (reachedIds.includes(String(i))) continue;
        const el = document.querySelector<HTMLElement>(`[data-ax-order="${i}"]`);
        if (el) missing.push(`${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`);
      }
      return missing;
    },
    { reachedIds: [...reached], count: total },
  );
}

/** Status words drawn as coloured badges that carry no text or icon beside the colour. */
export async function colourOnlyBadges(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.badge')]
      .filter((el) => (el.textContent ?? '').trim() === '')
      .map((el) => el.outerHTML.slice(0, 80)),
  );
}
