import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BACKEND_CHOICES, type BackendChoice, useBackend } from '../../../baselines/neural/backend/choose.ts';
import { readJsonFile } from '../../../baselines/neural/hf/checkpoint.ts';
import { parseForwardInput, runForward } from '../../../baselines/neural/models/forward-io.ts';
import { loadForwardModel } from '../../../baselines/neural/models/registry.ts';
import type { CommandBody } from './index.ts';

interface ForwardArgs {
  model: string;
  input: string;
  out: string;
  backend: BackendChoice;
}

/**
 * `skillbench model forward --model DIR --input FILE --out FILE`: runs a Hugging Face checkpoint
 * folder on token ids and writes its outputs (flattened row-major), for checking parity with
 * transformers and for debugging. The architecture comes from config.json's model_type.
 */
const forwardCommand: CommandModule<object, ForwardArgs> = {
  command: 'forward',
  describe: 'run a checkpoint on {"input_ids", "attention_mask"} and write last_hidden_state (and logits)',
  builder: (yargs) =>
    yargs
      .option('model', { type: 'string', demandOption: true, describe: 'a Hugging Face model folder' })
      .option('input', {
        type: 'string',
        demandOption: true,
        describe: 'JSON {"input_ids": [[...]], "attention_mask": [[...]]}',
      })
      .option('out', { type: 'string', demandOption: true, describe: 'where to write the outputs (JSON)' })
      .option('backend', {
        choices: BACKEND_CHOICES,
        default: 'auto' as BackendChoice,
        describe: 'tfjs backend (auto: the fastest that works)',
      }) as Argv<ForwardArgs>,
  handler: async (args) => {
    const backend = await useBackend(args.backend);
    const model = loadForwardModel(args.model);
    const input = parseForwardInput(readJsonFile(args.input), model, args.input);
    const output = await runForward(model, input);
    model.dispose();
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, JSON.stringify(output));
    process.stderr.write(
      `${model.description} on ${backend.route}: ${Object.keys(output).join(' and ')} -> ${args.out}\n`,
    );
  },
};

export const modelCommand: CommandBody<object, object> = {
  builder: (yargs) => yargs.command(forwardCommand).demandCommand(1, 'Name an action: forward.'),
  handler: () => {},
};
