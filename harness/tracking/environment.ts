import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { sha256File } from '../util/hash.ts';
import { PROJECT_ROOT, projectPath } from '../util/paths.ts';
import type { RunEnvironment } from './types.ts';

/** Packages whose versions change what a run computes or how it is recorded. */
const RECORDED_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  'webgpu',
  'better-sqlite3',
  'openai',
  'node-llama-cpp',
  'zod',
];

let cached: RunEnvironment | undefined;

/** What a reviewer needs to know to reproduce a run: code version, runtime, hardware. Computed once per process. */
export function captureEnvironment(): RunEnvironment {
  if (cached) return structuredClone(cached);
  const cpuList = cpus();
  const environment: RunEnvironment = {
    ...gitState(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    os: `${type()} ${release()}`,
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cpuCount: cpuList.length,
    memoryBytes: totalmem(),
    gpu: gpuModel(),
    packageVersion: readJson(projectPath('package.json'))?.version ?? 'unknown',
    lockfileSha256: existsSync(projectPath('package-lock.json'))
      ? sha256File(projectPath('package-lock.json'))
      : undefined,
    packages: installedVersions(),
  };
  cached = environment;
  return structuredClone(environment);
}

function gitState(): Pick<RunEnvironment, 'gitCommit' | 'gitDirty'> {
  try {
    const run = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const commit = run('rev-parse', 'HEAD');
    const dirty = run('status', '--porcelain', '--untracked-files=no') !== '';
    return { gitCommit: commit, gitDirty: dirty };
  } catch {
    return {};
  }
}

function gpuModel(): string | undefined {
  try {
    const names = execFileSync('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return names || undefined;
  } catch {
    return undefined;
  }
}

function installedVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of RECORDED_PACKAGES) {
    const version = readJson(projectPath('node_modules', name, 'package.json'))?.version;
    if (version) versions[name] = version;
  }
  return versions;
}

function readJson(path: string): { version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { version?: string };
  } catch {
    return undefined;
  }
}
