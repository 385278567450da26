import pkg from "../package.json" with { type: "json" };

/** The version compiled into this build. */
export const VERSION: string = pkg.version;
