"""The documentation matches the repository: links resolve, named paths exist, every setting is explained.

Checked in ``README.md`` and ``docs/*.md``:

- every relative link points at an existing file (and a ``#section`` at a heading of it);
- every path in backticks that looks like a repository path (it contains a ``/`` and ends
  with a known extension, a glob or a ``/``) exists, or is one git ignores because it is
  generated (``results/``, ``models/``, ``web/vendor/``);
- the README's tree names existing folders, and every top-level folder and every module
  of ``rasa_extensions/``;
- every setting of ``bot.settings.SETTINGS``, and every ``${VAR}`` Rasa reads from the
  endpoints and credentials files, has its row in the clinic guide's tables.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

from bot.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CLINIC_GUIDE = ROOT / "docs" / "clinic-guide.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
RASA_FILES = sorted(ROOT.glob("endpoints*.yml")) + sorted(ROOT.glob("credentials*.yml"))

EXTENSIONS = (".py", ".yml", ".yaml", ".md", ".sh", ".txt", ".json", ".js", ".css", ".html", ".svg", ".toml",
              ".conf", ".cfg", ".ini", ".example", ".db", ".gz", ".dockerignore")
BARE_NAMES = ("Makefile", "Dockerfile")
# Fenced blocks whose words are commands or file contents; other blocks (text, yaml, mermaid) are not scanned.
COMMAND_FENCES = ("bash", "sh", "shell", "console")

# A fenced block, also indented inside a list item.
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n(?P<body>.*?)^[ \t]*(?P=fence)[ \t]*$", re.M | re.S)
INLINE_CODE = re.compile(r"`([^`]+)`")
LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
NOT_A_PATH = re.compile(r"://|[<>{}$|\\@]")
TREE_ENTRY = re.compile(r"^(?P<indent>(?:[│ ] {3})*)[├└]── (?P<name>\S+)")


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def without_fences(text: str) -> str:
    return FENCE.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def command_fences(text: str) -> list[str]:
    return [match["body"] for match in FENCE.finditer(text) if match["info"].strip().lower() in COMMAND_FENCES]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: links reduced to their text, punctuation dropped, spaces as dashes."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(without_fences(path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def links(text: str) -> list[str]:
    prose = INLINE_CODE.sub("", without_fences(text))
    return LINK.findall(prose)


def candidate_paths(code: str) -> list[str]:
    """The words of a code span that name a file or folder of the repository."""
    paths = []
    for word in code.split():
        word = word.rsplit("=", 1)[-1].strip("\"'()[],;:")
        if "/" not in word or word.startswith(("/", "~", "-", ".venv/")) or NOT_A_PATH.search(word):
            continue
        name = word.rstrip("/").rsplit("/", 1)[-1]
        if word.endswith("/") or "*" in word or name in BARE_NAMES or name.endswith(EXTENSIONS):
            paths.append(word)
    return paths


def exists(path: str) -> bool:
    if "*" in path:
        return any(ROOT.glob(path))
    target = ROOT / path
    return target.is_dir() if path.endswith("/") else target.exists()


def ignored_by_git(paths: list[str]) -> set[str]:
    """Generated paths (results, models, the widget's vendor copy) that git ignores, so a fresh clone lacks them."""
    if not paths:
        return set()
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--stdin"], input="\n".join(paths),
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return set()
    return set(done.stdout.split())


@cache
def tracked_files() -> tuple[str, ...] | None:
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return tuple(done.stdout.split("\n")) if done.returncode == 0 and done.stdout.strip() else None


def table_rows(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("|")]


def readme_tree() -> list[str]:
    """The paths the README's tree names, folders with a trailing slash."""
    for match in FENCE.finditer(README.read_text(encoding="utf-8")):
        if "├── " not in match["body"]:
            continue
        paths, parents = [], []
        for line in match["body"].splitlines():
            entry = TREE_ENTRY.match(line)
            if not entry:
                continue
            depth = len(entry["indent"]) // 4
            parents = parents[:depth]
            paths.append("".join(parents) + entry["name"])
            if entry["name"].endswith("/"):
                parents.append(entry["name"])
        return paths
    return []


@pytest.mark.parametrize("document", DOCUMENTS, ids=relative)
def test_relative_links_point_at_existing_files(document: Path) -> None:
    broken = []
    for target in links(document.read_text(encoding="utf-8")):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            continue
        path, _, fragment = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.exists():
            broken.append(f"{target} (no such file)")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target} (no heading '#{fragment}' in {relative(linked)})")
    assert not broken, f"{relative(document)}: broken links: {broken}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=relative)
