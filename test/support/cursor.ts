/** A resume point that keeps nothing and a polling lease always held: for adapters under test alone. */
import type { CursorStore } from "../../src/gateway/connections.ts";

export const nullCursor = (): CursorStore => ({ load: async () => null, save: async () => true, claim: async () => true, release: async () => {} });
