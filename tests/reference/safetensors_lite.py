"""Minimal safetensors reader/writer for the test references (Debian 12 has no python3-safetensors).

Format: 8-byte little-endian header length N, N bytes of JSON
{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {str: str}},
then the raw little-endian tensor bytes (offsets relative to the end of the header).
"""
import json
import struct

import numpy as np
import torch

_DTYPES = {
    torch.float64: ("F64", np.float64), torch.float32: ("F32", np.float32), torch.float16: ("F16", np.float16),
    torch.int64: ("I64", np.int64), torch.int32: ("I32", np.int32), torch.int16: ("I16", np.int16),
    torch.int8: ("I8", np.int8), torch.uint8: ("U8", np.uint8), torch.bool: ("BOOL", np.bool_),
}
_BY_NAME = {name: (tdt, npdt) for tdt, (name, npdt) in _DTYPES.items()}


def save(tensors, path, metadata=None):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        dname, npdt = _DTYPES[t.dtype]
        raw = t.numpy().astype(npdt, copy=False).astype(np.dtype(npdt).newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": dname, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def load(path):
    """Returns (dict name -> tensor, metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, e in header.items():
        tdt, npdt = _BY_NAME[e["dtype"]]
        b, end = e["data_offsets"]
        arr = np.frombuffer(data[base + b:base + end], dtype=np.dtype(npdt).newbyteorder("<")).astype(npdt)
        out[name] = torch.from_numpy(arr.copy()).reshape(e["shape"])
    return out, meta
