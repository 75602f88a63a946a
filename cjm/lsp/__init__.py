"""`cjm lsp`: the language server that checks, completes and navigates journey maps as they are typed.

Loaded only by the ``lsp`` command: its imports (pygls, lsprotocol) never
slow down ``cjm validate``.
"""

from __future__ import annotations


def serve() -> None:
    """Answer LSP requests on standard input and output until the editor says exit."""
    from cjm.lsp.handlers import build_server

    build_server().start_io()
