import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ariaShortcut, SHORTCUTS, shortcutOf } from '../../../dashboard/web/src/shortcuts.ts';

/** The rollout page's keys: one table for the handler, the buttons' aria-keyshortcuts and the help. */

const press = (key: string, extra: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean; target: unknown }> = {}) =>
  shortcutOf({ key, ctrlKey: false, altKey: false, metaKey: false, target: null, ...extra } as Parameters<typeof shortcutOf>[0]);

describe('keyboard shortcuts', () => {
  test('each key reaches its action; case matters (P is promote full, R restart)', () => {
    assert.equal(press('p'), 'promote');
    assert.equal(press('P'), 'promote-full');
    assert.equal(press('r'), 'retry');
    assert.equal(press('R'), 'restart');
    assert.equal(press('s'), 'pause-resume');
    assert.equal(press('?'), 'help');
    assert.equal(press('x'), undefined);
  });

  test('never while typing in a field or with Ctrl, Alt or Meta (the browser\'s own shortcuts)', () => {
    for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) assert.equal(press('p', { target: { tagName } }), undefined, tagName);
    assert.equal(press('p', { target: { tagName: 'DIV', isContentEditable: true } }), undefined);
    assert.equal(press('p', { target: { tagName: 'BUTTON' } }), 'promote');
    assert.equal(press('r', { ctrlKey: true }), undefined);
    assert.equal(press('p', { metaKey: true }), undefined);
    assert.equal(press('a', { altKey: true }), undefined);
  });

  test('keys are unique and each target has its aria-keyshortcuts spelling', () => {
    assert.equal(new Set(SHORTCUTS.map((s) => s.key)).size, SHORTCUTS.length);
    assert.equal(ariaShortcut('promote-full'), 'Shift+P');
    assert.equal(ariaShortcut('undo'), undefined, 'undo asks through its button or a revision\'s Roll back');
  });
});
