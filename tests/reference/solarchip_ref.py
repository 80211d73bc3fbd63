#!/usr/bin/env python3
"""Independent PyTorch reference of the SolarCHIP networks and losses, written from
shared/docs/solarchip-method.md (sections 2 and 3), not from the C++ code.

It deliberately uses different primitives than the C++: nn.MultiheadAttention (sequence-first, as CLIP),
F.interpolate(scale_factor=2), F.fold for the un-patchify, and per-position loops with F.cross_entropy
for the losses (the research code's form), so agreement is evidence, not a tautology.

Commands (all write into --out):
  model  --config JSON --modalities hmi,0171 --seed S --batch B
         -> state.pt (torch.save(dict(sd)), keys model_dict.<m>.* + contrastive_loss_fn.*),
            state.safetensors, bare.pt (the first backbone without prefix), io.safetensors
            (input.<m>, recon.<m>, latent.<m>, tokens.<m>)
  losses --seed S --batch B --tokens N --dim D
         -> losses.safetensors with inputs, values and gradients (see cmd_losses)
  count  --config JSON   -> prints the parameter count of one backbone (JSON)
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_lite  # noqa: E402

# ----------------------------------------------------------------------------------------------------------------
# CNN (LDM encoder/decoder with the SolarCHIP GroupNorm rule)


def norm(c):
    g = 32
    while g > c // 2 and g > 1:
        g //= 2
    return nn.GroupNorm(g, c, eps=1e-6, affine=True)


def swish(x):
    return x * torch.sigmoid(x)


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = norm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, 1, 1)
        self.norm2 = norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        if cin != cout:
            self.nin_shortcut = nn.Conv2d(cin, cout, 1)

    def forward(self, x):
        h = self.conv2(swish(self.norm2(self.conv1(swish(self.norm1(x))))))
        s = self.nin_shortcut(x) if hasattr(self, "nin_shortcut") else x
        return s + h


class Attn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = norm(c)
        self.q, self.k, self.v, self.proj_out = (nn.Conv2d(c, c, 1) for _ in range(4))

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.norm(x)
        q = self.q(y).flatten(2)  # [B, C, HW]
        k = self.k(y).flatten(2)
        v = self.v(y).flatten(2)
        wgt = torch.einsum("bci,bcj->bij", q, k) / math.sqrt(c)
        wgt = wgt.softmax(dim=-1)
        out = torch.einsum("bcj,bij->bci", v, wgt).reshape(b, c, h, w)
        return x + self.proj_out(out)


class Down(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Up(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Mid(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.block_1, self.attn_1, self.block_2 = ResBlock(c, c), Attn(c), ResBlock(c, c)

    def forward(self, x):
        return self.block_2(self.attn_1(self.block_1(x)))


class CnnEncoder(nn.Module):
    def __init__(self, cfg, res):
        super().__init__()
        ch, mult, nrb = cfg["ch"], cfg["ch_mult"], cfg["num_res_blocks"]
        attn_res = cfg.get("attn_resolutions", [])
        self.conv_in = nn.Conv2d(cfg.get("in_channels", 1), ch, 3, 1, 1)
        self.down = nn.ModuleList()
        cur = res
        cin = ch
        for i, m in enumerate(mult):
            lvl = nn.Module()
            lvl.block, lvl.attn = nn.ModuleList(), nn.ModuleList()
            for _ in range(nrb):
                lvl.block.append(ResBlock(cin, ch * m))
                cin = ch * m
                if cur in attn_res:
                    lvl.attn.append(Attn(cin))
            if i != len(mult) - 1:
                lvl.downsample = Down(cin)
                cur //= 2
            self.down.append(lvl)
        self.mid = Mid(cin)
        self.norm_out = norm(cin)
        self.conv_out = nn.Conv2d(cin, cfg["z_channels"], 3, 1, 1)

    def forward(self, x):
        h = self.conv_in(x)
        for lvl in self.down:
            for j, blk in enumerate(lvl.block):
                h = blk(h)
                if len(lvl.attn):
                    h = lvl.attn[j](h)
            if hasattr(lvl, "downsample"):
                h = lvl.downsample(h)
        return self.conv_out(swish(self.norm_out(self.mid(h))))


class CnnDecoder(nn.Module):
    def __init__(self, cfg, res):
        super().__init__()
        ch, mult, nrb = cfg["ch"], cfg["ch_mult"], cfg["num_res_blocks"]
        attn_res = cfg.get("attn_resolutions", [])
        cin = ch * mult[-1]
        cur = res // 2 ** (len(mult) - 1)
        self.conv_in = nn.Conv2d(cfg["z_channels"], cin, 3, 1, 1)
        self.mid = Mid(cin)
        levels = {}
        for i in reversed(range(len(mult))):
            lvl = nn.Module()
            lvl.block, lvl.attn = nn.ModuleList(), nn.ModuleList()
            for _ in range(nrb + 1):
                lvl.block.append(ResBlock(cin, ch * mult[i]))
                cin = ch * mult[i]
                if cur in attn_res:
                    lvl.attn.append(Attn(cin))
            if i != 0:
                lvl.upsample = Up(cin)
                cur *= 2
            levels[i] = lvl
        self.up = nn.ModuleList([levels[i] for i in range(len(mult))])
        self.norm_out = norm(cin)
        self.conv_out = nn.Conv2d(cin, cfg.get("out_ch", 1), 3, 1, 1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for lvl in reversed(self.up):
            for j, blk in enumerate(lvl.block):
                h = blk(h)
                if len(lvl.attn):
                    h = lvl.attn[j](h)
            if hasattr(lvl, "upsample"):
                h = lvl.upsample(h)
        return self.conv_out(swish(self.norm_out(h)))


class AECnn(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["cnn"]
        zc = c["z_channels"]
        self.encoder = CnnEncoder(c, cfg["resolution"])
        self.decoder = CnnDecoder(c, cfg["resolution"])
        self.cls_proj = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(zc, zc))
        self.contrasive_porject = nn.Parameter(zc ** -0.5 * torch.randn(zc, cfg["contrastive_dim"]))

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def project(self, z):
        b, c = z.shape[:2]
        cells = z.reshape(b, c, -1).permute(0, 2, 1)
        return torch.cat([self.cls_proj(z)[:, None, :], cells], 1) @ self.contrasive_porject


# ----------------------------------------------------------------------------------------------------------------
# ViT (CLIP-style encoder, transformer decoder)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads)
        self.ln_1 = nn.LayerNorm(d)
        self.mlp = nn.Sequential()
        self.mlp.add_module("c_fc", nn.Linear(d, 4 * d))
        self.mlp.add_module("gelu", QuickGELU())
        self.mlp.add_module("c_proj", nn.Linear(4 * d, d))
        self.ln_2 = nn.LayerNorm(d)

    def forward(self, x):  # x: [L, B, D] (sequence first, as CLIP)
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, d, layers, heads):
        super().__init__()
        self.resblocks = nn.Sequential(*[Block(d, heads) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VitEncoder(nn.Module):
    def __init__(self, v, res):
        super().__init__()
        d, p = v["hidden_dim"], v["patch_size"]
        g = res // p
        s = d ** -0.5
        self.conv1 = nn.Conv2d(v.get("input_dim", 1), d, p, p, bias=False)
        self.class_embedding = nn.Parameter(s * torch.randn(d))
        self.positional_embedding = nn.Parameter(s * torch.randn(g * g + 1, d))
        self.ln_pre = nn.LayerNorm(d)
        self.transformer = Transformer(d, v["layers"], v["heads"])
        self.ln_post = nn.LayerNorm(d)

    def forward(self, x):
        x = self.conv1(x).flatten(2).permute(0, 2, 1)
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = self.ln_pre(torch.cat([cls, x], 1) + self.positional_embedding)
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        return self.ln_post(x)


class VitDecoder(nn.Module):
    def __init__(self, v, res):
        super().__init__()
        d, p = v["hidden_dim"], v["patch_size"]
        self.c, self.p, self.res = v.get("input_dim", 1), p, res
        self.research = v.get("research_layout", False)
        g = res // p
        if not self.research:
            self.positional_embedding = nn.Parameter(d ** -0.5 * torch.randn(g * g, d))
        self.ln_pre = nn.LayerNorm(d)
        self.transformer = Transformer(d, v["layers"], v["heads"])
        self.de_proj = nn.Linear(d, self.c * p * p)

    def forward(self, z):
        x = z[:, 1:, :]
        if not self.research:
            x = x + self.positional_embedding
        x = self.transformer(self.ln_pre(x).permute(1, 0, 2)).permute(1, 0, 2)
        x = self.de_proj(x)  # [B, N, C*p*p]
        if self.research:
            return x.reshape(x.shape[0], self.c, self.res, self.res)
        # Each token back into its own patch: fold is the exact inverse of a non-overlapping unfold.
        return F.fold(x.transpose(1, 2), output_size=(self.res, self.res), kernel_size=self.p, stride=self.p)


class AEVit(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        v = cfg["vit"]
        d = v["hidden_dim"]
        self.contrasive_porject = nn.Parameter(d ** -0.5 * torch.randn(d, cfg["contrastive_dim"]))
        self.encoder = VitEncoder(v, cfg["resolution"])
        self.decoder = VitDecoder(v, cfg["resolution"])

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def project(self, z):
        return z @ self.contrasive_porject


def build(cfg):
    return AECnn(cfg) if cfg["arch"] == "cnn" else AEVit(cfg)


def in_channels(cfg):
    return cfg["cnn"].get("in_channels", 1) if cfg["arch"] == "cnn" else cfg["vit"].get("input_dim", 1)


class Wrapper(nn.Module):
    def __init__(self, cfg, modalities):
        super().__init__()
        self.model_dict = nn.ModuleDict({m: build(cfg) for m in modalities})
        self.contrastive_loss_fn = nn.Module()
        for k in ("cls", "pat", "int"):
            setattr(self.contrastive_loss_fn, f"{k}_logit_scale", nn.Parameter(torch.ones([]) * math.log(1 / 0.07)))


# ----------------------------------------------------------------------------------------------------------------
# Losses, in the research code's looped form


def n(x, eps=1e-6):
    # Same normalisation as the C++ (documented there): v / sqrt(|v|^2 + eps^2).
    return x / torch.sqrt((x * x).sum(-1, keepdim=True) + eps * eps)


def scale_of(s):
    return torch.clamp(s.exp(), max=100.0)


def sym_ce(logits):
    t = torch.arange(logits.shape[0])
    return 0.5 * (F.cross_entropy(logits, t) + F.cross_entropy(logits.t(), t))


def loss_cls(pa, pb, s):
    return sym_ce(scale_of(s) * n(pa[:, 0]) @ n(pb[:, 0]).t())


def loss_pat(pa, pb, s):
    total = 0.0
    npos = pa.shape[1] - 1
    for i in range(1, pa.shape[1]):
        total = total + sym_ce(scale_of(s) * n(pa[:, i]) @ n(pb[:, i]).t())
    return total / npos


def loss_int(pa, pb, s):
    total = 0.0
    for b in range(pa.shape[0]):
        total = total + sym_ce(scale_of(s) * n(pa[b, 1:]) @ n(pb[b, 1:]).t())
    return total / pa.shape[0]


def loss_rec(x, xh, w=None):
    r = (x - xh) ** 2
    if w is None:
        return r.mean()
    w = w.expand_as(r)
    return (w * r).sum() / w.sum()


def total_loss(images, recons, tokens, scales, pairs, weights, pixel_weights=None):
    pixel_weights = pixel_weights or {}
    rec = [loss_rec(images[m], recons[m], pixel_weights.get(m)) for m in images]
    total = weights["rec"] * sum(rec) / len(rec)
    ctr = 0.0
    for a, b in pairs:
        ctr = ctr + weights["cls"] * loss_cls(tokens[a], tokens[b], scales["cls"]) \
            + weights["pat"] * loss_pat(tokens[a], tokens[b], scales["pat"]) \
            + weights["int"] * loss_int(tokens[a], tokens[b], scales["int"])
    return total + ctr / len(pairs)


# ----------------------------------------------------------------------------------------------------------------


def perturb(model, gen):
    # Zero-initialised biases and unit norms would let a C++ bug that ignores them pass: randomise them.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") or ".norm" in name or ".ln_" in name or "norm_out" in name:
                p.add_(0.1 * torch.randn(p.shape, generator=gen))


def cmd_model(a):
    cfg = json.loads(a.config)
    mods = a.modalities.split(",")
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed + 1)
    w = Wrapper(cfg, mods)
    perturb(w, gen)
    with torch.no_grad():
        w.contrastive_loss_fn.pat_logit_scale.add_(0.3)
    os.makedirs(a.out, exist_ok=True)
    sd = {k: v.detach().clone() for k, v in w.state_dict().items()}
    torch.save(dict(sd), os.path.join(a.out, "state.pt"))
    safetensors_lite.save(sd, os.path.join(a.out, "state.safetensors"))
    first = mods[0]
    bare = {k[len(f"model_dict.{first}."):]: v for k, v in sd.items() if k.startswith(f"model_dict.{first}.")}
    torch.save(bare, os.path.join(a.out, "bare.pt"))
    io = {}
    c, r = in_channels(cfg), cfg["resolution"]
    if a.no_forward:
        mods = []
    with torch.no_grad():
        for m in mods:
            x = torch.randn(a.batch, c, r, r, generator=gen)
            net = w.model_dict[m]
            z = net.encode(x)
            io[f"input.{m}"] = x
            io[f"latent.{m}"] = z
            io[f"recon.{m}"] = net.decode(z)
            io[f"tokens.{m}"] = net.project(z)
    safetensors_lite.save(io, os.path.join(a.out, "io.safetensors"), {"config": json.dumps(cfg)})
    n_params = sum(p.numel() for p in w.model_dict[first].parameters())
    print(json.dumps({"backbone_parameters": n_params, "keys": len(sd)}))


def cmd_losses(a):
    gen = torch.Generator().manual_seed(a.seed)
    B, N, D = a.batch, a.tokens, a.dim
    out = {}
    pa = torch.randn(B, N + 1, D, generator=gen, dtype=torch.float64)
    pb = (0.6 * pa + 0.8 * torch.randn(B, N + 1, D, generator=gen, dtype=torch.float64))
    pb[1, 3] = 0.0  # a zero token: must give finite values and gradients
    scales = {"cls": math.log(1 / 0.07), "pat": math.log(1 / 0.07) + 0.4, "int": math.log(150.0)}  # int: clamped
    out["pa"], out["pb"] = pa.float(), pb.float()
    for k, v in scales.items():
        out[f"scale.{k}"] = torch.tensor(v, dtype=torch.float32)
    # Compute in float64 from the float32 inputs the C++ sees, so the reference itself is not the error source.
    pa64, pb64 = pa.float().double(), pb.float().double()
    for name, fn in (("cls", loss_cls), ("pat", loss_pat), ("int", loss_int)):
        xa = pa64.clone().requires_grad_(True)
        xb = pb64.clone().requires_grad_(True)
        s = torch.tensor(scales[name], dtype=torch.float64).float().double().requires_grad_(True)
        val = fn(xa, xb, s)
        val.backward()
        out[f"{name}.value"] = val.detach().float()
        out[f"{name}.grad_pa"] = xa.grad.float()
        out[f"{name}.grad_pb"] = xb.grad.float()
        out[f"{name}.grad_scale"] = s.grad.float()

    # The total objective over three modalities, for both pair topologies, with per-pixel weights.
    mods = ["hmi", "0171", "0193"]
    R = 8
    images, recons, tokens = {}, {}, {}
    for m in mods:
        images[m] = torch.randn(B, 1, R, R, generator=gen, dtype=torch.float64).float()
        recons[m] = torch.randn(B, 1, R, R, generator=gen, dtype=torch.float64).float()
        tokens[m] = torch.randn(B, N + 1, D, generator=gen, dtype=torch.float64).float()
        out[f"img.{m}"], out[f"rec.{m}"], out[f"tok.{m}"] = images[m], recons[m], tokens[m]
    pw = (torch.rand(1, 1, R, R, generator=gen, dtype=torch.float64) > 0.3).float()
    out["pixel_weight.hmi"] = pw
    weights = {"rec": 0.7, "cls": 1.3, "pat": 0.5, "int": 2.0}
    for topo, pairs in (("star", [("hmi", "0171"), ("hmi", "0193")]),
                        ("all", [("hmi", "0171"), ("hmi", "0193"), ("0171", "0193")])):
        im = {m: images[m].double() for m in mods}
        rc = {m: recons[m].double().requires_grad_(True) for m in mods}
        tk = {m: tokens[m].double().requires_grad_(True) for m in mods}
        sc = {k: torch.tensor(scales[k], dtype=torch.float64).float().double().requires_grad_(True) for k in scales}
        tot = total_loss(im, rc, tk, sc, pairs, weights, {"hmi": pw.double()})
        tot.backward()
        out[f"total.{topo}.value"] = tot.detach().float()
        for m in mods:
            out[f"total.{topo}.grad_tok.{m}"] = tk[m].grad.float()
            out[f"total.{topo}.grad_rec.{m}"] = rc[m].grad.float()
        for k in sc:
            out[f"total.{topo}.grad_scale.{k}"] = sc[k].grad.float()
    os.makedirs(a.out, exist_ok=True)
    safetensors_lite.save(out, os.path.join(a.out, "losses.safetensors"),
                          {"weights": json.dumps(weights)})
    print(json.dumps({k: float(v) for k, v in out.items() if k.endswith(".value")}))


def cmd_count(a):
    cfg = json.loads(a.config)
    net = build(cfg)
    enc = sum(p.numel() for n_, p in net.named_parameters() if n_.startswith("encoder."))
    dec = sum(p.numel() for n_, p in net.named_parameters() if n_.startswith("decoder."))
    print(json.dumps({"total": sum(p.numel() for p in net.parameters()), "encoder": enc, "decoder": dec,
                      "keys": {k: list(v.shape) for k, v in net.state_dict().items()}}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("model")
    m.add_argument("--config", required=True)
    m.add_argument("--modalities", default="hmi,0171")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--batch", type=int, default=2)
    m.add_argument("--out", required=True)
    m.add_argument("--no-forward", action="store_true", help="write the weights only")
    l_ = sub.add_parser("losses")
    l_.add_argument("--seed", type=int, default=0)
    l_.add_argument("--batch", type=int, default=4)
    l_.add_argument("--tokens", type=int, default=9)
    l_.add_argument("--dim", type=int, default=6)
    l_.add_argument("--out", required=True)
    c = sub.add_parser("count")
    c.add_argument("--config", required=True)
    a = ap.parse_args()
    torch.set_num_threads(1)
    {"model": cmd_model, "losses": cmd_losses, "count": cmd_count}[a.cmd](a)


if __name__ == "__main__":
    main()
