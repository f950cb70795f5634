#!/usr/bin/env bash
# Edge/cloud split benchmarks (issue 13, Performance), in one sitting:
#   1. the edge program (NativeAOT, ONNX Runtime) running the R20-3E exit-1 part at batch 1: peak RSS and latency,
#      against a PyTorch process running the same prefix with the same weights (benchmarks/pytorch_edge_prefix.py);
#   2. the cloud-part service (classynet serve cloud-part) under 32 concurrent clients: throughput, p50/p99 latency;
#   3. the published edge program's size.
#     benchmarks/edge_cloud.sh [seconds-per-measurement] [requests-per-client]     (defaults 3 and 200)
# MODEL=path.zip reuses an R20-3E model bundle; otherwise one is trained briefly on Fashion-MNIST (weights do not change
# the edge figures; the cloud figures depend on how many samples leave at the cloud's exits). THREADS (default 1) sets
# the edge's and PyTorch's threads. Needs the .NET SDK, a C compiler for NativeAOT, /usr/bin/python3 with PyTorch.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-3}"
REQUESTS="${2:-200}"
THREADS="${THREADS:-1}"
PYTHON="${PYTHON:-/usr/bin/python3}"
if [[ -z "${OPENBLAS_CORETYPE:-}" ]] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
OUT="$(mktemp -d)"
SERVER_PID=""
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT

dotnet build cli/ClassyNet.Cli -c Release -v quiet -nologo >/dev/null
dotnet publish edge/ClassyNet.Edge.App -c Release -r linux-x64 -o "$OUT/edge" -v quiet -nologo >/dev/null
CLI="dotnet cli/ClassyNet.Cli/bin/Release/net10.0/classynet.dll"
EDGE="$OUT/edge/classynet-edge"

MODEL="${MODEL:-}"
if [[ -z "$MODEL" ]]; then
  MODEL="$OUT/r20.zip"
  $CLI train --dataset fashion-mnist --preset r20-3exit --mode cn --train-limit 1024 --epochs 1 --out "$MODEL" >/dev/null
fi
$CLI export edge-part "$MODEL" --split-exit 1 --out "$OUT/pkg" >/dev/null

echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$EDGE" bench --package "$OUT/pkg" --batch 1 --seconds "$SECONDS_EACH" --threads "$THREADS" | tee "$OUT/edge.txt"
"$PYTHON" benchmarks/pytorch_edge_prefix.py "$MODEL" "$SECONDS_EACH" "$THREADS" | tee "$OUT/torch.txt"

export CLASSYNET_API_KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PORT=$((20000 + RANDOM % 20000))
# The package names the model by its file name, which is also serve's default id.
$CLI serve cloud-part --model "$MODEL" --urls "http://127.0.0.1:$PORT" >"$OUT/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$OUT/serve.log" && break
  sleep 0.1
done
grep -q "listening on" "$OUT/serve.log" || { cat "$OUT/serve.log"; exit 1; }
"$EDGE" load --package "$OUT/pkg" --cloud "http://127.0.0.1:$PORT" --clients 32 --requests "$REQUESTS" --batch 1 | tee "$OUT/load.txt"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

binary=$(stat -c %s "$EDGE")
folder=$(du -sb "$OUT/edge" | cut -f1)
echo "RESULT edge_binary_mb $(awk "BEGIN{printf \"%.1f\", $binary/1048576}")"
echo "RESULT edge_publish_folder_mb $(awk "BEGIN{printf \"%.1f\", $folder/1048576}")"
ls -l "$OUT/edge" | awk 'NR>1{printf "#   %s %s\n", $5, $9}'

"$PYTHON" - "$OUT/edge.txt" "$OUT/torch.txt" <<'PY'
import sys
def load(p):
    return {l.split()[1]: float(l.split()[2]) for l in open(p) if l.startswith("RESULT ")}
e, t = load(sys.argv[1]), load(sys.argv[2])
print("| metric | edge (ONNX Runtime, NativeAOT) | PyTorch | ratio | target | met? |")
print("|---|---|---|---|---|---|")
for name, a, b, target in [
    ("peak RSS, batch 1 (MB)", e["edge_peak_rss_mb"], t["torch_prefix_peak_rss_mb"], 0.2),
    ("latency to exit 1, batch 1 (ms, median)", e["edge_latency_b1_exit1_ms"], t["torch_prefix_latency_b1_ms"], 0.25),
]:
    r = a / b
    print(f"| {name} | {a:.3f} | {b:.3f} | {r:.3f} | <= {target} | {'yes' if r <= target else 'no'} |")
PY
