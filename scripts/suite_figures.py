#!/usr/bin/env python3
"""Prints the headline keys of `solarchip eval-align --suite --json` outputs as one Markdown table row each.

Usage: scripts/suite_figures.py LABEL=FILE.json [LABEL=FILE.json ...]
Each cell: value [95% interval] (n); the rotation probe's cls_top1_spaced where present; `-` where the archive
cannot answer (the reason is in the JSON). Used for the experiments of issue 10 and by scripts/make_model_card.py.
"""
import json
import sys

KEYS = ["cls_batch_top1", "cls_top1_spaced", "cls_recall5_spaced", "day_top1_by_patches", "patch_top1_ondisk",
        "patch_top1_other_time_ondisk"]


def cell(d, key):
    v = d.get(key)
    if v is None:
        return "-"
    ci = d.get(key + "_ci95") or [float("nan"), float("nan")]
    return "%.3f [%.3f, %.3f] (n %s)" % (v, ci[0], ci[1], d.get(key + "_n", "?"))


def probe(d):
    p = d.get("rotation_probe")
    if not isinstance(p, dict):
        return "-"
    return cell(p, "cls_top1_spaced")


def row(label, d):
    return "| " + " | ".join([label] + [cell(d, k) for k in KEYS] + [probe(d)]) + " |"


def header():
    cols = ["run"] + KEYS + ["rotation_probe cls_top1_spaced"]
    return "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols)


if __name__ == "__main__":
    print(header())
    for arg in sys.argv[1:]:
        label, _, path = arg.partition("=")
        d = json.load(open(path))
        print(row(label, d))
        for name, b in sorted((d.get("baselines") or {}).items()):
            if isinstance(b, dict):
                print(row(label + " / baseline " + name, b))
