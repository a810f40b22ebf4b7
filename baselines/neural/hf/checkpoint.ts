import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../../harness/util/errors.ts';
import { type RawTensor, readSafetensorsFile, writeSafetensorsFile } from './safetensors.ts';
import { readTorchCheckpoint } from './torch-bin.ts';

/**
 * A Hugging Face model folder: config.json plus model.safetensors, or a sharded
 * model.safetensors.index.json whose weight_map names the file of every tensor.
 */
export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';

export function readJsonFile(path: string): unknown {
  if (!existsSync(path)) throw new InputError('no such file', path);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`not valid JSON (${(error as Error).message})`, path);
  }
}

export function readModelConfig(dir: string): Record<string, unknown> {
  const config = readJsonFile(join(dir, CONFIG_FILE));
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    throw new InputError('expected a JSON object', join(dir, CONFIG_FILE));
  }
  return config as Record<string, unknown>;
}

export const TORCH_WEIGHTS_FILE = 'pytorch_model.bin';
export const TORCH_WEIGHTS_INDEX_FILE = 'pytorch_model.bin.index.json';

/**
 * Every tensor of the checkpoint in dir, by name: model.safetensors, sharded safetensors
 * (model.safetensors.index.json), else PyTorch's pytorch_model.bin (or its shards), read by the
 * restricted reader of torch-bin.ts.
 */
export function readCheckpointWeights(dir: string): Map<string, RawTensor> {
  const single = join(dir, WEIGHTS_FILE);
  if (existsSync(single)) return readSafetensorsFile(single).tensors;
  if (existsSync(join(dir, WEIGHTS_INDEX_FILE))) {
    return readShards(join(dir, WEIGHTS_INDEX_FILE), (file) => readSafetensorsFile(file).tensors);
  }
  if (existsSync(join(dir, TORCH_WEIGHTS_FILE))) return readTorchCheckpoint(join(dir, TORCH_WEIGHTS_FILE));
  if (existsSync(join(dir, TORCH_WEIGHTS_INDEX_FILE))) {
    return readShards(join(dir, TORCH_WEIGHTS_INDEX_FILE), readTorchCheckpoint);
  }
  throw new InputError(
    `no ${WEIGHTS_FILE}, ${WEIGHTS_INDEX_FILE}, ${TORCH_WEIGHTS_FILE} or ${TORCH_WEIGHTS_INDEX_FILE}`,
    dir,
  );
}

/** The tensors of a sharded checkpoint whose index's weight_map names the file of every tensor. */
function readShards(
  indexPath: string,
  read: (file: string) => Map<string, RawTensor>,
): Map<string, RawTensor> {
  const index = readJsonFile(indexPath) as { weight_map?: Record<string, string> };
  if (!index.weight_map || typeof index.weight_map !== 'object') {
    throw new InputError('has no weight_map', indexPath);
  }
  const tensors = new Map<string, RawTensor>();
  for (const shard of new Set(Object.values(index.weight_map))) {
    for (const [name, tensor] of read(join(dirname(indexPath), shard))) {
      if (index.weight_map[name] !== shard) {
        throw new InputError(`tensor "${name}" is in ${shard} but the index maps it elsewhere`, indexPath);
      }
      tensors.set(name, tensor);
    }
  }
  const absent = Object.keys(index.weight_map).filter((name) => !tensors.has(name));
  if (absent.length > 0)
    throw new InputError(`shards lack tensors the index lists: ${absent.join(', ')}`, indexPath);
  return tensors;
}

/** Writes config.json and model.safetensors (or shards of at most maxShardBytes, with the index). */
export function writeCheckpoint(
  dir: string,
  config: Record<string, unknown>,
  tensors: Map<string, { shape: number[]; data: Float32Array | Int32Array }>,
  maxShardBytes = Number.POSITIVE_INFINITY,
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  const total = [...tensors.values()].reduce((sum, t) => sum + t.data.byteLength, 0);
  if (total <= maxShardBytes) {
    writeSafetensorsFile(join(dir, WEIGHTS_FILE), tensors);
    return;
  }
  const shards: Map<string, { shape: number[]; data: Float32Array | Int32Array }>[] = [];
  let bytes = Number.POSITIVE_INFINITY;
  for (const name of [...tensors.keys()].sort()) {
    const tensor = tensors.get(name)!;
    if (bytes + tensor.data.byteLength > maxShardBytes && bytes > 0) {
      shards.push(new Map());
      bytes = 0;
    }
    shards[shards.length - 1].set(name, tensor);
    bytes += tensor.data.byteLength;
  }
  const weightMap: Record<string, string> = {};
  shards.forEach((shard, i) => {
    const file = `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`;
    writeSafetensorsFile(join(dir, file), shard);
    for (const name of shard.keys()) weightMap[name] = file;
  });
  writeFileSync(
    join(dir, WEIGHTS_INDEX_FILE),
    `${JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2)}\n`,
  );
}
