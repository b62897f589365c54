"""Shape of ``airflow_provider_tiktok.testing``: the emulator imports no Airflow and none of the helpers.

(No import circle and no module over 400 lines: ``tests/test_architecture.py`` checks the whole package.)
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import airflow_provider_tiktok.testing.emulator as emulator_pkg

EMULATOR = Path(emulator_pkg.__file__).parent
HELPERS = tuple(f"airflow_provider_tiktok.testing.{name}" for name in ("context", "dagrun", "demo", "pytest_plugin"))


def test_emulator_and_package_import_no_airflow():
    code = (
        "import sys, airflow_provider_tiktok.testing.emulator, airflow_provider_tiktok.testing\n"
        "bad = [m for m in sys.modules if m == 'airflow' or m.startswith('airflow.')]\n"
        "assert not bad, bad[:5]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_emulator_imports_only_itself_the_spec_and_the_stdlib():
    """Every import statement (also under ``if TYPE_CHECKING:`` and in functions) of the emulator package."""
    seen = set()
    for path in EMULATOR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0 and node.module, f"{path}: relative import"
                names = [node.module]
            else:
                continue
            for name in names:
                seen.add(name)
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name.startswith(
                    ("airflow_provider_tiktok.testing.emulator", "airflow_provider_tiktok.api.spec",
                     # the metric and entity catalogs: stdlib + api.spec only (tests/api/test_catalog.py)
                     "airflow_provider_tiktok.api.marketing.catalog",
                     "airflow_provider_tiktok.api.marketing.entities_catalog")
                ) or name in ("airflow_provider_tiktok.api", "airflow_provider_tiktok.api.marketing"), \
                    f"{path.name} imports {name}"
                assert not name.startswith(HELPERS), f"{path.name} imports {name}"
    assert "airflow_provider_tiktok.testing.emulator.core" in seen
