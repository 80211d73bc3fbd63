"""Exact inner-product search with FAISS's Python bindings (the reference for tst_search).

Usage: faiss_flat.py VECTORS.f32 N DIM QUERIES.f32 NQ K -> JSON {"ids": [[...]], "scores": [[...]]} on stdout.
The files hold raw little-endian float32, row-major.
"""
import json
import sys

import faiss
import numpy as np


def main():
    vec_path, n, dim, q_path, nq, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
    x = np.fromfile(vec_path, dtype="<f4").reshape(n, dim)
    q = np.fromfile(q_path, dtype="<f4").reshape(nq, dim)
    index = faiss.IndexFlatIP(dim)
    index.add(x)
    scores, ids = index.search(q, k)
    json.dump({"ids": ids.tolist(), "scores": scores.tolist(), "faiss": faiss.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
