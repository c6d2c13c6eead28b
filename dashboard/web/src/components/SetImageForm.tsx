import { useEffect, useState, type RefObject } from 'react';
import type { ContainerView } from '../../../shared/api.ts';
import { ariaShortcut } from '../shortcuts.ts';
import type { ActionRunner } from '../useActions.ts';

const KIND_LABEL: Record<ContainerView['kind'], string> = { container: 'container', init: 'init container', ephemeral: 'ephemeral container' };

/** `kubectl ramp set image NAME CONTAINER=IMAGE` from the page: pick a container, type the image. */
export function SetImageForm({ containers, readOnly, runner, imageField }: { containers: ContainerView[]; readOnly: boolean; runner: ActionRunner; imageField: RefObject<HTMLInputElement | null> }) {
  const [container, setContainer] = useState(containers[0]?.name ?? '');
  const current = containers.find((c) => c.name === container);
  const [image, setImage] = useState(current?.image ?? '');
  // A new pick, or the image changed by someone else, refills the field with what is there now.
  useEffect(() => setImage(current?.image ?? ''), [container, current?.image]);
  if (containers.length === 0) return <p className="muted">The pod template has no containers.</p>;
  const trimmed = image.trim();
  const unchanged = trimmed === current?.image;
  const disabled = readOnly || runner.busy !== undefined || trimmed === '' || /\s/.test(trimmed) || unchanged;
  return (
    <form
      className="set-image"
      aria-label="Set image"
      data-testid="set-image"
      onSubmit={(e) => {
        e.preventDefault();
        if (!disabled) void runner.run('set-image', { container, image: trimmed });
      }}
    >
      <label htmlFor="set-image-container">Container</label>
      <select id="set-image-container" value={container} onChange={(e) => setContainer(e.target.value)} data-testid="set-image-container">
        {containers.map((c) => (
          <option key={`${c.kind}/${c.name}`} value={c.name}>
            {c.name} ({KIND_LABEL[c.kind]})
          </option>
        ))}
      </select>
      <label htmlFor="set-image-image">Image</label>
      <input
        id="set-image-image"
        ref={imageField}
        className="mono"
        type="text"
        spellCheck={false}
        autoComplete="off"
        value={image}
        onChange={(e) => setImage(e.target.value)}
        aria-keyshortcuts={ariaShortcut('set-image')}
        aria-describedby="set-image-help"
        data-testid="set-image-image"
      />
      <button type="submit" className="button button-primary" disabled={disabled} data-testid="set-image-submit">
        {runner.busy === 'set-image' ? 'Setting…' : 'Set image'}
      </button>
      <span id="set-image-help" className="muted">
        {readOnly ? 'The dashboard runs read-only.' : unchanged ? 'Type a new image; the update starts as with kubectl ramp set image.' : 'Starts an update to this image.'}
      </span>
    </form>
  );
}
