import { existsSync, readdirSync } from 'node:fs';

/** What the GPU adapter says about itself (empty strings where Dawn does not know). */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

interface GpuLike {
  requestAdapter(options?: unknown): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: Partial<AdapterInfo>;
  requestAdapterInfo?(): Promise<Partial<AdapterInfo>>;
}

/**
 * On Linux a GPU that Vulkan could drive shows up as /dev/dri/renderD* or /dev/nvidia*. Without
 * either there is nothing to find, and skipping the probe keeps Dawn from printing "Couldn't load
 * Vulkan" on machines that simply have no GPU. Other platforms are always probed.
 */
export function mayHaveGpu(): boolean {
  if (process.platform !== 'linux') return true;
  if (process.env.SKILLBENCH_PROBE_WEBGPU === '1' || dawnOptions().length > 0) return true;
  const inDev = (dir: string, prefix: string) =>
    existsSync(dir) && readdirSync(dir).some((name) => name.startsWith(prefix));
  return inDev('/dev/dri', 'renderD') || inDev('/dev', 'nvidia');
}

/**
 * Options for Dawn's create(), `;`-separated in SKILLBENCH_DAWN_OPTIONS. `backend=null` gives an
 * adapter without a GPU: shaders compile and dispatches are counted but compute nothing, which
 * is how the webgpu code path is exercised on machines without one (never for real numbers).
 */
export function dawnOptions(): string[] {
  return (process.env.SKILLBENCH_DAWN_OPTIONS ?? '').split(';').filter(Boolean);
}

/**
 * SKILLBENCH_WEBGPU_FEATURE_LEVEL=compatibility asks every adapter request (tfjs's own included)
 * for a WebGPU compatibility-mode adapter: with `backend=opengl` that is Mesa's llvmpipe, a
 * software GPU on which WGSL kernels can be checked numerically on a machine without a GPU.
 */
function withFeatureLevel(gpu: GpuLike): GpuLike {
  const level = process.env.SKILLBENCH_WEBGPU_FEATURE_LEVEL;
  if (!level) return gpu;
  const request = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = (options?: unknown) => request({ ...(options as object), featureLevel: level });
  return gpu;
}

/**
 * Installs Dawn's WebGPU globals (navigator.gpu, GPUBufferUsage, ...) and asks for an adapter.
 * Returns undefined, leaving no trace but the globals, when the `webgpu` package is missing or
 * no adapter is found. The globals must exist before @tensorflow/tfjs-backend-webgpu is
 * imported: it registers its backend only when navigator.gpu is there at import time.
 */
export async function findWebGpuAdapter(): Promise<{ adapter: AdapterInfo } | { reason: string }> {
  let webgpu: { create(options: string[]): unknown; globals: object };
  try {
    webgpu = (await import('webgpu')) as unknown as typeof webgpu;
  } catch (error) {
    return { reason: `the webgpu package is not installed (${(error as Error).message})` };
  }
  const existing = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  let gpu = existing?.gpu;
  if (!gpu) {
    Object.assign(globalThis, webgpu.globals);
    gpu = withFeatureLevel(webgpu.create(dawnOptions()) as GpuLike);
    if (existing) Object.defineProperty(existing, 'gpu', { value: gpu, configurable: true });
    else
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { reason: 'no WebGPU adapter found' };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  return {
    adapter: {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
    },
  };
}
