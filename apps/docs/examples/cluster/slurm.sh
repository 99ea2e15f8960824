#!/bin/bash
# Spread a `spec sweep` over a Slurm array job: task k of N runs shard k/N (runs k, k+N, k+2N, … of the grid).
# Every run writes its own file under $OUT/runs/ atomically and finished runs are skipped, so a
# requeued or restarted task only redoes what is missing. Merge when all tasks are done:
#   spec sweep merge "$OUT"            (writes $OUT/summary.csv)
#
# Submit:  sbatch --array=1-8 slurm.sh grid.json results/
# Needs the `spec` command on the compute nodes' PATH (the README's "Use it in your project" says how to install it).
# CI runs this script unchanged on a one-node Slurm cluster (.ci/slurm-sweep.sh), a task killed mid-run included.
#SBATCH --job-name=spec-sweep
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --output=spec-sweep-%A_%a.log
#SBATCH --requeue
set -euo pipefail

GRID=${1:-grid.json}
OUT=${2:-results}

if ! command -v spec >/dev/null 2>&1; then
  echo "error: no spec command on PATH on $(hostname): install spec there (README: 'Use it in your project') or put its folder on PATH" >&2
  exit 2
fi

spec sweep --grid "$GRID" --out "$OUT" --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}"

# Optional: a dependent job that merges once the whole array has finished:
#   sbatch --dependency=afterok:$SLURM_ARRAY_JOB_ID --wrap "spec sweep merge $OUT"
