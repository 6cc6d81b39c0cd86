// The keys a reviewer settles a queue with: j and k move, Enter opens, m matches, r resolves, d dismisses, Escape
// goes back. Keys typed into a field are the field's.

export interface KeyHandlers {
  move(by: 1 | -1): void;
  open(): void;
  match(): void;
  resolve(): void;
  dismiss(): void;
  back(): void;
}

export function listenForKeys(target: Document, on: KeyHandlers): void {
  target.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = (event.target as Element | null)?.closest?.('input, textarea, select, [contenteditable]');
    if (typing) {
      if (event.key === 'Escape') (event.target as HTMLElement).blur();
      return;
    }
    const act: Record<string, () => void> = {
      j: () => on.move(1),
      ArrowDown: () => on.move(1),
      k: () => on.move(-1),
      ArrowUp: () => on.move(-1),
      Enter: () => on.open(),
      m: () => on.match(),
      r: () => on.resolve(),
      d: () => on.dismiss(),
      Escape: () => on.back(),
    };
    const handler = act[event.key];
    // Enter on a button or a link is that control's own.
    if (
      !handler ||
      (event.key === 'Enter' && (event.target as Element | null)?.closest?.('button, a, summary'))
    )
      return;
    event.preventDefault();
    handler();
  });
}
