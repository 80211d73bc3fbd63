#!/usr/bin/env python3
"""Writes the default model's MODEL_CARD.md from what scripts/train_default_model.sh measured.

Usage: scripts/make_model_card.py OUT_DIR WORK_DIR
       scripts/make_model_card.py --provenance OUT_DIR WORK_DIR
Reads OUT_DIR/model-info.json, OUT_DIR/suite_*.json (eval-align --suite --json on fresh archives),
OUT_DIR/protocol-660h/suite_*.json (the spaced questions as first measured, 660 h apart), OUT_DIR/learning_curve.csv,
WORK_DIR/run/run.json, WORK_DIR/run/metrics.jsonl and WORK_DIR/commands.txt; writes OUT_DIR/MODEL_CARD.md. Where the
work folder no longer holds the training run (an evaluation-only rerun, EVAL_ONLY=1), the training's options, time
per step and commands come from OUT_DIR/training.json, which --provenance writes from the work folder right after
training. Every figure in the card comes from those files, so the card cannot drift from the model it describes.
"""
import csv
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite_figures  # noqa: E402

# Targets of issue 10 section 4: key -> (comparison, threshold, which archive answers it; "" = both).
TARGETS = [("cls_top1_spaced", ">=", 0.5, "spaced"), ("cls_recall5_spaced", ">=", 0.8, "spaced"),
           ("cls_batch_top1", ">=", 0.6, ""), ("day_top1_by_patches", ">=", 0.9, "daily"),
           ("patch_top1_ondisk", ">=", 0.8, "daily"), ("patch_top1_other_time_ondisk", "<=", 0.2, "daily")]

# What this model does differently from the research code (docs/solarchip-method.md), one line each.
DEVIATIONS = [
    "HMI is co-registered onto the AIA frame (north up, same plate scale) before the fixed-position patch terms; "
    "the research code compared HMI ~180 deg rolled at another plate scale with AIA (method doc 1.5, caveat).",
    "Fixed apparent radius (`prep.disk_radius_fraction`): every set is scaled so the disk radius is a fixed "
    "fraction of half the input side; the research code kept each file's plate scale, so the disk size followed "
    "the observer's distance (a ~3% yearly nuisance shared by every channel of a set).",
    "CLS head: the research AE_CNN's CLS is Linear(global average pool). This model adds an attention pool over the "
    "latent cells with a radial (centre-to-limb) position code (`cls_head: attn`, keys `cls_pool.*`), summed with "
    "the GAP token, so the CLS can encode where activity sits on the disk. The paper presets and imported "
    "checkpoints keep GAP.",
    "Augmentation: no joint rotation and no flips (the research code: joint flips p 0.5 and a joint rotation up to "
    "+-90 deg, NEAREST). Instead each modality gets its own random number of quarter turns "
    "(`augment.modality_quarter_turns`); the patch and intra-sample terms see the cells turned back (exact: a "
    "quarter turn permutes whole cells), the CLS term sees the independently turned inputs, so it cannot match a "
    "pair by a rotation both modalities share.",
    "Objective: reconstruction weight 0 (decoders untrained; the research code sums the per-pixel reconstruction "
    "error, ~10^6 times the contrastive terms at 1024 px); losses averaged over the HMI-centred pairs.",
    "Optimiser: AdamW (beta 0.9/0.98, eps 1e-6, wd 0.05, none on norms/biases/temperatures), per-step warmup and "
    "cosine, gradient clipping at 1 (research: AdamW defaults, lr 1e-5, per-epoch cosine, no clipping).",
    "Validation batches are drawn in a fixed random order like training batches (research: val shuffle=False).",
    "Input size: 64 px area-averaged from 256 px files (research 1024 px), 16x16 latent cells, a small CNN "
    "(ch 16, ch_mult [1, 2, 2]); channels hmi, 171, 193, 304 (research: all 11), one backbone per modality, "
    "float16 weights.",
    "Schedule: batch 32 sets, AdamW in stages (the script's STAGES, default \"2000 3000 4000\"): a cosine over the "
    "first stage's steps, then the same run extended to each further total with a warm restart of the cosine at the "
    "extended schedule's value for the previous total (lr 2.8e-4 after step 2000, 1.7e-4 after step 3000, each decaying "
    "to 1e-5); the step this model stopped at is in the training row above. A 2000-step single cosine (the previous "
    "default) missed 4 of the suite's 48 target checks, the 3000-step extension 3 (both with the spaced questions "
    "on the 660 h archives, see below).",
]


