"""The least work envlint must do on a repository, as ../shared/docs/performance.md measures it:
load every YAML file with PyYAML's C loader, parse every requirement with `packaging`, read every
Dockerfile. No rule, no location, no report: a floor to compare envlint with, not a linter.
With --code it also parses every .py file's syntax tree, as envlint's code scan must (issue 8).

    python benchmarks/least_work.py [--code] DIR
"""

from __future__ import annotations

import os
import sys

import yaml
from packaging.requirements import InvalidRequirement, Requirement

SKIP = {".git", ".venv", "venv", "node_modules", "__pycache__"}


def main(root: str, code: bool = False) -> int:
    if code:
        import ast
    parsed = 0
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if d not in SKIP]
        for name in files:
            path = os.path.join(directory, name)
            if name.endswith((".yaml", ".yml")):
                with open(path, "rb") as stream:
                    yaml.load(stream, Loader=yaml.CSafeLoader)
            elif name.startswith("requirements") and name.endswith(".txt"):
                with open(path, encoding="utf-8") as stream:
                    for line in stream:
                        line = line.split("#", 1)[0].strip()
                        if line and not line.startswith("-"):
                            try:
                                Requirement(line)
                            except InvalidRequirement:
                                pass
            elif name == "Dockerfile":
                with open(path, encoding="utf-8") as stream:
                    stream.read().splitlines()
            elif code and name.endswith(".py"):
                with open(path, "rb") as stream:
                    ast.parse(stream.read())
            else:
                continue
            parsed += 1
    print(f"{parsed} files")
    return 0


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--code"]
    sys.exit(main(arguments[0] if arguments else ".", "--code" in sys.argv[1:]))
