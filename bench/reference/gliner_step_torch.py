"""PyTorch twin of the GLiNER training step and inference that bench/gliner.ts times in tfjs.

Same config and inputs: bench/gliner.ts --dump FILE writes the exact batches (token ids, masks,
first-subtoken rows, span indices, labels) of 32 SkillSpan train sentences and 256 dev sentences.
The model is GLiNER v0.2.9's span model written out in plain torch (no transformers here):
a DeBERTa-v3-style encoder (relative c2p + p2c attention with shared keys, LayerNorm'd relative
table, scale sqrt(3d), erf GELU, eps 1e-7), Linear projection, first-subtoken pooling, a packed
BiLSTM, markerV0 spans (start/end FFNs, concat, ReLU, out FFN) up to width 12, prompt FFN,
einsum scores, BCE summed over valid spans and real classes; global clip 0.4, AdamW in two
groups. Dropout as in training (0.1 encoder, 0.4 heads).

Usage: /usr/bin/python3 bench/reference/gliner_step_torch.py --batches FILE [--threads N]
Times are process CPU time (time.process_time): the machine is shared, and wall time measures the
other sessions' load as much as this step. Prints one JSON line: {"train_words_per_s", "ms_per_step", "inference_sentences_per_s", ...}.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def ffn(d_in, d_out, p):
    return nn.Sequential(nn.Linear(d_in, 4 * d_out), nn.ReLU(), nn.Dropout(p), nn.Linear(4 * d_out, d_out))


class Layer(nn.Module):
    def __init__(self, d, heads, inter):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.o, self.ln1 = nn.Linear(d, d), nn.LayerNorm(d, eps=1e-7)
        self.i, self.out, self.ln2 = nn.Linear(d, inter), nn.Linear(inter, d), nn.LayerNorm(d, eps=1e-7)

    def forward(self, x, rel, idx, mask2):
        b, t, d = x.shape
        h, dh = self.heads, d // self.heads
        split = lambda y: y.view(y.shape[0], -1, h, dh).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        pk, pq = split(self.k(rel)), split(self.q(rel))  # [1, h, 2S, dh]
        scale = 1 / math.sqrt(dh * 3)
        scores = q @ k.transpose(-1, -2)
        c2p = torch.gather(q @ pk.transpose(-1, -2), -1, idx.expand(b, h, t, t))
        p2c = torch.gather(k @ pq.transpose(-1, -2), -1, idx.expand(b, h, t, t)).transpose(-1, -2)
        scores = (scores + c2p + p2c) * scale
        scores = scores.masked_fill(~mask2, torch.finfo(scores.dtype).min)
        probs = F.dropout(torch.softmax(scores, -1), 0.1, self.training)
        ctx = (probs @ v).transpose(1, 2).reshape(b, t, d)
        x = self.ln1(F.dropout(self.o(ctx), 0.1, self.training) + x)
        return self.ln2(F.dropout(self.out(F.gelu(self.i(x))), 0.1, self.training) + x)


class Gliner(nn.Module):
    def __init__(self, vocab, d, layers, heads, inter, width, span_d, k=12):
        super().__init__()
        self.emb, self.emb_ln = nn.Embedding(vocab, d), nn.LayerNorm(d, eps=1e-7)
        self.rel, self.rel_ln = nn.Embedding(512, d), nn.LayerNorm(d, eps=1e-7)
        self.layers = nn.ModuleList([Layer(d, heads, inter) for _ in range(layers)])
        self.proj = nn.Linear(d, span_d)
        self.lstm = nn.LSTM(span_d, span_d // 2, batch_first=True, bidirectional=True)
        self.start, self.end = ffn(span_d, span_d, 0.4), ffn(span_d, span_d, 0.4)
        self.out, self.prompt = ffn(2 * span_d, span_d, 0.4), ffn(span_d, span_d, 0.4)
        self.k = k

    def forward(self, b):
        ids, am = b["input_ids"], b["attention_mask"]
        B, T = ids.shape
        x = self.emb_ln(self.emb(ids)) * am.unsqueeze(-1)
        x = F.dropout(x, 0.1, self.training)
        pos = torch.arange(T)
        idx = (pos[:, None] - pos[None, :] + 256).clamp(0, 511).view(1, 1, T, T)  # buckets: identity below 128
        rel = F.dropout(self.rel_ln(self.rel.weight), 0.1, self.training).unsqueeze(0)
        m = am.bool()
        mask2 = (m[:, None, :, None] & m[:, None, None, :])
        for layer in self.layers:
            x = layer(x, rel, idx, mask2)
        tok = self.proj(x).view(B * T, -1)
        words = tok[b["word_rows"]].view(B, b["L"], -1) * b["word_present"].unsqueeze(-1)
        prompts = tok[b["prompt_rows"]].view(B, b["C"], -1) * b["prompt_mask"].unsqueeze(-1)
        packed = pack_padded_sequence(words, b["lengths"], batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        words, _ = pad_packed_sequence(out, batch_first=True, total_length=b["L"])
        s, e = self.start(words).view(B * b["L"], -1), self.end(words).view(B * b["L"], -1)
        spans = self.out(F.relu(torch.cat([s[b["start_rows"]], e[b["end_rows"]]], -1))).view(B, b["L"], self.k, -1)
        q = self.prompt(prompts)
        return torch.einsum("BLKD,BCD->BLKC", spans, q)


def tensors(raw):
    t = lambda key, dtype: torch.tensor(raw[key], dtype=dtype)
    B, T, L, C, K = raw["size"], raw["tokens"], raw["words"], raw["classes"], raw["width"]
    out = {
        "input_ids": t("inputIds", torch.long).view(B, T), "attention_mask": t("attentionMask", torch.long).view(B, T),
        "word_rows": t("wordTokenRows", torch.long), "word_present": t("wordPresent", torch.float).view(B, L),
        "prompt_rows": t("promptTokenRows", torch.long), "prompt_mask": t("promptMask", torch.float).view(B, C),
        "start_rows": t("spanStartRows", torch.long), "end_rows": t("spanEndRows", torch.long),
        "span_mask": t("spanMask", torch.float).view(B, L, K, 1), "lengths": torch.tensor(raw["textLengths"]),
        "L": L, "C": C,
    }
    if "labels" in raw:
        out["labels"] = t("labels", torch.float).view(B, L, K, C)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", required=True)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    data = json.load(open(args.batches))
    cfg = data["config"]
    model = Gliner(cfg["vocab"], cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"],
                   cfg["intermediate_size"], 12, cfg["span_hidden_size"])
    enc = [p for n, p in model.named_parameters() if n.startswith(("emb", "rel", "layers", "proj"))]
    oth = [p for n, p in model.named_parameters() if not n.startswith(("emb", "rel", "layers", "proj"))]
    opt = torch.optim.AdamW([{"params": enc, "lr": 1e-3, "weight_decay": 0.03},
                             {"params": oth, "lr": 1e-3, "weight_decay": 0.01}])
    micro = [tensors(b) for b in data["train"]]
    times = []
    for i in range(7):
        started = time.process_time()
        opt.zero_grad()
        total = 0.0
        for b in micro:
            model.train()
            logits = model(b)
            mask = b["span_mask"] * b["prompt_mask"].view(logits.shape[0], 1, 1, -1)
            loss = (F.binary_cross_entropy_with_logits(logits, b["labels"], reduction="none") * mask).sum()
            loss.backward()
            total += loss.item()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.4)
        opt.step()
        if i >= 2:
            times.append(time.process_time() - started)
    times.sort()
    step = times[len(times) // 2]
    model.eval()
    infer = [tensors(b) for b in data["inference"]]
    with torch.no_grad():
        model(infer[0])
        started = time.process_time()
        for b in infer:
            model(b)
        seconds = time.process_time() - started
    print(json.dumps({
        "train_words_per_s": data["train_words"] / step, "ms_per_step": step * 1000,
        "inference_sentences_per_s": data["inference_sentences"] / seconds, "threads": args.threads,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
