#!/usr/bin/env bash
# Trains the four models of a Fashion-MNIST reproduction (Baseline, BN, CN, CN+C) with the classynet CLI, one after
# the other, resumable model by model: a finished model (its zip exists) is skipped, an interrupted one continues
# from its checkpoint. Then calibrates the early-exit models' thresholds on the held-out validation split (never the
# test set) into <mode>-calibrated.zip.
#   docs/reproduction/train-models.sh <preset> <epochs> <out-folder> [classynet command]
# e.g. docs/reproduction/train-models.sh r20-3exit 5 runs/r20-5ep
#      docs/reproduction/train-models.sh resnet110-7exit 3 runs/r110-3ep
# TRAIN_ARGS adds options to every train command, e.g. TRAIN_ARGS="--train-limit 12000" for a documented subset.
set -euo pipefail
preset="$1"; epochs="$2"; out="$3"
CLI="${4:-dotnet run --project cli/ClassyNet.Cli -c Release --}"
mkdir -p "$out"
for mode in baseline bn cn cn+c; do
  name="${mode/+/}"
  zip="$out/$name.zip"
  if [ -f "$zip" ]; then echo "== $mode: $zip exists, skipped"; continue; fi
  resume=()
  [ -f "$zip.ckpt" ] && resume=(--resume)
  echo "== $mode: training ($preset, $epochs epochs) -> $zip"
  $CLI train --dataset fashion-mnist --preset "$preset" --mode "$mode" --epochs "$epochs" --out "$zip" ${TRAIN_ARGS:-} "${resume[@]}" 2>&1 | tee "$out/$name.train.log"
done
for mode in bn cn cn+c; do
  name="${mode/+/}"
  cal="$out/$name-calibrated.zip"
  [ -f "$cal" ] && { echo "== $mode: $cal exists, skipped"; continue; }
  $CLI calibrate "$out/$name.zip" --dataset fashion-mnist --max-accuracy-drop 0.01 --out "$cal" 2>&1 | tee "$out/$name.calibrate.log"
done
