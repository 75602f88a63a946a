"""`cjm lsp`: the language server that checks, completes and navigates journey maps as they are typed.

Loaded only by the ``lsp`` command: its imports (pygls, lsprotocol) never
slow down ``cjm validate``.
"""

from __future__ import annotations

import gc

YOUNG_COLLECTION = 10_000  # allocations between two young collections (Python's default is 700)


def serve() -> None:
    """Answer LSP requests on standard input and output until the editor says exit."""
    from cjm.lsp.handlers import build_server

    server = build_server()
    settle()
    server.start_io()


def settle() -> None:
    """Tune the garbage collector for a long-lived process that checks one document after another.

    What start-up made (modules, the validators of the models) lives as long as
    the server: frozen, the collector's full sweeps no longer walk it (they made
    the slowest checks twice as slow). A check makes tens of thousands of
    short-lived objects: young collections run less often.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, 50, 100)
