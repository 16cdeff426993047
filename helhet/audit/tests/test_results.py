"""The audit's outcomes have one definition, in the audit app, that depends on no other app."""

import ast
import datetime as dt
import inspect

from helhet.audit import results
from helhet.audit.results import Result
from helhet.intake import rules as intake_rules


def test_results_module_imports_nothing_from_helhet():
    tree = ast.parse(inspect.getsource(results))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported and not [name for name in imported if name.startswith("helhet")]


def test_intake_checks_answer_with_the_audit_outcomes():
    facts = intake_rules.NavFacts(age=25, granted=False, decided_on=dt.date(2026, 3, 2))
    checks = intake_rules.nav_checks(facts)
    assert checks and all(isinstance(check.result, Result) for check in checks)
    assert {str(r) for r in Result} == {"oppfylt", "ikke_oppfylt", "ikke_aktuelt"}
