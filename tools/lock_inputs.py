"""The inputs of the lock files in requirements/, and whether a lock file still matches them.

tools/lock writes the digest of what pyproject.toml asks for (dependencies, extras, build
requirements, Python version) into the first line of each lock file; tools/bootstrap refuses to
install from a lock file whose digest no longer matches, so a dependency added to pyproject.toml
without running tools/lock fails loudly instead of being left out of the installation.

Standard library only: tools/bootstrap runs this before anything is installed.

    python tools/lock_inputs.py build-requires   # the [build-system] requirements, one a line
    python tools/lock_inputs.py digest           # the digest tools/lock writes
    python tools/lock_inputs.py check FILE...    # exit 1 if a lock file is out of date
"""

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "# pyproject-inputs-sha256: "


def _pyproject() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def build_requires() -> list[str]:
    return list(_pyproject()["build-system"]["requires"])


def digest() -> str:
    data = _pyproject()
    project = data["project"]
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {
            extra: sorted(reqs) for extra, reqs in project.get("optional-dependencies", {}).items()
        },
        "build-system": sorted(data["build-system"]["requires"]),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def check(paths: list[str]) -> int:
    expected = digest()
    stale = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            first = f.readline().rstrip("\n")
        if first != MARKER + expected:
            stale.append(path)
    if stale:
        print(
            f"{', '.join(stale)} does not match the dependencies in pyproject.toml: "
            "run tools/lock and commit the result (see CONTRIBUTING.md, «The lock file»).",
            file=sys.stderr,
        )
        return 1
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["build-requires"]:
        print("\n".join(build_requires()))
        return 0
    if argv[:1] == ["digest"]:
        print(digest())
        return 0
    if argv[:1] == ["check"] and len(argv) > 1:
        return check(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
