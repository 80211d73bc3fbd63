"""Reference for tests/core/tst_flareforecast: ROC AUC by counting every (positive, negative) pair (a different
algorithm from the C++ rank sum), the Brier score and the Brier skill score with numpy, from a JSON file
{"p": [...], "y": [...], "clim": c}. Prints {"auc", "brier", "bss"}."""
import json
import sys

import numpy as np

d = json.load(open(sys.argv[1]))
p = np.asarray(d["p"], dtype=np.float64)
y = np.asarray(d["y"], dtype=np.int64)
pos, neg = p[y > 0], p[y == 0]
wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
auc = wins / (len(pos) * len(neg))
brier = float(np.mean((p - y) ** 2))
ref = float(np.mean((d["clim"] - y) ** 2))
print(json.dumps({"auc": float(auc), "brier": brier, "bss": 1.0 - brier / ref}))
