import type { ComponentChildren } from 'preact';

/** An error region (`role="alert"`); renders nothing without a message. */
export function ErrorAlert({ message }: { message: string }) {
  if (!message) return null;
  return (
    <div role="alert" class="alert">
      {message}
    </div>
  );
}

/** A success notice, announced politely. */
export function Notice({ children }: { children?: ComponentChildren }) {
  if (!children) return null;
  return (
    <div role="status" class="notice">
      {children}
    </div>
  );
}
