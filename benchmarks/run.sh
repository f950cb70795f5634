#!/usr/bin/env bash
# Runs the ClassyNet.MLNet quick benchmark and the PyTorch counterpart, then prints ours / PyTorch ratios.
#   benchmarks/run.sh [seconds-per-measurement]      (default 3)
# Needs the .NET SDK and /usr/bin/python3 with PyTorch (CPU). Run on a quiet machine.
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
    ("train_samples_per_s", True, ">= 1.0x"),
    ("latency_b1_all_exits_ms", False, "<= 0.2x"),
    ("latency_b1_exit1_ms", False, "<= 0.2x"),
    ("latency_b1_all_exits_1thread_ms", False, "<= 0.2x"),
    ("latency_b1_exit1_1thread_ms", False, "<= 0.2x"),
    ("infer_b256_samples_per_s", True, ">= 1.0x"),
    ("sgemm_512_gflops", True, ">= 0.8x"),
    ("alloc_bytes_per_train_step", False, "< 1 MB"),
]
print("| metric | ours | PyTorch | ratio (ours/PyTorch) | target | met? |")
print("|---|---|---|---|---|---|")
for name, _, target in rows:
    a, b = ours.get(name, math.nan), torch.get(name, math.nan)
    ratio = a / b if b and not math.isnan(b) else math.nan
    if name == "alloc_bytes_per_train_step":
        met = a < 1_000_000
    else:
        bound = float(target.split()[1].rstrip("x"))
        met = ratio >= bound if target.startswith(">=") else ratio <= bound
    print(f"| {name} | {a:.3f} | {b:.3f} | {ratio:.3f} | {target} | {'yes' if met else 'no'} |")
PY
