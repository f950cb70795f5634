#!/usr/bin/env python3
"""PyTorch counterpart of `classynet-edge bench`: the same R20-3E exit-1 prefix (input normalisation, stem, stage 1,
exit 1, softmax and entropy) at batch 1 with the same weights, in a process that does nothing else.

    /usr/bin/python3 benchmarks/pytorch_edge_prefix.py MODEL.zip [seconds] [threads]

MODEL.zip is a ClassyNet model bundle (manifest.json, spec.json, weights.safetensors) of an R20-3E. Prints
`RESULT torch_prefix_latency_b1_ms`, `RESULT torch_prefix_latency_b1_p99_ms` and `RESULT torch_prefix_peak_rss_mb`
(ru_maxrss of this process: the import of torch included, as for any process that runs the prefix).
"""
import io
import json
import os
import resource
import sys
import tempfile
import time
import zipfile

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "ClassyNet.MLNet.Tests", "Fixtures"))
from make_r20_fixtures import R20, read_safetensors  # noqa: E402


def load(path):
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read("manifest.json"))
        spec = json.loads(z.read("spec.json"))
        weights = z.read("weights.safetensors")
    if spec.get("kind") != "resnet" or spec.get("depth") != 20:
        raise SystemExit(f"{path}: expected an R20-3E model, got {spec.get('kind')}-{spec.get('depth')}")
    with tempfile.NamedTemporaryFile(suffix=".safetensors") as f:
        f.write(weights)
        f.flush()
        state, _ = read_safetensors(f.name)
    model = R20(in_channels=spec["inChannels"], classes=spec["classes"])
    for i, outputs in enumerate(spec["exitOutputs"]):
        model.exits[i].fc = torch.nn.Linear(model.exits[i].fc.in_features, outputs)
    model.load_state_dict({k: v for k, v in state.items()}, strict=True)
    model.eval()
    norm = manifest["normalization"]
    return model, spec, norm


def main():
    path = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    torch.set_num_threads(threads)
    model, spec, norm = load(path)
    c, s = spec["inChannels"], spec["imageSize"]
    mean = torch.tensor(norm["mean"] or [0.0] * c).view(1, -1, 1, 1) if norm["mean"] else None
    inv = (1.0 / torch.tensor(norm["std"])).view(1, -1, 1, 1) if norm["std"] else None
    scale = norm["scale"]
    torch.manual_seed(1)
    x = torch.rand(1, c, s, s)

    def prefix():
        with torch.inference_mode():
            h = x * scale if scale != 1 else x
            if mean is not None:
                h = (h - mean) * inv
            a = model.stages[0](model.stem(h))
            z = model.exits[0](a)
            p = F.softmax(z, 1)
            logp = F.log_softmax(z, 1)
            entropy = -(logp.exp() * logp).sum(1)
            return p, entropy, a

    for _ in range(20):
        prefix()
    times = []
    start = time.perf_counter()
    while len(times) < 20 or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        prefix()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"RESULT torch_prefix_latency_b1_ms {times[len(times) // 2]:.4f}")
    print(f"RESULT torch_prefix_latency_b1_p99_ms {times[min(len(times) - 1, int(len(times) * 0.99))]:.4f}")
    print(f"RESULT torch_prefix_peak_rss_mb {rss_mb:.1f}")
    print(f"# torch {torch.__version__}, {threads} thread(s)")


if __name__ == "__main__":
    main()
