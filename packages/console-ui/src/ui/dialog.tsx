import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

/**
 * A modal confirmation (native `<dialog>`: focus is trapped inside and Escape cancels). Focus
 * starts on Cancel and returns to the control that opened it.
 */
export function ConfirmDialog(p: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  children?: ComponentChildren;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    cancelRef.current?.focus();
    return () => {
      if (d?.open) d.close();
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        e.preventDefault();
        p.onClose();
      }}
    >
      <h2 id={titleId}>{p.title}</h2>
      <div id={bodyId}>{p.children}</div>
      <div class="actions">
        <button type="button" ref={cancelRef} data-testid="confirm-cancel" onClick={p.onClose}>
          Cancel
        </button>
        <button
          type="button"
          class={p.danger ? 'danger primary' : 'primary'}
          data-testid="confirm-ok"
          onClick={() => {
            p.onConfirm();
            p.onClose();
          }}
        >
          {p.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
