import { embedderFor, missingModelFiles, modelsDir } from "../../embeddings/model-files.ts";
import { KonstructError } from "../../errors.ts";
import { type Command, COMMON_USAGE, load, parse } from "../command.ts";

export const models: Command = {
  name: "models",
  usage: `Usage: konstruct models pull <model id> [options]
       konstruct models status [options]

pull    download a transformers.js model (e.g. Xenova/all-MiniLM-L6-v2) into embeddings.models_dir,
        for hosts with internet access; the appliance itself never downloads (embeddings.allow_remote).
        Then set embeddings.model to it: stored vectors are re-embedded with the new model.
status  whether the configured model is present.

Options:
${COMMON_USAGE}`,
  async run(argv) {
    const { values, positionals } = parse(argv, {}, true);
    if (values.help) return console.log(this.usage), 0;
    const { config } = load(values.config);
    const dir = modelsDir(config);
    const [sub, id] = positionals;
    if (sub === "status") {
      const missing = missingModelFiles(dir, config.embeddings.model);
      console.log(missing.length ? `${config.embeddings.model}: missing in ${dir} (${missing.join(", ")})` : `${config.embeddings.model}: present in ${dir}`);
      return missing.length ? 1 : 0;
    }
    if (sub !== "pull" || !id) throw new KonstructError("usage", "usage: konstruct models pull <model id>");
    // Remote loading is enabled for this command only; files land where the appliance reads them.
    const embedder = embedderFor(config, { model: id, dims: 0, allowRemote: true });
    const dims = await embedder.dims().finally(() => embedder.close());
    console.log(`pulled ${id} into ${dir}/${id} (${dims} dims)`);
    return 0;
  },
};
