#!/usr/bin/env bash
# gpu: AZR self-play with verl 0.9.1 on several nodes. Start Ray first, with azr-env[verl] installed on every node:
#   node 0:  ray start --head --port=6379
#   node i:  ray start --address=HEAD_IP:6379
# then on node 0:  NNODES=4 GPUS=8 bash examples/verl/run_multi_node.sh [overrides]
# The self-play service (buffer, judge) is one named actor for the whole job; azr.executor_backend=ray spreads the
# sandboxed executions over every node's CPUs (azr_env.executor.ray_backend.RayExecutor).
set -euo pipefail
cd "$(dirname "$0")/../.."
python examples/verl/make_data.py --out data/azr
python -m verl.trainer.main_ppo --config-path "$PWD/examples/verl" --config-name azr_selfplay \
    trainer.nnodes="${NNODES:-2}" trainer.n_gpus_per_node="${GPUS:-8}" azr.executor_backend=ray \
    +ray_kwargs.ray_init.address=auto "$@"
