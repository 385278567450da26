/**
 * What a console password must be: 10–1024 characters and not guessable — zxcvbn (the
 * @zxcvbn-ts port: common passwords, names, English words, keyboard patterns, repeats, dates)
 * must score it at least 3 of 4, judged also against the user's own e-mail. Its dictionaries
 * weigh several MB, so they live in a short-lived worker (password-worker.ts, an entry point of its
 * own in the binary), started for each password being set and gone afterwards.
 */
import { KonstructError } from "../../errors.ts";

export const MIN_PASSWORD = 10;
export const MIN_SCORE = 3;
const TIMEOUT_MS = 15_000;

interface Verdict {
  score: number;
  warning: string;
  suggestions: string[];
}

/** One short-lived worker per check: setting a password is rare, and nothing stays in memory after. */
function judge(password: string, inputs: string[]): Promise<Verdict> {
  const worker = new Worker(Bun.isStandaloneExecutable ? "/$bunfs/root/admin/accounts/password-worker.js" : new URL("./password-worker.ts", import.meta.url).href);
  let timer: Timer | undefined;
  return new Promise<Verdict>((resolve, reject) => {
    timer = setTimeout(() => reject(new KonstructError("internal", "password check timed out")), TIMEOUT_MS);
    worker.onmessage = (e: MessageEvent<Verdict>) => resolve(e.data);
    worker.onerror = (e) => reject(new KonstructError("internal", `password check failed: ${e.message}`));
    worker.postMessage({ password, inputs });
  }).finally(() => {
    clearTimeout(timer);
    void worker.terminate();
  });
}

/** Throws `password: <reason>` (shown next to the field) unless the password is acceptable. */
export async function checkPassword(password: string, userInputs: string[] = []): Promise<void> {
  if (password.length < MIN_PASSWORD) throw new KonstructError("bad_request", `password: must be at least ${MIN_PASSWORD} characters`);
  if (password.length > 1024) throw new KonstructError("bad_request", "password: too long");
  // zxcvbn's cost grows with length; past 100 characters the first 100 decide.
  const inputs = userInputs.flatMap((u) => [u, ...u.split(/[@.+_-]/)]).filter((u) => u.length > 2);
  const result = await judge(password.slice(0, 100), inputs);
  if (result.score >= MIN_SCORE) return;
  const why = [result.warning, ...result.suggestions].filter(Boolean).join(" ");
  throw new KonstructError("bad_request", `password: too easy to guess${why ? ` — ${why}` : ""}`);
}
