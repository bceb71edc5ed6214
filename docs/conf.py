"""Sphinx configuration for the seve documentation.

Build with: sphinx-build -W --keep-going -b html docs docs/_build/html
No extension may need the network (no intersphinx): the build runs offline.
"""

from __future__ import annotations

import re
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def _read_version() -> str:
    """Read ``__version__`` from the source tree, without importing seve."""
    text = (_ROOT / "src" / "seve" / "_version.py").read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    if match is None:
        raise RuntimeError("no __version__ in src/seve/_version.py")
    return match.group(1)


# -- Project -----------------------------------------------------------------

project = "seve"
author = "The seve developers"
copyright = "The seve developers, licensed under the EUPL-1.2"
release = _read_version()
version = ".".join(release.split(".")[:2])
language = "en"

# -- General -----------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]
source_suffix = {
    ".rst": "restructuredtext",
    ".md": "markdown",
}
root_doc = "index"
exclude_patterns = ["_build"]
nitpicky = False

# -- MyST --------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist"]

# -- autodoc / napoleon ------------------------------------------------------

autodoc_typehints = "description"

# -- HTML --------------------------------------------------------------------

html_theme = "alabaster"
html_title = f"seve {release}"
html_static_path: list[str] = []
