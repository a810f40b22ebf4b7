/**
 * Learning-rate schedules, as a function of the optimizer step (0-based) and the total number
 * of steps.
 * - slanted-triangular (Howard & Ruder 2018; AllenNLP's / MaChAmp's `slanted_triangular` without
 *   gradual unfreezing or discriminative rates): a linear rise over the first cut_frac of training
 *   from peak/ratio to peak, then a linear fall back to peak/ratio.
 * - linear: warmup from 0 to peak over `warmup` of the steps, then linear decay to 0
 *   (transformers' get_linear_schedule_with_warmup).
 * - transformers-linear: get_linear_schedule_with_warmup exactly as the Trainer steps it: warmup
 *   over ceil(warmup * total) steps, the first optimizer step at rate 0 (step/warmup), then
 *   linear decay to 0 (GLiNER's fine-tuning).
 * - constant.
 */
export type ScheduleName = 'slanted-triangular' | 'linear' | 'transformers-linear' | 'constant';

export interface ScheduleOptions {
  name: ScheduleName;
  peak: number;
  totalSteps: number;
  /** slanted-triangular: fraction of steps spent rising (0.3 in MaChAmp) */
  cutFrac?: number;
  /** slanted-triangular: how much smaller the lowest rate is than the peak (32) */
  ratio?: number;
  /** linear: fraction of steps spent warming up */
  warmup?: number;
}

export function learningRate(step: number, options: ScheduleOptions): number {
  const { peak, totalSteps } = options;
  switch (options.name) {
    case 'constant':
      return peak;
    case 'linear': {
      const warmupSteps = Math.floor(totalSteps * (options.warmup ?? 0.1));
      if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
      return peak * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
    case 'transformers-linear': {
      const warmupSteps = Math.ceil(totalSteps * (options.warmup ?? 0));
      if (step < warmupSteps) return (peak * step) / warmupSteps;
      return peak * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
    case 'slanted-triangular': {
      const cutFrac = options.cutFrac ?? 0.3;
      const ratio = options.ratio ?? 32;
      const cut = Math.max(1, Math.floor(totalSteps * cutFrac));
      const t = Math.min(step, totalSteps);
      const p = t < cut ? t / cut : Math.max(0, 1 - (t - cut) / Math.max(1, totalSteps - cut));
      return (peak * (1 + p * (ratio - 1))) / ratio;
    }
  }
}
