"""Every PDF goes through ``core.pdf``: one place that sets the base URL, the
static-only URL fetcher and PDF/UA (likestillings- og diskrimineringsloven § 18)."""

import ast
from pathlib import Path

import helhet

ROOT = Path(helhet.__file__).parent


def _imports_weasyprint(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weasyprint"):
            return True
        if isinstance(node, ast.Import) and any(
            a.name.startswith("weasyprint") for a in node.names
        ):
            return True
    return False


def test_only_core_pdf_calls_weasyprint():
    callers = sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if _imports_weasyprint(ast.parse(path.read_text(encoding="utf-8")))
    )
    assert callers == ["core/pdf.py"]


def test_every_html_document_gets_the_base_url():
    tree = ast.parse((ROOT / "core" / "pdf.py").read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "HTML"
    ]
    assert calls and all("base_url" in {k.arg for k in call.keywords} for call in calls)
