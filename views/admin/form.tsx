/** @jsxImportSource @kitajs/html */
/** Form pieces shared by the console pages: labelled fields with their error next to them. */
import type { Children } from "@kitajs/html";
import { t } from "../../src/i18n/i18n.ts";

export type FieldErrors = Record<string, string | undefined>;

export function Field(props: {
  name: string;
  label: string;
  type?: string;
  value?: string;
  errors?: FieldErrors;
  autocomplete?: string;
  required?: boolean;
  children?: Children;
}): JSX.Element {
  const error = props.errors?.[props.name];
  const id = `f-${props.name}`;
  return (
    <label for={id}>
      <span safe>{props.label}</span>
      {props.children ?? (
        <input
          id={id}
          name={props.name}
          type={props.type ?? "text"}
          value={props.value ?? ""}
          autocomplete={props.autocomplete}
          required={props.required ?? true}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      )}
      {error && (
        <span class="error" id={`${id}-error`} safe>
          {error}
        </span>
      )}
    </label>
  );
}

export function Csrf(props: { token: string }): JSX.Element {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** A one-button form that POSTs to `action` with the CSRF token (revoke, delete…). */
export function PostButton(props: { action: string; csrf: string; label: string; class?: string }): JSX.Element {
  return (
    <form method="post" action={props.action}>
      <Csrf token={props.csrf} />
      <button type="submit" class={props.class ?? "secondary"} safe>
        {props.label}
      </button>
    </form>
  );
}

/** Pause/Resume and Delete for a row (`<base>/pause|resume|delete?tenant=…`); nothing for readers. */
export function PauseDelete(props: { base: string; tenant: string; paused: boolean; csrf: string; admin: boolean }): JSX.Element {
  if (!props.admin) return <></>;
  return (
    <>
      <PostButton action={`${props.base}/${props.paused ? "resume" : "pause"}?tenant=${props.tenant}`} csrf={props.csrf} label={props.paused ? t("common.resume") : t("common.pause")} />
      <PostButton action={`${props.base}/delete?tenant=${props.tenant}`} csrf={props.csrf} label={t("common.delete")} class="danger" />
    </>
  );
}

export function Flash(props: { message?: string; error?: boolean }): JSX.Element {
  if (!props.message) return <></>;
  return (
    <p class={props.error ? "flash error" : "flash"} role={props.error ? "alert" : "status"} safe>
      {props.message}
    </p>
  );
}
