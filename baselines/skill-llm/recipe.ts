/**
 * The paper's LLaMA-Factory recipe (the released src/train/config/skill_span_train.yaml and
 * skill_span_evaluate.yaml): LoRA rank 64, alpha 128, dropout 0.1 on q_proj,v_proj; lr 2e-4,
 * batch 4, 2 epochs, cosine, warmup 0.1, no weight decay, max_grad_norm 0.3, cutoff 2000,
 * template llama3, bf16; generation with max_new_tokens 1000, temperature 0.01, top_p 0.95.
 * Paths are relative to the export folder, where the llamafactory engine runs its commands.
 */

export type YamlSettings = Record<string, string | number | boolean>;

export const PAPER_BASE_MODEL = 'meta-llama/Meta-Llama-3-8B-Instruct';
export const ADAPTER_DIR = 'saves/lora/sft';

/** LLaMA-Factory's dataset name for a split's file. */
export function datasetName(split: string): string {
  return `skillspan_${split}`;
}

/** Where the predict step of a split writes generated_predictions.jsonl. */
export function predictionDir(split: string): string {
  return `saves/lora/predict-${split}`;
}

const SHARED: YamlSettings = {
  stage: 'sft',
  finetuning_type: 'lora',
  dataset_dir: '.',
  template: 'llama3',
  cutoff_len: 2000,
  max_samples: 100000,
  overwrite_cache: true,
  preprocessing_num_workers: 16,
  overwrite_output_dir: true,
  bf16: true,
  ddp_timeout: 180000000,
  flash_attn: 'auto',
};

export function trainSettings(model: string, seed: number, overrides: YamlSettings = {}): YamlSettings {
  return {
    model_name_or_path: model,
    do_train: true,
    ...SHARED,
    lora_target: 'q_proj,v_proj',
    lora_rank: 64,
    lora_alpha: 128,
    lora_dropout: 0.1,
    dataset: datasetName('train'),
    output_dir: ADAPTER_DIR,
    logging_steps: 10,
    save_steps: 200,
    plot_loss: false,
    per_device_train_batch_size: 4,
    gradient_accumulation_steps: 1,
    learning_rate: 2.0e-4,
    num_train_epochs: 2.0,
    lr_scheduler_type: 'cosine',
    warmup_ratio: 0.1,
    max_grad_norm: 0.3,
    optim: 'adamw_torch',
    weight_decay: 0.0,
    include_num_input_tokens_seen: true,
    seed,
    ...overrides,
  };
}

export function predictSettings(model: string, split: string, overrides: YamlSettings = {}): YamlSettings {
  return {
    model_name_or_path: model,
    adapter_name_or_path: ADAPTER_DIR,
    do_predict: true,
    ...SHARED,
    eval_dataset: datasetName(split),
    output_dir: predictionDir(split),
    per_device_eval_batch_size: 8,
    predict_with_generate: true,
    max_new_tokens: 1000,
    top_p: 0.95,
    temperature: 0.01,
    ...overrides,
  };
}
