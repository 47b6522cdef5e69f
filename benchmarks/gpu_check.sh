#!/usr/bin/env bash
# One prepared GPU check, about 10 minutes at most on one CUDA machine without network.
#
#   bash benchmarks/gpu_check.sh            # from the repository root; results under $OUT or runs/gpu-check
#
# Stages (each with its own time limit; a failed stage is recorded and the next one runs):
#   env       python, torch, transformers, the GPU (nvidia-smi)
#   pytest    pytest -m gpu (the CUDA and vLLM tests; vLLM ones skip where vllm is not installed)
#   step      the HF backend and one update on CUDA (benchmarks/gpu_step.py), tiny model and SmolLM2
#   train     azr train: one self-play step on CUDA in bfloat16, tiny model and SmolLM2
#   bench     azr bench train on CUDA (rollout next to transformers' generate, update next to TRL)
# SmolLM2 must come as a converted model directory (the GPU machine has no network): $AZR_SMOLLM_DIR, or
# shared/smollm2-135m, or the azr-env cache; without one its stages are skipped with a message.
# Everything lands in one folder: a log per stage and summary.txt (stage, exit status, seconds).
set -u
cd "$(dirname "$0")/.."
OUT="${OUT:-runs/gpu-check}"
mkdir -p "$OUT"
PY="${PYTHON:-python3}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"

stage() {  # stage NAME SECONDS COMMAND...: run with a time limit, log to $OUT/NAME.log, record the result
  local name="$1" limit="$2"
  shift 2
  local started=$SECONDS
  timeout --kill-after=10 "$limit" "$@" > "$OUT/$name.log" 2>&1
  local status=$?
  printf '%-22s exit %-3s %4ss\n' "$name" "$status" "$((SECONDS - started))" | tee -a "$SUMMARY"
}

smollm_dir() {
  for dir in "${AZR_SMOLLM_DIR:-}" shared/smollm2-135m "${AZR_CACHE_DIR:-$HOME/.cache/azr-env}"/models/gguf-b179c9523d0e6a0f; do
    if [ -n "$dir" ] && [ -f "$dir/config.json" ]; then
      echo "$dir"
      return
    fi
  done
}

stage env 30 sh -c "nvidia-smi; $PY -c 'import sys, torch, transformers; print(sys.version); print(torch.__version__, transformers.__version__, torch.cuda.is_available(), torch.cuda.get_device_name() if torch.cuda.is_available() else \"no cuda\")'"
stage pytest 120 "$PY" -m pytest -q -m gpu -p no:cacheprovider tests

MODELS="tiny-random"
SMOLLM="$(smollm_dir)"
if [ -n "$SMOLLM" ]; then
  MODELS="$MODELS $SMOLLM"
else
  echo "smollm2-135m: skipped (no converted model directory: set AZR_SMOLLM_DIR or carry shared/smollm2-135m)" | tee -a "$SUMMARY"
fi

for model in $MODELS; do
  tag="$(basename "$model")"
  stage "step-$tag" 60 "$PY" -m benchmarks.gpu_step "$model" --out "$OUT"
  stage "train-$tag" 90 "$PY" -m azr_env.cli train --model "$model" --device cuda --dtype bfloat16 --steps 1 \
    --batch-size 2 --n-solve-samples 4 --k-references 1 --max-new-tokens 64 --micro-batch-size 4 \
    --tensorboard false --progress false --run-dir "$OUT/train-$tag"
done

stage bench 150 "$PY" -m azr_env.cli bench train --models $MODELS --setups fp32 autocast --batch 8 --new-tokens 64 \
  --micro-batch 4 --repeats 2 --shared --device cuda
echo "results in $OUT" | tee -a "$SUMMARY"
