"""PyTorch twin of the bert-tagger training step that bench/neural.ts times in tfjs.

Structure, line for line with baselines/neural/bert/encoder.ts and bench/neural-setup.ts:
word + absolute position + token type embeddings, LayerNorm (eps 1e-12), dropout 0.1; post-LN
blocks (self-attention with an additive mask, erf GELU FFN), dropout 0.1 on attention
probabilities and block outputs; dropout 0.2 before one Linear with 6 outputs (two 3-way BIO
heads, SKILL and KNOWLEDGE); the loss is the sum over the two heads of the mean cross-entropy at
labelled positions (label -1 is ignored); global-norm clipping at 1.0; AdamW (lr 1e-4, betas
0.9 / 0.99, eps 1e-8, weight decay 0.01 except biases and LayerNorm weights). The batch is
synthetic: full-length rows, ~70% of positions labelled.

Usage: /usr/bin/python3 bench/reference/bert_step_torch.py [--threads N] [--steps N] [--warmup N]
       [--layers L --hidden H --heads A --ffn F --vocab V --batch B --length T] [--device cpu|cuda]
Prints one JSON line: {"tokens_per_s", "ms_per_step", ...}.
Debian's python3-torch uses the reference BLAS unless libopenblas0-pthread is installed.
"""

import argparse
import json
import math
import platform
import time

import torch
import torch.nn.functional as F
from torch import nn


class Layer(nn.Module):
    def __init__(self, d, heads, ffn, p):
        super().__init__()
        self.heads, self.p = heads, p
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.attn_out, self.attn_norm = nn.Linear(d, d), nn.LayerNorm(d, eps=1e-12)
        self.inter, self.out, self.out_norm = nn.Linear(d, ffn), nn.Linear(ffn, d), nn.LayerNorm(d, eps=1e-12)

    def forward(self, x, mask_add):
        b, t, d = x.shape
        dh = d // self.heads
        split = lambda y: y.view(b, t, self.heads, dh).transpose(1, 2)
        q = split(self.query(x) * (1 / math.sqrt(dh)))
        k, v = split(self.key(x)), split(self.value(x))
        probs = F.dropout(torch.softmax(q @ k.transpose(-1, -2) + mask_add, -1), self.p, self.training)
        context = (probs @ v).transpose(1, 2).reshape(b, t, d)
        x = self.attn_norm(F.dropout(self.attn_out(context), self.p, self.training) + x)
        h = F.gelu(self.inter(x))  # erf GELU, as transformers' "gelu"
        return self.out_norm(F.dropout(self.out(h), self.p, self.training) + x)


class Tagger(nn.Module):
    def __init__(self, vocab, d, layers, heads, ffn, max_pos=512, p=0.1, head_p=0.2, labels=6):
        super().__init__()
        self.word, self.pos, self.token_type = nn.Embedding(vocab, d), nn.Embedding(max_pos, d), nn.Embedding(2, d)
        self.norm, self.p, self.head_p = nn.LayerNorm(d, eps=1e-12), p, head_p
        self.layers = nn.ModuleList(Layer(d, heads, ffn, p) for _ in range(layers))
        self.classifier = nn.Linear(d, labels)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, ids, mask):
        b, t = ids.shape
        x = self.word(ids) + self.pos.weight[:t] + self.token_type.weight[0]
        x = F.dropout(self.norm(x), self.p, self.training)
        mask_add = ((1 - mask.float()) * -1e9).view(b, 1, 1, t)
        for layer in self.layers:
            x = layer(x, mask_add)
        return self.classifier(F.dropout(x, self.head_p, self.training))


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("threads", 1), ("steps", 10), ("warmup", 2), ("layers", 2), ("hidden", 128), ("heads", 2),
                          ("ffn", 512), ("vocab", 3000), ("batch", 16), ("length", 64)]:
        ap.add_argument(f"--{name}", type=int, default=default)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "bf16"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    dev = torch.device(a.device)
    model = Tagger(a.vocab, a.hidden, a.layers, a.heads, a.ffn).to(dev).train()
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "norm" in n)]
    rest = [p for n, p in model.named_parameters() if n.endswith("bias") or "norm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.99), eps=1e-8)
    ids = torch.randint(5, a.vocab, (a.batch, a.length), device=dev)
    ids[:, 0], ids[:, -1] = 2, 3
    mask = torch.ones(a.batch, a.length, dtype=torch.long, device=dev)
    labels = torch.randint(0, 3, (2, a.batch, a.length), device=dev)
    labelled = torch.rand(2, a.batch, a.length, device=dev) < 0.7
    labelled[:, :, 0] = labelled[:, :, -1] = False
    labels = torch.where(labelled, labels, torch.full_like(labels, -1))

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(a.device, dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
            logits = model(ids, mask).view(-1, 6).float()
        loss = sum(F.cross_entropy(logits[:, 3 * j:3 * j + 3], labels[j].reshape(-1), ignore_index=-1) for j in range(2))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()  # a sync point, as the tfjs bench reads its loss every step

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    ms = 1000 * sum(times) / len(times)
    print(json.dumps({
        "ms_per_step": round(ms, 2), "min_ms": round(1000 * min(times), 2),
        "tokens_per_s": round(a.batch * a.length / (ms / 1000)), "loss": round(loss, 4),
        "threads": torch.get_num_threads(), "torch": torch.__version__, "device": a.device, "dtype": a.dtype,
        "blas": "openblas" if "openblas" in torch.__config__.show().lower() else "see torch.__config__.show()",
        "parameters": sum(p.numel() for p in model.parameters()),
        "shape": {k: getattr(a, k) for k in ["layers", "hidden", "heads", "ffn", "vocab", "batch", "length"]},
        "machine": platform.processor() or platform.machine(),
    }))


if __name__ == "__main__":
    main()
