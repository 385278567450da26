/** @jsxImportSource @kitajs/html */
/**
 * Labelled inputs, textareas and selects for the console's forms. The label holds only the field's
 * name (so it is the input's accessible name); hint and error sit next to it and are tied to the
 * input with aria-describedby.
 */
import type { Children } from "@kitajs/html";
import type { FieldErrors } from "./form.tsx";
import { t } from "../../src/i18n/i18n.ts";

interface Common {
  name: string;
  label: string;
  values: Record<string, string | undefined>;
  errors?: FieldErrors;
  hint?: string;
}

const described = (p: Common) => {
  const ids = [p.errors?.[p.name] ? `f-${p.name}-error` : "", p.hint ? `f-${p.name}-hint` : ""].filter(Boolean).join(" ");
  return ids || undefined;
};

function Field(p: Common & { children: Children }): JSX.Element {
  const error = p.errors?.[p.name];
  return (
    <div class="field">
      <label for={`f-${p.name}`} safe>{p.label}</label>
      {p.children}
      {p.hint ? <small class="muted" id={`f-${p.name}-hint`} safe>{p.hint}</small> : ""}
      {error ? <span class="error" id={`f-${p.name}-error`} safe>{error}</span> : ""}
    </div>
  );
}

export function Text(p: Common & { type?: string; required?: boolean; placeholder?: string; autocomplete?: string }): JSX.Element {
  return (
    <Field {...p}>
      <input
        id={`f-${p.name}`}
        name={p.name}
        type={p.type ?? "text"}
        value={p.values[p.name] ?? ""}
        required={p.required ?? false}
        placeholder={p.placeholder}
        autocomplete={p.autocomplete}
        aria-invalid={p.errors?.[p.name] ? "true" : undefined}
        aria-describedby={described(p)}
      />
    </Field>
  );
}

export function Area(p: Common & { rows?: number }): JSX.Element {
  return (
    <Field {...p}>
      <textarea id={`f-${p.name}`} name={p.name} rows={String(p.rows ?? 4)} aria-invalid={p.errors?.[p.name] ? "true" : undefined} aria-describedby={described(p)} safe>
        {p.values[p.name] ?? ""}
      </textarea>
    </Field>
  );
}

export function Choice(p: Common & { options: { value: string; label: string }[] }): JSX.Element {
  const current = p.values[p.name] ?? "";
  return (
    <Field {...p}>
      <select id={`f-${p.name}`} name={p.name} aria-invalid={p.errors?.[p.name] ? "true" : undefined} aria-describedby={described(p)}>
        {p.options.map((o) => (
          <option value={o.value} selected={o.value === current} safe>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A secret input: never pre-filled; says what is stored (masked) and that empty keeps it. */
export function Secret(p: Common & { stored?: string }): JSX.Element {
  const hint = p.stored ? `${t("fields.stored")} ${p.stored}. ${t("fields.keepIt")}` : p.hint;
  return <Text {...p} type="password" values={{}} autocomplete="off" hint={hint} />;
}
