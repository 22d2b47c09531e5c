#!/usr/bin/env bash
# Create .venv from Python 3.10 (Rasa 3.6 supports 3.8-3.10 only) and install the
# pinned packages. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  local candidate
  for candidate in "${PYTHON:-}" python3.10 "$HOME/.pyenv/versions/3.10.13/bin/python"; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    candidate=$(PYENV_VERSION=3.10.13 pyenv which python 2>/dev/null || true)
    [ -n "$candidate" ] && { echo "$candidate"; return 0; }
  fi
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  python310=$(find_python310) || {
    echo "Python 3.10 is required (Rasa 3.6 runs on 3.8-3.10). Install it, e.g. 'pyenv install 3.10.13'," >&2
    echo "or point PYTHON at a 3.10 interpreter." >&2
    exit 1
  }
  echo "Creating .venv with $python310"
  rm -rf .venv
  "$python310" -m venv .venv
fi

.venv/bin/python -m pip install --quiet --upgrade "pip<24.1"
.venv/bin/python -m pip install --quiet -r requirements.txt -c constraints.txt
echo "Environment ready: $(.venv/bin/python --version), rasa $(.venv/bin/python -c 'import rasa; print(rasa.__version__)' 2>/dev/null)"
