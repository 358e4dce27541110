"""ui/serve.py: the dashboard's launcher loads what the pages import before it listens."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from ui import serve

ROOT = Path(__file__).resolve().parents[1]


def _page_imports() -> set[str]:
    """The analytics and ui modules app.py and the pages import."""
    names = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("analytics", "ui"):
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("analytics.", "ui.")
            ):
                names.add(node.module)
    return names


def test_preload_imports_every_module_the_pages_use_and_the_libraries_first():
    names = serve.preload()
    wanted = _page_imports()
    assert len(wanted) > 20  # the parse found the pages' imports
    assert wanted <= set(names), wanted - set(names)
    assert names[: len(serve.LIBRARIES)] == list(serve.LIBRARIES)
    assert "ui.serve" not in names and "analytics.__main__" not in names
    assert all(name in sys.modules for name in names)


def test_the_launcher_runs_app_py_with_the_given_options(monkeypatch):
    seen = {}
    from streamlit.web import cli

    monkeypatch.setattr(cli, "main", lambda: seen.setdefault("argv", list(sys.argv)) and 0)
    monkeypatch.setattr(sys, "argv", ["serve"])
    serve.main(["--server.port", "8600"])
    assert seen["argv"] == ["streamlit", "run", str(ROOT / "app.py"), "--server.port", "8600"]


def test_preload_loads_streamlits_emoji_catalog_before_the_first_chinese_label(monkeypatch):
    # Streamlit reads its emoji catalog on the first non-ASCII label (every Chinese one):
    # half a second of the first visitor's wait unless the launcher has done it.
    monkeypatch.delitem(sys.modules, "streamlit.emojis", raising=False)
    serve.preload()
    assert "streamlit.emojis" in sys.modules
