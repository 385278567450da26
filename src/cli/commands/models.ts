import { embedderFor, isBuiltinModel, modelFolder, modelsDir } from "../../embeddings/model-folder.ts";
import { KonstructError } from "../../errors.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

/** A Hugging Face model id: `owner/name`, letters, digits, `-`, `_`, `.` (never a path such as `..`). */
const HUB_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;
const EXAMPLES = "Xenova/all-MiniLM-L6-v2 (384 dims), Xenova/bge-small-en-v1.5 (384), Xenova/multilingual-e5-small (384)";

export const models: Command = {
  name: "models",
  usage: `Usage: konstruct models pull <hub model id> [options]
       konstruct models status [options]

pull    download a transformers.js model from the Hugging Face hub into embeddings.models_dir, on a host
        with internet access (the appliance itself never downloads; embeddings.allow_remote), e.g.
        ${EXAMPLES}.
        Then set embeddings.model to it: stored vectors are re-embedded with the new model.
        The built-in model (konstruct/use-lite-en) ships inside konstruct: nothing to pull.
status  where the configured model comes from and whether it is complete.

Options:
${COMMON_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse(argv, {}, true);
    if (values.help) return console.log(this.usage), 0;
    const { config } = load(values.config);
    const [sub, id] = positionals;
    if (sub === "status") {
      const { model } = config.embeddings;
      const { dir, builtin, missing } = modelFolder(config);
      if (builtin) return console.log(`${model}: built in`), 0;
      console.log(missing.length ? `${model}: missing in ${dir} (${missing.join(", ")})` : `${model}: present in ${dir}`);
      return missing.length ? 1 : 0;
    }
    if (sub !== "pull" || !id) throw new KonstructError("usage", "usage: konstruct models pull <hub model id>, e.g. Xenova/all-MiniLM-L6-v2");
    if (isBuiltinModel(id)) throw new KonstructError("usage", `${id} is built in, nothing to pull`);
    if (!HUB_ID.test(id) || id.includes(".."))
      throw new KonstructError("usage", `${JSON.stringify(id.slice(0, 100))} is not a Hugging Face model id (owner/name), e.g. Xenova/all-MiniLM-L6-v2`);
    // Remote loading is enabled for this command only; files land where the appliance reads them.
    const embedder = embedderFor(config, { model: id, dims: 0, allowRemote: true });
    const dims = await embedder.dims().finally(() => embedder.close());
    console.log(`pulled ${id} into ${modelsDir(config)}/${id} (${dims} dims)`);
    return 0;
  },
};
