/**
 * zxcvbn in a worker of its own: its dictionaries are megabytes of JavaScript, which as part of the
 * main bundle would be held in memory by every idle appliance. A separate entry point (in the binary:
 * /$bunfs/root/admin/accounts/password-worker.js) is read only when a password is being set.
 */
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary as common } from "@zxcvbn-ts/language-common";
import { dictionary as en, translations } from "@zxcvbn-ts/language-en";

declare const self: Worker;

const zxcvbn = new ZxcvbnFactory({ dictionary: { ...common, ...en }, graphs: adjacencyGraphs, translations });

self.onmessage = (e: MessageEvent<{ password: string; inputs: string[] }>) => {
  const r = zxcvbn.check(e.data.password, e.data.inputs);
  self.postMessage({ score: r.score, warning: r.feedback.warning ?? "", suggestions: r.feedback.suggestions });
};
