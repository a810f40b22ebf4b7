// Asks Dawn for a WebGPU adapter and prints what it found as one JSON line; exit 0 when one was
// found, 3 when not. run.sh tries the Vulkan driver configurations with it before the benchmark.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const options = (process.env.SKILLBENCH_DAWN_OPTIONS ?? '').split(';').filter(Boolean);
const featureLevel = process.env.SKILLBENCH_WEBGPU_FEATURE_LEVEL; // as baselines/neural/backend/webgpu.ts
const adapter = await create(options).requestAdapter({
  powerPreference: 'high-performance',
  ...(featureLevel ? { featureLevel } : {}),
});
const info = adapter?.info ?? {};
const features = adapter ? [...adapter.features].sort() : [];
process.stdout.write(
  `${JSON.stringify({
    found: Boolean(adapter),
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    timestampQuery: features.includes('timestamp-query'),
  })}\n`,
);
process.exit(adapter ? 0 : 3);
