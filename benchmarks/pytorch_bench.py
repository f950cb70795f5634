#!/usr/bin/env python3
"""PyTorch counterpart of the ClassyNet.MLNet quick benchmark (benchmarks/ClassyNet.MLNet.Benchmarks, --quick).

Measures the same things on the same R20-3E (ResNet-20, exits after layers 7, 13, 20; 1x28x28 inputs; ten
classes; exit loss weights 0.4/0.3/0.3; Adam lr 1e-3) with torch.set_num_threads(2):

  1. training samples/s of the plain loop (batch 64: forward all exits, weighted CE, backward, Adam step); the .NET
     side runs the ClassyNet trainer (BoC, cost matrices, masking) against it
  2. batch-1 latency through all exits and of the exit-1 prefix (eval, no grad; median), also on one thread
  3. batch-256 inference samples/s (all exits)
  4. bytes allocated per training step: not measurable for PyTorch's native allocator; reported as nan
The early-exit and memory figures of the .NET side have no PyTorch counterpart (they are compared with the MAC
ratio and with absolute targets).

    /usr/bin/python3 benchmarks/pytorch_bench.py [seconds-per-measurement]

Prints a table and `RESULT name value` lines (same names as the .NET quick mode).
"""
import math
import os
import statistics
import sys
import time

import torch

# The R20-3E module layout is defined once, in the script that makes the parity fixtures.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "ClassyNet.MLNet.Tests", "Fixtures"))
from make_r20_fixtures import R20, weighted_loss  # noqa: E402


class R20ThreeExit(R20):
    """R20-3E with a forward pass that stops at exit 1 (stem, stage 1, exit 1)."""

    def forward_exit1(self, x):
        return self.exits[0](self.stages[0](self.stem(x)))


def measure(fn, seconds):
    """Warm up, then time single calls for about `seconds`; returns (mean, median) seconds per call."""
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < min(1.0, seconds / 3):
        fn()
        calls += 1
    times = []
    total = time.perf_counter()
    while len(times) < 5 or time.perf_counter() - total < seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sum(times) / len(times), statistics.median(times)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    torch.set_num_threads(2)
    torch.manual_seed(1)
    model = R20ThreeExit()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x_train = torch.randn(64, 1, 28, 28)
    y_train = torch.arange(64) % 10
    x_one = torch.randn(1, 1, 28, 28)
    x_batch = torch.randn(256, 1, 28, 28)

    def train_step():
        model.train()
        opt.zero_grad()
        logits = model(x_train)
        loss = weighted_loss(logits, y_train)
        loss.backward()
        opt.step()

    def infer(x):
        model.eval()
        with torch.no_grad():
            return model(x)

    def exit1():
        model.eval()
        with torch.no_grad():
            return model.forward_exit1(x_one)

    results = []
    mean, _ = measure(train_step, seconds)
    results.append(("train_samples_per_s", 64 / mean, "samples/s"))
    _, median = measure(lambda: infer(x_one), seconds)
    results.append(("latency_b1_all_exits_ms", median * 1e3, "ms"))
    _, median = measure(exit1, seconds)
    results.append(("latency_b1_exit1_ms", median * 1e3, "ms"))
    # The same latencies on one thread: less sensitive to other processes on a shared machine.
    torch.set_num_threads(1)
    _, median = measure(lambda: infer(x_one), seconds)
    results.append(("latency_b1_all_exits_1thread_ms", median * 1e3, "ms"))
    _, median = measure(exit1, seconds)
    results.append(("latency_b1_exit1_1thread_ms", median * 1e3, "ms"))
    torch.set_num_threads(2)
    mean, _ = measure(lambda: infer(x_batch), seconds)
    results.append(("infer_b256_samples_per_s", 256 / mean, "samples/s"))
    results.append(("alloc_bytes_per_train_step", math.nan, "bytes"))

    core = os.environ.get("OPENBLAS_CORETYPE", "auto-detected")
    torch.set_num_threads(2)
    print(f"# PyTorch {torch.__version__} quick benchmark: threads {torch.get_num_threads()}, OPENBLAS_CORETYPE {core}")
    print(f"| {'metric':<28} | {'value':>14} | unit |")
    print(f"|{'-' * 30}|{'-' * 16}|------|")
    for name, value, unit in results:
        print(f"| {name:<28} | {value:14.3f} | {unit} |")
    for name, value, _ in results:
        print(f"RESULT {name} {value!r}")


if __name__ == "__main__":
    main()