def load(path):
    with open(path) as f:
        return json.load(f)


def fmt(d, key):
    return suite_figures.cell(d, key)


def step_times(metrics):
    """Median seconds per optimizer step (batch / samples_per_s) per stage of 1000 steps, from RUN/metrics.jsonl."""
    if not os.path.exists(metrics):
        return "(no metrics.jsonl)"
    per = {}
    batch = None
    for line in open(metrics):
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if d.get("event") != "train" or not d.get("samples_per_s"):
            continue
        if batch is None and d.get("step"):
            batch = d["samples"] / d["step"]
        per.setdefault((d["step"] - 1) // 1000, []).append(d)
    parts, total = [], 0.0
    for k in sorted(per):
        rows = per[k]
        t = sorted(batch / r["samples_per_s"] for r in rows)
        med = t[len(t) // 2]
        total += med * len(rows)
        parts.append("steps %d-%d: %.2f s" % (k * 1000 + 1, k * 1000 + len(rows), med))
    return "; ".join(parts) + " (median per stage, machine load varied; about %.1f h of training in all)" % (total / 3600)


def read_commands(work):
    path = os.path.join(work, "commands.txt")
    return [line for line in open(path).read().splitlines() if line.strip()] if os.path.exists(path) else []


def provenance(out, work):
    """OUT/training.json: what the card says about the training, taken from the work folder while it exists."""
    run_json = os.path.join(work, "run", "run.json")
    run = load(run_json) if os.path.exists(run_json) else {}
    prov = {"options": {k: run.get("options", {}).get(k, {}) for k in ("augment", "optim")},
            "time_per_step": step_times(os.path.join(work, "run", "metrics.jsonl")),
            "commands": read_commands(work)}
    tmp = os.path.join(out, "training.json.tmp")
    with open(tmp, "w") as f:
        json.dump(prov, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, os.path.join(out, "training.json"))


def spacing_line(name, d):
    s = d.get("suite") or {}
    turn = s.get("spaced_longitude_shift")
    if not isinstance(turn, dict):
        return None
    return ("| %s | %s | %.1f deg (min %.1f; %d of %d pairs within %g deg) |"
            % (name, s.get("sets_spaced"), turn["median_abs_deg"], turn["min_abs_deg"], turn["pairs_within"],
               turn["pairs"], turn["pairs_within_deg"]))


def main(out, work):
    info = load(os.path.join(out, "model-info.json"))
    suites = {os.path.basename(p)[len("suite_"):-len(".json")]: load(p)
              for p in sorted(glob.glob(os.path.join(out, "suite_*.json")))}
    old_protocol = {os.path.basename(p)[len("suite_"):-len(".json")]: load(p)
                    for p in sorted(glob.glob(os.path.join(out, "protocol-660h", "suite_*.json")))}
    prov_path = os.path.join(out, "training.json")
    prov = load(prov_path) if os.path.exists(prov_path) else {}
    run_json = os.path.join(work, "run", "run.json")
    run = load(run_json) if os.path.exists(run_json) else {"options": prov.get("options", {})}
    metrics = os.path.join(work, "run", "metrics.jsonl")
    time_per_step = step_times(metrics) if os.path.exists(metrics) else prov.get("time_per_step", "(not recorded)")
    commands = list(prov.get("commands", []))
    commands += [c for c in read_commands(work) if c not in commands]
    cfg = info.get("config", {})
    bb = cfg.get("backbone", {})
    size_mb = os.path.getsize(info["file"]) / 1e6 if os.path.exists(info.get("file", "")) else float("nan")
    lines = []
    w = lines.append
    w("# SolarCHIP default model (CNN, %s)" % ", ".join(info.get("channels", [])))
    w("")
    w("Generated by `scripts/make_model_card.py` from the files next to it; made by `scripts/train_default_model.sh`.")
    w("")
    w("| | |")
    w("|---|---|")
    w("| file | `%s` (float16, %.1f MB) |" % (os.path.basename(info.get("file", "")), size_mb))
    w("| file SHA-256 | `%s` |" % info.get("file_sha256", ""))
    w("| model hash | `%s` |" % info.get("model_hash", ""))
    w("| parameters | %s |" % format(int(info.get("parameters", 0)), ","))
    w("| backbone | `%s` |" % json.dumps(bb, sort_keys=True))
    w("| prep | `%s` |" % json.dumps(info.get("prep", {}), sort_keys=True))
    w("| augmentation | `%s` |" % json.dumps(run.get("options", {}).get("augment", {}), sort_keys=True))
    w("| optimisation | `%s` |" % json.dumps(run.get("options", {}).get("optim", {}), sort_keys=True))
    w("| training | `%s` |" % json.dumps(info.get("training", {}), sort_keys=True))
    w("| time per step | %s |" % time_per_step)
    w("")
    w("## Targets (issue 10 section 4), on fresh archives with seeds the training never saw")
    w("")
    w("| key | target | " + " | ".join(sorted(suites)) + " |")
    w("|---|---|" + "---|" * len(suites))
    for key, op, thr, kind in TARGETS:
        cells = []
        for name in sorted(suites):
            d = suites[name]
            cells.append(fmt(d, key) if kind in name else "(other archive)")
        w("| %s | %s %s | %s |" % (key, op, thr, " | ".join(cells)))
    w("| rotation_probe cls_top1_spaced | not above cls_top1_spaced | " +
      " | ".join(suite_figures.probe(suites[n]) if "spaced" in n else "(other archive)" for n in sorted(suites)) + " |")
    w("")
    w("How far the Sun turned between consecutive spaced sets (`suite.spaced_longitude_shift`: Stonyhurst longitude "
      "shift of a feature at 15 deg latitude, Snodgrass rates, modulo whole turns; near 0, returning regions sit in "
      "the same place):")
    w("")
    w("| archive | spaced sets | median shift between consecutive sets |")
    w("|---|---|---|")
    for name in sorted(suites):
        line = spacing_line(name, suites[name]) if "spaced" in name else None
        if line:
            w(line)
    w("")
    if old_protocol:
        w("## The spaced questions as first measured (660 h apart)")
        w("")
        w("The first cards evaluated the spaced CLS questions on archives 660 h (27.5 d) apart, 54 sets over 4 years. "
          "660 h lies within the synodic rotation period of active latitudes (27.4-28.2 d at 0-25 deg for Snodgrass "
          "rates): consecutive sets showed the same longitudes (table below), so long-lived regions and the active "
          "longitudes sat in the same place, which issue 10 asks to avoid. The targets above use 48 sets 730 h apart "
          "(the issue's \"48 sets >= 648 h apart over 4 years\"). The same model on the 660 h archives "
          "(`protocol-660h/`):")
        w("")
        keys = ["cls_batch_top1", "cls_top1_spaced", "cls_recall5_spaced"]
        w("| archive (660 h) | " + " | ".join(keys) + " | rotation_probe cls_top1_spaced | median shift |")
        w("|---|" + "---|" * (len(keys) + 2))
        for name in sorted(old_protocol):
            d = old_protocol[name]
            turn = (d.get("suite") or {}).get("spaced_longitude_shift")
            shift = "%.1f deg" % turn["median_abs_deg"] if isinstance(turn, dict) else "(not recorded)"
            w("| %s | %s | %s | %s |" % (name, " | ".join(fmt(d, k) for k in keys), suite_figures.probe(d), shift))
        w("")
    sweep = os.path.join(out, "spacing_sweep.csv")
    if os.path.exists(sweep):
        rows = list(csv.DictReader(open(sweep)))
        cols = sorted({(int(r["seed"]), r["channel"]) for r in rows})
        w("## cls_top1_spaced against the spacing (48 sets from 2011-01-01, `scripts/spacing_sweep.sh`)")
        w("")
        w("Each cell: cls_top1_spaced [95% interval] (n 96, chance 1/48); `spacing_sweep.csv` also has recall@5 and "
          "cls_batch_top1.")
        w("")
        w("| spacing (h) | median shift | " + " | ".join("seed %d HMI-%s" % c for c in cols) + " |")
        w("|---|---|" + "---|" * len(cols))
        for h in sorted({int(r["spacing_hours"]) for r in rows}):
            by = {(int(r["seed"]), r["channel"]): r for r in rows if int(r["spacing_hours"]) == h}
            cells = ["%.3f [%.3f, %.3f]" % (float(by[c]["cls_top1_spaced"]), float(by[c]["ci_lo"]), float(by[c]["ci_hi"]))
                     if c in by else "-" for c in cols]
            shift = next(iter(by.values()))["median_shift_deg"]
            w("| %d | %s deg | %s |" % (h, shift, " | ".join(cells)))
        below = [r for r in rows if float(r["cls_top1_spaced"]) < 0.5]
        w("")
        near = [float(r["cls_top1_spaced"]) for r in rows if float(r["median_shift_deg"]) < 20]
        far = [float(r["cls_top1_spaced"]) for r in rows if float(r["median_shift_deg"]) >= 20]
        if near and far:
            w("Mean cls_top1_spaced where consecutive sets lie within 20 deg of the same longitudes: %.3f (%d figures); "
              "where they are 20 deg or more apart: %.3f (%d figures)." % (sum(near) / len(near), len(near),
                                                                      sum(far) / len(far), len(far)))
            w("")
        w("%d of %d figures below 0.5%s." % (len(below), len(rows), (": " + ", ".join(
            "seed %s HMI-%s at %s h (%.3f)" % (r["seed"], r["channel"], r["spacing_hours"], float(r["cls_top1_spaced"]))
            for r in below)) if below else ""))
        w("")
    w("## Every suite key with its interval, and the baselines")
    w("")
    w(suite_figures.header())
    for name in sorted(suites):
        d = suites[name]
        w(suite_figures.row(name, d))
        for bname, b in sorted((d.get("baselines") or {}).items()):
            if isinstance(b, dict):
                w(suite_figures.row(name + " / baseline " + bname, b))
    w("")
    curve = os.path.join(out, "learning_curve.csv")
    if os.path.exists(curve):
        rows = [r for r in csv.DictReader(open(curve)) if r.get("val_loss")]
        if rows:
            w("## Learning curve (validation rows of `learning_curve.csv`)")
            w("")
            w("| step | train loss | val loss | val cls | val pat | val cls_top1 | val patch_top1 |")
            w("|---|---|---|---|---|---|---|")
            for r in rows:
                w("| %s | %s | %s | %s | %s | %s | %s |" % (r["step"], r["loss"], r["val_loss"], r["val_cls"], r["val_pat"],
                                                         r["cls_top1"], r["patch_top1"]))
            w("")
    w("## Deviations from the research code (docs/solarchip-method.md)")
    w("")
    for d in DEVIATIONS:
        w("- " + d)
    w("")
    if commands:
        w("## Commands")
        w("")
        w("```")
        w("\n".join(commands))
        w("```")
        w("")
    tmp = os.path.join(out, "MODEL_CARD.md.tmp")
    with open(tmp, "w") as f:
        f.write("\n".join(lines))
    os.replace(tmp, os.path.join(out, "MODEL_CARD.md"))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--provenance":
        provenance(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
