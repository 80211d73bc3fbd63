#!/usr/bin/env bash
# Catalog benchmark: writes N tiny SDO-like FITS files (default 100000), indexes them with `solarchip bench catalog`
# (which also times every catalog query), then indexes the first REF_FILES of the same files (default 10000) the
# straightforward Python way (astropy headers + sqlite3, bench/catalog_index_reference.py) in the same run.
# Prints one JSON document: {"solarchip": {...}, "python_reference": {...}, "index_speedup": x}.
#
#   bench/catalog_bench.sh [N]            SOLARCHIP_BIN=path/to/solarchip  REF_FILES=10000  THREADS=0 (all cores)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${SOLARCHIP_BIN:-$ROOT/build/bin/solarchip}
FILES=${1:-100000}
REF_FILES=${REF_FILES:-10000}
THREADS=${THREADS:-0}
[ -x "$BIN" ] || { echo "catalog_bench.sh: $BIN not found; build first (scripts/build.sh) or set SOLARCHIP_BIN" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/solarchip-catalog-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$BIN" bench catalog --files "$FILES" --dir "$WORK/archive" --threads "$THREADS" --json > "$WORK/solarchip.json"
/usr/bin/python3 "$ROOT/bench/catalog_index_reference.py" "$WORK/archive" --max-files "$REF_FILES" > "$WORK/python.json"
/usr/bin/python3 - "$WORK/solarchip.json" "$WORK/python.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
ref = json.load(open(sys.argv[2]))
print(json.dumps({
    "solarchip": ours,
    "python_reference": ref,
    "index_files_per_s": {"solarchip": ours["index"]["files_per_s"], "python_reference": ref["files_per_s"]},
    "index_speedup": ours["index"]["files_per_s"] / ref["files_per_s"],
}, indent=1))
PY
