"""PyTorch reference for the GPU benchmark: a BERT-base token classifier training step.

transformers' BertForTokenClassification (random init, bert-base shapes: 12 layers, hidden 768,
12 heads, FFN 3072, vocab 30522) with 6 labels read as two 3-way BIO heads, the loss being the
sum of the two heads' mean cross-entropy at labelled positions, like bench/neural-setup.ts;
global-norm clipping at 1.0; AdamW (lr 1e-4, betas 0.9 / 0.99, eps 1e-8, weight decay 0.01 except
biases and LayerNorm weights). Synthetic full-length batch, ~70% of positions labelled. Each step
ends in loss.item() (one sync point, as the tfjs bench). Without transformers the structural twin
in bert_step_torch.py (same directory) is used and the output says so.

Usage: python3 bert_step_torch_gpu.py [--batch 32] [--length 64] [--steps 30] [--warmup 5]
                                      [--dtype fp32|bf16] [--attention sdpa|eager] [--device cuda]
Prints one JSON line.
"""

import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F


def build(attention, device):
    try:
        from transformers import BertConfig, BertForTokenClassification
    except ImportError:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from bert_step_torch import Tagger

        return Tagger(30522, 768, 12, 12, 3072).to(device), "structural twin (transformers not installed)"
    config = BertConfig(num_labels=6, classifier_dropout=0.2)
    try:
        model = BertForTokenClassification._from_config(config, attn_implementation=attention)
    except TypeError:
        model = BertForTokenClassification(config)
    import transformers

    return model.to(device), f"transformers {transformers.__version__} BertForTokenClassification ({attention} attention)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--length", type=int, default=64)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    ap.add_argument("--attention", default="sdpa", choices=["sdpa", "eager"])
    ap.add_argument("--device", default="cuda")
    a = ap.parse_args()
    torch.manual_seed(1)
    dev = torch.device(a.device)
    # fp32 means fp32: no TF32 tensor-core shortcuts in matmuls
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    model, what = build(a.attention, dev)
    model.train()
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n or "norm" in n)]
    rest = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n or "norm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.99), eps=1e-8)
    ids = torch.randint(5, 30522, (a.batch, a.length), device=dev)
    ids[:, 0], ids[:, -1] = 2, 3
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 3, (2, a.batch, a.length), device=dev)
    labelled = torch.rand(2, a.batch, a.length, device=dev) < 0.7
    labelled[:, :, 0] = labelled[:, :, -1] = False
    labels = torch.where(labelled, labels, torch.full_like(labels, -1))

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
            out = model(input_ids=ids, attention_mask=mask) if "transformers" in what else model(ids, mask)
            logits = (out.logits if hasattr(out, "logits") else out).reshape(-1, 6).float()
        loss = sum(F.cross_entropy(logits[:, 3 * j:3 * j + 3], labels[j].reshape(-1), ignore_index=-1) for j in range(2))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    ms = 1000 * (time.perf_counter() - t0) / a.steps
    print(json.dumps({
        "model": what, "dtype": a.dtype, "batch": a.batch, "length": a.length,
        "ms_per_step": round(ms, 2), "tokens_per_s": round(a.batch * a.length / (ms / 1000)), "loss": round(loss, 4),
        "parameters": sum(p.numel() for p in model.parameters()), "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }))


if __name__ == "__main__":
    main()
