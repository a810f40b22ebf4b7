import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadGliner } from '../../../baselines/gliner/load.ts';
import { parseGlinerPredictInput, runGlinerPredict } from '../../../baselines/gliner/predict-io.ts';
import { BACKEND_CHOICES, type BackendChoice, useBackend } from '../../../baselines/neural/backend/choose.ts';
import { readJsonFile } from '../../../baselines/neural/hf/checkpoint.ts';

interface PredictArgs {
  model: string;
  input: string;
  out: string;
  backend: BackendChoice;
}

/**
 * `skillbench gliner predict --model DIR --input FILE --out FILE`: GLiNER v0.2.9's
 * batch_predict_entities on a local GLiNER folder. FILE is {"texts", "labels", "threshold",
 * "flat_ner"}; the output holds the logits [B, L, 12, C] and the entities per text (character
 * offsets, end exclusive).
 */
const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict',
  describe:
    'run batch_predict_entities: logits [B, L, 12, C] and entities for {"texts", "labels", "threshold", "flat_ner"}',
  builder: (yargs) =>
    yargs
      .option('model', {
        type: 'string',
        demandOption: true,
        describe: 'a GLiNER folder (gliner_config.json, model.safetensors, tokenizer)',
      })
      .option('input', {
        type: 'string',
        demandOption: true,
        describe: 'JSON {"texts": [...], "labels": [...], "threshold": 0.5, "flat_ner": true}',
      })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'where to write {"logits", "entities"} (JSON)',
      })
      .option('backend', {
        choices: BACKEND_CHOICES,
        default: 'auto' as BackendChoice,
        describe: 'tfjs backend (auto: the fastest that works)',
      }) as Argv<PredictArgs>,
  handler: async (args) => {
    const input = parseGlinerPredictInput(readJsonFile(args.input), args.input);
    const backend = await useBackend(args.backend);
    const model = loadGliner(args.model);
    const output = await runGlinerPredict(model, input);
    model.dispose();
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, JSON.stringify(output));
    const count = output.entities.reduce((n, list) => n + list.length, 0);
    process.stderr.write(
      `GLiNER on ${backend.route}: logits [${output.logits.shape.join(', ')}], ${count} entities -> ${args.out}\n`,
    );
  },
};

export const glinerCommand: CommandModule<object, object> = {
  command: 'gliner <action>',
  describe: 'GLiNER span models (predict)',
  builder: (yargs) => yargs.command(predictCommand).demandCommand(1, 'Name an action: predict.'),
  handler: () => {},
};
