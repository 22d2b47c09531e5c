#!/usr/bin/env bash
# Train the model only when its inputs changed. Rasa's own fingerprint decides too,
# but right after a training from scratch its next run still refreshes two components
# (about 80 s); a checksum of every training input, written after a successful
# training, makes "nothing changed" cost nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/backpain.tar.gz
STAMP=models/.inputs-checksum
inputs_checksum() {
  { .venv/bin/python -c "import rasa; print(rasa.__version__)"
    find data domain.yml config.yml -type f -print0 | sort -z | xargs -0 cksum; } | cksum | cut -d' ' -f1
}
current=$(inputs_checksum)
if [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$current" ]; then
  echo "Nothing changed since $MODEL was trained: training skipped."
  exit 0
fi
rm -f "$STAMP"
.venv/bin/rasa train --fixed-model-name backpain --out models "$@"
echo "$current" > "$STAMP"
