/**
 * What a console password must be: 10–1024 characters and not guessable — zxcvbn (the
 * @zxcvbn-ts port: common passwords, names, English words, keyboard patterns, repeats, dates)
 * must score it at least 3 of 4, judged also against the user's own e-mail. Its dictionaries
 * weigh several MB, so they load on the first password being set, never on an idle appliance.
 */
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { KonstructError } from "../../errors.ts";

export const MIN_PASSWORD = 10;
export const MIN_SCORE = 3;

let checker: Promise<ZxcvbnFactory> | null = null;

function load(): Promise<ZxcvbnFactory> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common"), import("@zxcvbn-ts/language-en")]);
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations });
  })();
  return checker;
}

/** Throws `password: <reason>` (shown next to the field) unless the password is acceptable. */
export async function checkPassword(password: string, userInputs: string[] = []): Promise<void> {
  if (password.length < MIN_PASSWORD) throw new KonstructError("bad_request", `password: must be at least ${MIN_PASSWORD} characters`);
  if (password.length > 1024) throw new KonstructError("bad_request", "password: too long");
  // zxcvbn's cost grows with length; past 100 characters the first 100 decide.
  const inputs = userInputs.flatMap((u) => [u, ...u.split(/[@.+_-]/)]).filter((u) => u.length > 2);
  const result = (await load()).check(password.slice(0, 100), inputs);
  if (result.score >= MIN_SCORE) return;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(" ");
  throw new KonstructError("bad_request", `password: too easy to guess${why ? ` — ${why}` : ""}`);
}
