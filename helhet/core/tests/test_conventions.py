"""House rules the type checker does not enforce by itself (CONTRIBUTING.md, «Types»)."""

import ast
from pathlib import Path

import helhet

ROOT = Path(helhet.__file__).parent


def _public_functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def test_every_service_takes_keyword_arguments_only():
    # A write called with its arguments in the wrong order (the person and the
    # actor swapped, say) must fail at the call, not store the wrong thing.
    positional = [
        f"{path.relative_to(ROOT.parent)}: {node.name}({', '.join(a.arg for a in node.args.args)})"
        for path in sorted(ROOT.glob("*/services.py"))
        for node in _public_functions(path)
        if node.args.posonlyargs or node.args.args
    ]
    assert positional == [], "Services take keyword-only arguments (def f(*, ...)):\n" + "\n".join(
        positional
    )


def test_services_and_rules_are_found():
    # The rule above must not pass by finding nothing.
    assert len(list(ROOT.glob("*/services.py"))) >= 15
    assert sum(len(_public_functions(p)) for p in ROOT.glob("*/services.py")) >= 150
