#!/bin/bash
# MedCoDi batch CLI as a SLURM job array: task k (0-based) runs shard k+1/N of one run.
#
#   sbatch deploy/slurm-array.sh                 # submits N = 8 tasks
#   sbatch --array=3 deploy/slurm-array.sh       # re-run one shard: it resumes, finished cases are skipped
#   node cli/dist/medcodi-batch.mjs verify --out "$RUN_DIR"    # after all tasks: every case present and intact
#
# Needs Node ≥ 20.19 on the nodes and this repository with `npm ci` and `npm run cli:build` done, on a shared
# filesystem. All tasks write into one folder; files are named by case index, so the folder becomes exactly the
# unsharded run. Keep every option except --shard identical across tasks (including --threads and --run-date).
#SBATCH --job-name=medcodi-batch
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
#SBATCH --mem=6G
#SBATCH --time=12:00:00
#SBATCH --output=logs/medcodi-batch_%A_%a.out
set -euo pipefail

SHARDS=${SLURM_ARRAY_TASK_COUNT:-8}
RUN_DIR=${RUN_DIR:-$PWD/runs/run-001}
REPO=${REPO:-$PWD}

cd "$REPO"
mkdir -p logs "$RUN_DIR"
node cli/dist/medcodi-batch.mjs generate \
  --model models-manifest.json \
  --direction "T>F+L" \
  --count 10000 \
  --seed 20261127 \
  --steps 50 \
  --threads "${SLURM_CPUS_PER_TASK:-4}" \
  --dicom \
  --run-date 2026-11-27 \
  --shard "$((SLURM_ARRAY_TASK_ID + 1))/${SHARDS}" \
  --out "$RUN_DIR"
# GPU partitions: add `#SBATCH --gres=gpu:1` and `--backend webgpu` (needs the Vulkan loader and the GPU's ICD).
