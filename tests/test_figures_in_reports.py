"""One truth per figure: only `reports/` aggregates domain rows into figures for display.

Everything outside it that calls an aggregate is listed here with the reason it is not a
report figure; a new aggregate elsewhere fails this test until it moves into the catalog
or earns a line below.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGGREGATES = {"Count", "Sum", "Avg", "Min", "Max", "StdDev", "Variance", "aggregate"}

# (module, function) → why the aggregate there is not a figure the reports cite.
ALLOWED = {
    ("associations/selectors.py", "subtree_level_counts"): "what a move takes, in its preview",
    ("members/restructuring.py", "first_year"): "the first year a move changes, in its preview",
    ("activities/restructuring.py", "first_year"): "the first year a move changes, too",
    ("associations/selectors.py", "children_with_counts"): "the tree's child count per row",
    ("associations/selectors.py", "children_with_counts_in_subtree"): "the tree's child count",
    ("members/selectors.py", "liaison_candidates"): "who already liaises, per picker row",
    ("members/selectors.py", "member_groups"): "a group's size on its own row",
    ("activities/selectors.py", "project_rows"): "aid rows per project, a list column",
    ("activities/selectors.py", "aid_totals"): "one project's own aid, on its page",
    ("activities/selectors.py", "ledger_totals"): "the footer of the rows the ledger lists",
    ("activities/selectors.py", "project_funding_totals"): "one project's own funding",
    ("activities/services.py", "_validate_project"): "validation: aid dates within the project",
    ("activities/services.py", "_write_items"): "validation: scored items stay",
    ("activities/imports/ledger.py", "with_ordinals"): "matching identical ledger lines",
}


def _aggregate_calls(path: Path) -> set[str]:
    """Names of the top-level functions (or methods) in `path` that call an aggregate."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for call in ast.walk(node):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in AGGREGATES:
                found.add(node.name)
    return found


def _modules_outside_reports() -> list[Path]:
    modules = []
    for app in ("associations", "members", "activities", "config"):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            # Migrations move data; demo seeders and backups print what they wrote.
            if "migrations" in relative.parts or path.stem.startswith("demo"):
                continue
            if path.stem in {"backups", "seed_demo"}:
                continue
            modules.append(path)
    return modules


def test_no_module_outside_reports_aggregates_rows_for_display():
    found = {
        (str(path.relative_to(ROOT)), function)
        for path in _modules_outside_reports()
        for function in _aggregate_calls(path)
    }
    assert found - ALLOWED.keys() == set(), "aggregate outside reports/: move it to the catalog"
    assert ALLOWED.keys() - found == set(), "allowed aggregate no longer exists: drop its line"
