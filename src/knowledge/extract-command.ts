/** The hidden CLI command of the extraction child; its own file so cli/main.ts loads nothing else for it. */
export const EXTRACT_COMMAND = "internal-extract";
