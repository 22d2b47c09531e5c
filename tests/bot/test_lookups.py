"""data/lookups.yml is derived from the knowledge files and must not drift from them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_lookup_tables_match_the_knowledge_files():
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_lookups.py"), "--check"], cwd=ROOT)
    assert check.returncode == 0, "data/lookups.yml is stale: run scripts/generate_lookups.py"
