import { VERSION } from "../../version.ts";
import { type Command, parse } from "../command.ts";

export const version: Command = {
  name: "version",
  usage: `Usage: konstruct version

Prints the Konstruct version and the Bun runtime it was built with.`,
  async run(argv) {
    const { values } = parse(argv, {});
    if (values.help) return console.log(this.usage), 0;
    console.log(`konstruct ${VERSION} (bun ${Bun.version})`);
    return 0;
  },
};
