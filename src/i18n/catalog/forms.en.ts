/**
 * Validation messages of the console's forms (`formError.<what>`), spread into en.ts. The domain
 * throws them in English (`field: reason`, also what the API and the CLI say); admin/form-errors.ts
 * maps each known reason to one of these keys for the person reading the form.
 */
export const formsEn = {
  "formError.notEmail": "not an e-mail address",
  "formError.hasAccount": "{{email}} already has an account",
  "formError.length1To100": "1-100 characters",
  "formError.minLength_one": "must be at least {{count}} character",
  "formError.minLength_other": "must be at least {{count}} characters",
  "formError.tooLong": "too long",
  "formError.guessable": "too easy to guess",
  "formError.guessableWhy": "too easy to guess — {{why}}",
  "formError.invitableRole": "must be tenant_admin or operator",
  "formError.platformRole": "a platform admin has no tenant; every other role has one",
  "formError.platformAdminExists": "the platform admin already exists",
  "formError.chooseTenant": "choose a tenant",
  "formError.passwordsDiffer": "the passwords differ",
  "formError.notCurrentPassword": "not your current password",
  "formError.sameAsCurrent": "choose a password different from the current one",
  "formError.tooManyWrong_one": "Too many wrong passwords. Try again in {{count}} minute.",
  "formError.tooManyWrong_other": "Too many wrong passwords. Try again in {{count}} minutes.",
  "formError.expectedWait": "whole minutes from 1 to {{max}}, or empty",
} as const;
