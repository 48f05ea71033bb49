"""The layout holds: import contracts, settings in one place, public Dagster APIs only, and
SQL on the catalog schema only under catalog/ (../shared/ARCHITECTURE.md).

The import contracts live in pyproject.toml ([tool.importlinter]) and `make lint` runs
them too; here they are also shown to catch a planted violation, so a contract that
silently stopped matching anything cannot pass for a kept one.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT

PACKAGES = ("anonymization", "metadata", "quality", "catalog", "civic_assets", "api")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# what no scan looks into: environments, caches, build output, local data
NOT_SOURCE = {".venv", ".git", "var", "target", "logs", "dbt_packages", "__pycache__",
              ".mypy_cache", ".ruff_cache", ".import_linter_cache", ".pytest_cache",
              "node_modules"}


def _lint_imports(cwd: Path, *contract_ids: str) -> subprocess.CompletedProcess[str]:
    limits = [arg for cid in contract_ids for arg in ("--contract", cid)]
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *limits],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def test_import_contracts_are_kept():
    result = _lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("package", "planted", "contract"), [
    ("api", "import dagster", "api-no-pipeline"),
    ("api", "from civic_assets import settings", "api-no-pipeline"),
    ("metadata", "import psycopg", "pure-libraries"),
    ("quality", "import sqlalchemy", "pure-libraries"),
    ("anonymization", "import fastapi", "pure-libraries"),
    ("quality", "import dagster_dbt", "pure-libraries"),
    ("anonymization", "from metadata import specs", "anonymization-standalone"),
    ("metadata", "import quality", "metadata-over-anonymization"),
    ("quality", "import catalog", "quality-over-metadata"),
    ("catalog", "import dagster", "catalog-no-pipeline-no-web"),
])
def test_contract_catches_a_planted_import(tmp_path, package, planted, contract):
    for name in PACKAGES:
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    init = tmp_path / package / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + f"\n{planted}\n", encoding="utf-8")

    result = _lint_imports(tmp_path, contract)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout and "1 broken" in result.stdout
    imported = planted.split()[1]
    assert f"{package} -> {imported}" in result.stdout, result.stdout


def _files(suffix: str, *, outside: tuple[str, ...]) -> Iterator[Path]:
    for path in sorted(PROJECT_ROOT.rglob(f"*{suffix}")):
        relative = path.relative_to(PROJECT_ROOT)
        if NOT_SOURCE.intersection(relative.parts) or relative.parts[0] in outside:
            continue
        yield path


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(PROJECT_ROOT)}:{line}"


SETTINGS_MODULES = {Path("civic_assets/settings.py"), Path("api/core/config.py")}
_READS_ENVIRONMENT = re.compile(
    r"\bos\.environ\b|\bos\.getenv\b|\bfrom os import\b.*\b(environ|getenv)\b")


def test_only_the_settings_modules_read_the_environment():
    found = [
        _where(path, number)
        for path in _files(".py", outside=("tests",))
        if path.relative_to(PROJECT_ROOT) not in SETTINGS_MODULES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _READS_ENVIRONMENT.search(line)
    ]
    assert found == [], "read the environment in civic_assets/settings.py or api/core/config.py"


# spelled in two parts so that this file does not match itself
_PRIVATE_DAGSTER = re.compile("dagster" + r"\._")


def test_only_public_dagster_apis():
    found = [
        _where(path, number)
        for suffix in (".py", ".yaml", ".yml", ".toml", ".md", ".cfg")
        for path in _files(suffix, outside=())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _PRIVATE_DAGSTER.search(line)
    ]
    assert found == []


_SQL_KEYWORD = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN|INTO|CREATE|ALTER|DROP|GRANT|REVOKE|TRUNCATE"
    r"|CALL|LOCK)\b")
_CATALOG_RELATION = re.compile(r"\bcatalog\.[a-z_]+")


def _catalog_sql_in_python(path: Path) -> Iterator[int]:
    """Lines of string literals that are SQL naming a catalog relation, and of
    `sql.Identifier("catalog", ...)` compositions."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            # upper-case keywords: SQL, not prose that mentions a table in a docstring
            if _CATALOG_RELATION.search(node.value) and _SQL_KEYWORD.search(node.value):
                yield node.lineno
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "Identifier" and node.args
              and isinstance(node.args[0], ast.Constant) and node.args[0].value == "catalog"):
            yield node.lineno


def test_sql_on_the_catalog_schema_only_under_catalog():
    # tests read the registry to check what the code wrote; they are not its writers
    outside = ("catalog", "tests")
    found = [_where(path, line) for path in _files(".py", outside=outside)
             for line in _catalog_sql_in_python(path)]
    found += [_where(path, 1) for path in _files(".sql", outside=outside)
              if _CATALOG_RELATION.search(path.read_text(encoding="utf-8"))]
    assert found == [], "SQL on the catalog schema belongs in a catalog/ module"
