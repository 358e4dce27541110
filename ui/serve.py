"""Start the dashboard with its libraries already loaded.

    python -m ui.serve [options of `streamlit run`]

``scripts/run.sh`` starts the dashboard this way: pandas, pyarrow, plotly, DuckDB, SciPy's
special functions and every module the pages use are imported before the server listens,
so the first visitor does not wait for them on the first page view (about 2 s on a small
machine). ``streamlit run app.py`` serves the same dashboard; only its first view is slower.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Libraries the pages use, loaded before the analytics and ui modules that import them.
LIBRARIES = ("pandas", "pyarrow", "duckdb", "plotly.graph_objects", "plotly.io", "scipy.special")


def preload() -> list[str]:
    """Import the libraries and every ``analytics`` and ``ui`` module, subpackages
    included (not ``__main__`` entry points); the names imported, in order."""
    import analytics
    import ui

    names = list(LIBRARIES)
    for package in (analytics, ui):
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            if not module.name.endswith(("__main__", ".serve")):
                names.append(module.name)
    for name in names:
        importlib.import_module(name)
    _first_view_setup()
    return names


def _first_view_setup() -> None:
    """What Streamlit does once, on the first page view of a server, done before it listens
    (about 1 s of the first visitor's wait at 1M orders): it asks whether it runs in a REPL
    (``inspect.stack()``, which reads the path of every loaded module the first time), and
    it loads its emoji catalog and compiles its regex for the first label that is not ASCII
    (every Chinese one)."""
    from streamlit import env_util, string_util

    env_util.is_repl()
    string_util.extract_leading_emoji("老客")


def main(argv: list[str] | None = None) -> int:
    preload()
    from streamlit.web import cli

    args = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *args]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
