#!/usr/bin/env bash
# Runs the ClassyNet.MLNet quick benchmark (TorchSharp, libtorch CPU) and the PyTorch counterpart, then prints
# ours / PyTorch ratios and the absolute figures.
#   benchmarks/run.sh [seconds-per-measurement]      (default 3)
# Needs the .NET SDK and /usr/bin/python3 with PyTorch (CPU); the early-exit and evaluate figures use Fashion-MNIST
# (apt-get install dataset-fashion-mnist) when installed. Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-3}"
PYTHON="${PYTHON:-/usr/bin/python3}"
# OpenBLAS picks its kernels from the CPU model; on VMs with a generic model string ("Intel Xeon Processor") it falls
# back to Prescott (SSE3) kernels. Give PyTorch its best kernel on AVX-512 machines unless the caller chose one.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

dotnet build benchmarks/ClassyNet.MLNet.Benchmarks -c Release -v quiet -nologo >/dev/null
dotnet build cli/ClassyNet.Cli -c Release -v quiet -nologo >/dev/null
dotnet benchmarks/ClassyNet.MLNet.Benchmarks/bin/Release/net10.0/ClassyNet.MLNet.Benchmarks.dll --quick "$SECONDS_EACH" | tee "$OUT/ours.txt"
echo
"$PYTHON" benchmarks/pytorch_bench.py "$SECONDS_EACH" | tee "$OUT/torch.txt"
echo

"$PYTHON" - "$OUT/ours.txt" "$OUT/torch.txt" <<'PY'
import math, sys

def load(path):
    return {p[1]: float(p[2]) for p in (l.split() for l in open(path)) if len(p) == 3 and p[0] == "RESULT"}

ours, torch = load(sys.argv[1]), load(sys.argv[2])
# metric, higher is better?, target (ratio ours/PyTorch unless absolute)
rows = [
    ("train_samples_per_s", ">= 1.0x"),
    ("latency_b1_all_exits_ms", "<= 0.8x"),
    ("latency_b1_exit1_ms", "<= 0.8x"),
    ("latency_b1_all_exits_1thread_ms", "<= 0.8x"),
    ("latency_b1_exit1_1thread_ms", "<= 0.8x"),
    ("infer_b256_samples_per_s", ">= 1.0x"),
]
absolute = [
    ("early_exit_speedup", None),
    ("early_exit_mac_ratio", None),
    ("early_exit_speedup_over_mac_ratio", ">= 0.9"),
    ("predict_loop_rss_growth_mb", "<= 50"),
    ("evaluate_peak_rss_mb", "<= 1024"),
    ("alloc_bytes_per_train_step", None),
]
print("| metric | ours | PyTorch | ratio (ours/PyTorch) | target | met? |")
print("|---|---|---|---|---|---|")
for name, target in rows:
    a, b = ours.get(name, math.nan), torch.get(name, math.nan)
    ratio = a / b if b and not math.isnan(b) else math.nan
    bound = float(target.split()[1].rstrip("x"))
    met = ratio >= bound if target.startswith(">=") else ratio <= bound
    print(f"| {name} | {a:.3f} | {b:.3f} | {ratio:.3f} | {target} | {'yes' if met else 'no'} |")
# The same plain loop as PyTorch's on TorchSharp: its ratio is the engine's; the ClassyNet trainer's ratio to it is ours.
plain = ours.get("train_plain_samples_per_s", math.nan)
print(f"| train_plain_samples_per_s (TorchSharp, PyTorch's loop) | {plain:.3f} | {torch.get('train_samples_per_s', math.nan):.3f} | {plain / torch.get('train_samples_per_s', math.nan):.3f} | | |")
print(f"| ClassyNet trainer / plain TorchSharp loop | {ours.get('train_samples_per_s', math.nan) / plain:.3f} | | | | |")
for name, target in absolute:
    a = ours.get(name, math.nan)
    if target is None:
        print(f"| {name} | {a:.3f} | | | | |")
        continue
    bound = float(target.split()[1])
    met = a >= bound if target.startswith(">=") else a <= bound
    print(f"| {name} | {a:.3f} | | | {target} | {'yes' if met else 'no'} |")
PY
