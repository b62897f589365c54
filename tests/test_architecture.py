"""The layering rules of docs/architecture.md, checked on the source (ast, so imports under TYPE_CHECKING count)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "airflow_provider_tiktok"
NAME = "airflow_provider_tiktok"
GLUE = ("operators", "sensors", "triggers", "cli")
CLIENT_MODULES = ("api.core.client", "api.core.async_client", "api.core.call")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every package module ``path`` imports (from-imports of names resolved to their module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in MODULES}


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _find_cycle() -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if nxt.startswith(node + "."):  # a package importing its own submodule is not a circle
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_no_import_circle_anywhere_in_the_package():
    assert _find_cycle() is None


def test_no_module_over_400_lines():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > 400}
    assert long == {}


@pytest.mark.parametrize("layer", GLUE)
def test_glue_talks_to_the_hook_not_to_clients(layer):
    for name, path in MODULES.items():
        if name.startswith(f"{NAME}.{layer}"):
            banned = {m for m in GRAPH[name] if m.removeprefix(f"{NAME}.") in CLIENT_MODULES}
            assert not banned, (name, banned)
            assert "import tenacity" not in path.read_text(), name


def test_api_and_emulator_import_no_airflow():
    for name, path in MODULES.items():
        if name.startswith((f"{NAME}.api", f"{NAME}.testing.emulator")):
            tree = ast.parse(path.read_text())
            airflow = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                       and any(m == "airflow" or m.startswith("airflow.")
                               for m in ([a.name for a in n.names] if isinstance(n, ast.Import) else [n.module or ""]))]
            assert not airflow, name


def test_only_public_airflow_apis():
    for name, path in MODULES.items():
        text = path.read_text()
        for private in ("SUPERVISOR_COMMS", "SecretCache", "airflow.models", "airflow.sdk.execution_time"):
            assert private not in text, (name, private)
