/** @jsxImportSource @kitajs/html */
/**
 * What every versioned form carries (src/versions/): the version it was loaded from, so a save from an
 * older one is refused, and the refusal shown at the top of the form.
 */
export function VersionField(p: { value?: string; error?: string }): JSX.Element {
  return (
    <>
      <input type="hidden" name="version" value={p.value ?? "0"} />
      {p.error ? <p class="flash error" role="alert" id="f-version-error" safe>{p.error}</p> : ""}
    </>
  );
}
