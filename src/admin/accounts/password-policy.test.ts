import { expect, test } from "bun:test";
import { checkPassword } from "./password-policy.ts";

const WEAK: [string, RegExp][] = [
  ["short", /at least 10 characters/],
  ["password1234", /too easy to guess — .*commonly used password/],
  ["qwertyuiop12", /too easy to guess/],
  ["aaaaaaaaaaaaaaaa", /too easy to guess — .*Repeated/],
  ["1234567890", /too easy to guess/],
  ["iloveyou2024", /too easy to guess/],
];

test.each(WEAK)("refuses %p with the library's reason", async (pw, why) => {
  await expect(checkPassword(pw)).rejects.toThrow(why);
});

test("accepts long unusual passphrases (and the ones the test fixtures use)", async () => {
  for (const pw of ["correct horse battery", "a quieter mountain lantern 42", "long enough pw", "long enough one", "new user password", "invitee password 1", "binary admin password", "operator password", "a long password"])
    await checkPassword(pw);
});

