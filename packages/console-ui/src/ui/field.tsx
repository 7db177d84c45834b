import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

interface Base {
  label: string;
  help?: string;
  name?: string;
}

/** A labelled text input or text area. */
export function TextField(p: Base & {
  value: string;
  onValue: (v: string) => void;
  multiline?: boolean;
  type?: 'text' | 'datetime-local';
  required?: boolean;
  placeholder?: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const helpId = p.help ? `${id}-help` : undefined;
  const common = {
    id,
    name: p.name,
    value: p.value,
    placeholder: p.placeholder,
    required: p.required,
    autoFocus: p.autoFocus,
    'aria-describedby': helpId,
    onInput: (e: Event) => p.onValue((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
  };
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      {p.multiline ? <textarea {...common} spellcheck={false} /> : <input type={(p.type ?? 'text') as 'text'} {...common} spellcheck={false} autoComplete="off" />}
      {p.help && (
        <span id={helpId} class="help">
          {p.help}
        </span>
      )}
    </div>
  );
}

/** A labelled select. */
export function SelectField<T extends string>(p: Base & { value: T; onValue: (v: T) => void; options: readonly (readonly [T, string])[] }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <select id={id} name={p.name} value={p.value} onChange={(e) => p.onValue((e.currentTarget as HTMLSelectElement).value as T)}>
        {p.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
      {p.help && <span class="help">{p.help}</span>}
    </div>
  );
}

/** A labelled check box. */
export function CheckField(p: Base & { checked: boolean; onValue: (v: boolean) => void }) {
  const id = useId();
  return (
    <div class="field check">
      <input id={id} type="checkbox" name={p.name} checked={p.checked} onChange={(e) => p.onValue((e.currentTarget as HTMLInputElement).checked)} />
      <label for={id}>{p.label}</label>
    </div>
  );
}

/** A labelled value in a definition list. */
export function Fact({ term, children }: { term: string; children?: ComponentChildren }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** Match-mode choices shared by the selector and federates-with filters. */
export const MATCH_OPTIONS = [
  ['MATCH_SUPERSET', 'superset'],
  ['MATCH_SUBSET', 'subset'],
  ['MATCH_EXACT', 'exact'],
  ['MATCH_ANY', 'any'],
] as const;

/** Any / yes / no choices of a tri-state filter. */
export const TRI_OPTIONS = [
  ['', 'any'],
  ['true', 'yes'],
  ['false', 'no'],
] as const;