def test_paths_in_backticks_exist(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    spans = INLINE_CODE.findall(without_fences(text)) + command_fences(text)
    named = sorted({path for span in spans for path in candidate_paths(span)})
    missing = [path for path in named if not exists(path)]
    missing = [path for path in missing if path not in ignored_by_git(missing)]
    assert not missing, f"{relative(document)} names paths that do not exist: {missing}"


def test_the_readme_tree_names_existing_folders_and_files() -> None:
    tree = readme_tree()
    assert tree, "README.md has no tree (a fenced block with '├── ' lines)"
    missing = [path for path in tree if not exists(path)]
    assert not missing, f"README.md's tree names paths that do not exist: {missing}"


def test_the_readme_tree_is_complete() -> None:
    files = tracked_files()
    if files is None:
        pytest.skip("not a git checkout")
    tree = set(readme_tree())
    top_level = {path.split("/", 1)[0] + "/" for path in files if "/" in path}
    plug_ins = {"rasa_extensions/" + path.split("/")[1] + ("/" if path.count("/") > 1 else "")
                for path in files if path.startswith("rasa_extensions/")} - {"rasa_extensions/__init__.py"}
    left_out = sorted((top_level | plug_ins) - tree)
    assert not left_out, f"README.md's tree leaves out: {left_out} (regenerate it from git ls-files)"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_every_setting_has_its_row_in_the_clinic_guide(setting) -> None:
    rows = [row for row in table_rows(CLINIC_GUIDE) if f"`{setting.name}`" in row]
    assert rows, f"{setting.name} ({setting.meaning}) is missing from the settings table of docs/clinic-guide.md"
    if setting.default:
        assert any(f"`{setting.default}`" in row for row in rows), \
            f"docs/clinic-guide.md: the row of {setting.name} does not give its default `{setting.default}`"
    else:
        assert any("empty" in row.lower() for row in rows), \
            f"docs/clinic-guide.md: the row of {setting.name} does not say that its default is empty"


def rasa_variables() -> list[tuple[str, str]]:
    found = []
    for path in RASA_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            content = re.split(r"(?:^|\s)#", line, maxsplit=1)[0]
            found += [(name, path.name) for name in re.findall(r"\$\{(\w+)\}", content)]
    return sorted(set(found))


def test_rasa_reads_some_variables() -> None:
    assert rasa_variables(), "no ${VAR} found in endpoints*.yml or credentials*.yml"


@pytest.mark.parametrize(("name", "source"), rasa_variables(), ids=lambda value: value)
def test_every_variable_rasa_reads_is_in_the_clinic_guide(name: str, source: str) -> None:
    rows = [row for row in table_rows(CLINIC_GUIDE) if f"`{name}`" in row]
    assert rows, f"${{{name}}} of {source} is missing from the settings tables of docs/clinic-guide.md"
    assert any("Rasa" in row for row in rows), f"docs/clinic-guide.md: mark {name} as read by Rasa itself"


def test_the_readme_links_every_guide() -> None:
    readme = README.read_text(encoding="utf-8")
    for guide in ("docs/clinic-guide.md", "docs/developer-guide.md", "docs/measurements.md",
                  "docs/nlu-annotation-guide.md"):
        assert f"]({guide})" in readme, f"README.md does not link {guide}"
