"""PyTorch reference for `npm run bench -- vs-torch`: trains bytelab's flat byte Transformer with the same
recipe bytelab uses, on CPU, and prints one JSON line with the timing.

Same model as packages/models/src/transformer (nanoGPT GPT, bytes as tokens): learned positions, tied
embeddings, pre-LayerNorm blocks with biases, exact-erf GELU MLP (4x), causal self-attention
(F.scaled_dot_product_attention, what a PyTorch user writes), final LayerNorm, logits over 256 bytes.
Same step as bytelab's trainer: mean next-byte cross-entropy, backward, global-norm clip 1.0, AdamW
(lr 3e-3, betas (0.9, 0.95), eps 1e-8, weight decay 0.1 on matrices except embeddings), windows of
seq+1 bytes at random offsets of the corpus. Steady state: `--warmup` steps untimed, then `--steps` timed.

  python bench/anchors/torch_transformer.py --d 128 --layers 4 --heads 4 --batch 8 --seq 128 \
      --threads 2 --steps 30 --corpus brown.bin
"""

import argparse
import json
import math
import os
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--corpus", type=str, default="")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    class Block(nn.Module):
        def __init__(self, d: int, heads: int) -> None:
            super().__init__()
            self.heads = heads
            self.ln_1 = nn.LayerNorm(d)
            self.c_attn = nn.Linear(d, 3 * d)
            self.attn_proj = nn.Linear(d, d)
            self.ln_2 = nn.LayerNorm(d)
            self.c_fc = nn.Linear(d, 4 * d)
            self.mlp_proj = nn.Linear(4 * d, d)

        def forward(self, x):
            b, t, d = x.shape
            q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
            q = q.view(b, t, self.heads, d // self.heads).transpose(1, 2)
            k = k.view(b, t, self.heads, d // self.heads).transpose(1, 2)
            v = v.view(b, t, self.heads, d // self.heads).transpose(1, 2)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.attn_proj(y.transpose(1, 2).contiguous().view(b, t, d))
            return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))

    class GPT(nn.Module):
        def __init__(self, d: int, layers: int, heads: int, block: int) -> None:
            super().__init__()
            self.wte = nn.Embedding(256, d)
            self.wpe = nn.Embedding(block, d)
            self.h = nn.ModuleList([Block(d, heads) for _ in range(layers)])
            self.ln_f = nn.LayerNorm(d)
            for name, p in self.named_parameters():
                if p.dim() >= 2:
                    nn.init.normal_(p, 0.0, 0.02)

        def forward(self, idx):
            t = idx.shape[1]
            x = self.wte(idx) + self.wpe(torch.arange(t, device=idx.device))
            for blk in self.h:
                x = blk(x)
            return F.linear(self.ln_f(x), self.wte.weight)  # tied embeddings

    model = GPT(args.d, args.layers, args.heads, args.seq)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wte" not in n and "wpe" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "wte" not in n and "wpe" not in n)]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=3e-3,
        betas=(0.9, 0.95),
        eps=1e-8,
    )
    n_params = sum(p.numel() for p in model.parameters())

    if args.corpus and os.path.exists(args.corpus):
        data = np.fromfile(args.corpus, dtype=np.uint8)
    else:
        data = np.random.default_rng(args.seed).integers(32, 127, size=1 << 20, dtype=np.uint8)
    rng = np.random.default_rng(args.seed)
    window = args.seq + 1

    def batch():
        starts = rng.integers(0, len(data) - window, size=args.batch)
        w = torch.from_numpy(np.stack([data[s : s + window] for s in starts]).astype(np.int64))
        return w[:, :-1], w[:, 1:]

    def step():
        x, y = batch()
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, 256), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()

    model.train()
    for _ in range(args.warmup):
        step()
    times = []
    loss = math.nan
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        s = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - s)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    bytes_per_step = args.batch * args.seq
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "blas": "MKL" if torch.backends.mkl.is_available() else "other",
                "threads": torch.get_num_threads(),
                "params": n_params,
                "steps": args.steps,
                "stepSeconds": times,
                "bytesPerSecond": bytes_per_step * args.steps / wall,
                "cpuSeconds": cpu,
                "loss": loss,
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
