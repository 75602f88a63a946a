"""cjm: customer journey maps as code.

The Python API is :mod:`cjm.api` (``load``, ``validate``, ``render``, ``diff``,
``evidence``; docs/api.md). ``cjm.load`` is here too. Both are imported on first
use, so ``import cjm`` stays as cheap as the version number.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `import cjm` loads nothing else

__version__ = "0.1.0"
__all__ = ["__version__", "api", "load"]

if TYPE_CHECKING:
    from typing import Any

    from cjm import api as api
    from cjm.api import load as load


def __getattr__(name: str) -> Any:
    """``cjm.api`` and ``cjm.load`` on first use (PEP 562), so the package imports nothing else up front."""
    if name in ("api", "load"):
        import importlib

        module = importlib.import_module("cjm.api")
        return module if name == "api" else module.load
    raise AttributeError(f"module 'cjm' has no attribute {name!r}")
