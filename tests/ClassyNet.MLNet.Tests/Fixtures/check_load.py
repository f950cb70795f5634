#!/usr/bin/env python3
"""Checks that a safetensors file written by ClassyNet.MLNet (TorchSharp.PyBridge) loads into the PyTorch R20-3E.

    python3 check_load.py OURS.safetensors [FIXTURE_DIR]

Parses OURS with the hand-written reader of make_r20_fixtures.py (no `safetensors` package needed), loads it with
load_state_dict(strict=True), checks every value against r20_initial.safetensors (exactly: the C# side saved the state
dict it had loaded from that file), and runs a train-mode forward on
r20_batch.safetensors, comparing the logits of the three exits with r20_expected.safetensors.
Exits 0 when everything matches, 1 with a message on the first mismatch, 2 on bad usage.
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_r20_fixtures import R20, read_safetensors  # noqa: E402


def fail(message):
    print("MISMATCH: " + message, file=sys.stderr)
    sys.exit(1)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    ours_path = argv[1]
    fixtures = argv[2] if len(argv) > 2 else HERE
    torch.set_num_threads(1)

    ours, _ = read_safetensors(ours_path)
    initial, _ = read_safetensors(os.path.join(fixtures, "r20_initial.safetensors"))
    if list(ours) != list(initial):
        fail(f"key order differs from PyTorch's state_dict:\n ours  {list(ours)}\n torch {list(initial)}")

    model = R20()
    try:
        model.load_state_dict(ours, strict=True)
    except RuntimeError as e:
        fail(f"load_state_dict(strict=True) failed: {e}")
    for name, value in model.state_dict().items():
        want = initial[name]
        if tuple(value.shape) != tuple(want.shape):
            fail(f"{name}: shape {tuple(value.shape)} vs {tuple(want.shape)}")
        if not torch.equal(value, want.to(value.dtype)):
            diff = (value.double() - want.double()).abs()
            i = int(diff.argmax())
            fail(f"{name}: element {i}: loaded {value.flatten()[i].item()!r}, expected {want.flatten()[i].item()!r}")

    batch, _ = read_safetensors(os.path.join(fixtures, "r20_batch.safetensors"))
    expected, _ = read_safetensors(os.path.join(fixtures, "r20_expected.safetensors"))
    model.train()
    with torch.no_grad():
        logits = model(batch["input"])
    for i, z in enumerate(logits):
        want = expected[f"logits.{i}"]
        err = (z - want).abs().max().item()
        if err > 1e-5 * max(want.abs().max().item(), 1.0):
            fail(f"logits.{i}: max |diff| {err:.3e} after loading our file")
    print(f"OK: {len(ours)} tensors loaded into PyTorch {torch.__version__} R20-3E with strict=True; logits match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
