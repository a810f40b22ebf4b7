import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { llmUnavailable } from '../../../harness/llm/config.ts';
import { kitConfig, type SkillLlmParams } from '../params.ts';
import { PAPER_BASE_MODEL } from '../recipe.ts';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a command can be started: a path (relative to baseDir) or a name on PATH. */
function commandFound(command: string, baseDir: string): boolean {
  if (command.includes('/')) return executable(resolve(baseDir, command));
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && executable(join(dir, command)));
}

const isLocalPath = (model: string) => model.startsWith('.') || model.startsWith('/');

/** Why the params' engine cannot run here, with how to enable it; undefined when it can. */
export function engineUnavailable(params: SkillLlmParams, baseDir: string): string | undefined {
  switch (params.engine) {
    case 'import':
      for (const file of [params.predictions?.test, params.predictions?.dev]) {
        if (file && !existsSync(resolve(baseDir, file)))
          return `no generated_predictions.jsonl at ${resolve(baseDir, file)}`;
      }
      return undefined;
    case 'llamafactory': {
      const steps = params.lora
        ? [params.llamafactory.predict_command]
        : [params.llamafactory.train_command, params.llamafactory.predict_command];
      for (const [command] of steps) {
        if (!commandFound(command, baseDir))
          return `${command} is not on PATH (install LLaMA-Factory, or set llamafactory.train_command / predict_command)`;
      }
      const model = params.model ?? PAPER_BASE_MODEL;
      if (isLocalPath(model) && !existsSync(resolve(baseDir, model)))
        return `no base model at ${resolve(baseDir, model)} (params.model)`;
      if (params.lora && !existsSync(resolve(baseDir, params.lora)))
        return `no LoRA adapter at ${resolve(baseDir, params.lora)} (params.lora)`;
      return undefined;
    }
    case 'llama-cpp':
      for (const [name, file] of [
        ['model', params.model],
        ['lora', params.lora],
      ]) {
        if (file && !existsSync(resolve(baseDir, file)))
          return `no GGUF file at ${resolve(baseDir, file)} (params.${name})`;
      }
      return llmUnavailable(kitConfig(params), baseDir);
    default:
      return llmUnavailable(kitConfig(params), baseDir);
  }
}
