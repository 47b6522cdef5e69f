#!/usr/bin/env bash
# gpu: AZR self-play with verl 0.9.1 on one node with GPUs. Usage: GPUS=2 bash examples/verl/run_single_node.sh [overrides]
# Needs: pip install torch 'azr-env[verl]' vllm (a CUDA build). verl loads azr-env's plugin itself (azr_trr, azr_*).
set -euo pipefail
cd "$(dirname "$0")/../.."
python examples/verl/make_data.py --out data/azr
python -m verl.trainer.main_ppo --config-path "$PWD/examples/verl" --config-name azr_selfplay \
    trainer.nnodes=1 trainer.n_gpus_per_node="${GPUS:-2}" "$@"
