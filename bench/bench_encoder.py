#!/usr/bin/env python3
"""PyTorch side of `solarchip bench encoder`: the same architecture (tests/reference/solarchip_ref.py, an independent
Python implementation), the same input file, the same thread count, the same measurement protocol as
models/EncoderBenchmark.cpp:
  forward    one backbone: encode + decode + projection of the batch, no grad (median of --iterations)
  train step two backbones (hmi, aia): reconstruction (per-pixel mean, averaged over the two) + the three
             contrastive losses (vectorised, as the C++), backward, AdamW(lr 1e-4, wd 0.01), clamp of the
             log-temperatures (median of --iterations)
Prints one JSON object.
"""
import argparse
import json
import math
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
import safetensors_lite  # noqa: E402
import solarchip_ref as ref  # noqa: E402


def sym(logits):
    diag = logits.diagonal(0, -2, -1)
    return 0.5 * ((torch.logsumexp(logits, -1) - diag).mean() + (torch.logsumexp(logits, -2) - diag).mean())


def losses(pa, pb, s_cls, s_pat, s_int):
    na, nb = ref.n(pa), ref.n(pb)
    c = sym((ref.scale_of(s_cls) * na[:, 0] @ nb[:, 0].t())[None])
    u, v = na[:, 1:].transpose(0, 1), nb[:, 1:].transpose(0, 1)
    p = sym(ref.scale_of(s_pat) * torch.bmm(u, v.transpose(1, 2)))
    i = sym(ref.scale_of(s_int) * torch.bmm(na[:, 1:], nb[:, 1:].transpose(1, 2)))
    return c + p + i


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True, help="backbone configuration JSON (as in model files)")
    ap.add_argument("--input", required=True, help="safetensors with tensors hmi and aia")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = json.loads(a.config)
    x, _ = safetensors_lite.load(a.input)
    xh, xa = x["hmi"], x["aia"]
    torch.manual_seed(0)
    w = ref.Wrapper(cfg, ["hmi", "0171"])
    hmi, aia = w.model_dict["hmi"], w.model_dict["0171"]
    ls = w.contrastive_loss_fn

    fwd = []
    with torch.no_grad():
        for i in range(a.warmup + a.iterations):
            t0 = time.perf_counter()
            z = hmi.encode(xh)
            rec = hmi.decode(z)
            tok = hmi.project(z)
            float(rec.sum()), float(tok.sum())
            if i >= a.warmup:
                fwd.append((time.perf_counter() - t0) * 1e3)
    opt = torch.optim.AdamW(w.parameters(), lr=1e-4, weight_decay=0.01)
    train = []
    for i in range(a.warmup + a.iterations):
        t0 = time.perf_counter()
        opt.zero_grad()
        zh, za = hmi.encode(xh), aia.encode(xa)
        rh, ra = hmi.decode(zh), aia.decode(za)
        th, ta = hmi.project(zh), aia.project(za)
        total = 0.5 * (((rh - xh) ** 2).mean() + ((ra - xa) ** 2).mean()) + losses(
            th, ta, ls.cls_logit_scale, ls.pat_logit_scale, ls.int_logit_scale)
        total.backward()
        opt.step()
        with torch.no_grad():
            for p in (ls.cls_logit_scale, ls.pat_logit_scale, ls.int_logit_scale):
                p.clamp_(0, math.log(100))
        float(total)
        if i >= a.warmup:
            train.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({"torch_version": torch.__version__, "threads": torch.get_num_threads(),
                      "forward_ms": sorted(fwd)[len(fwd) // 2], "train_step_ms": sorted(train)[len(train) // 2],
                      "parameters": sum(p.numel() for p in hmi.parameters())}))


if __name__ == "__main__":
    main()
