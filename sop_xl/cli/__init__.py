"""Sub-command groups of ``sop-xl`` beyond the cycle steps (versions, transfer, excel, ...).

Each module here has ``register(subparsers)`` adding its commands; list it in MODULES.
"""

from __future__ import annotations

import importlib

MODULES: tuple[str, ...] = ("versions", "transfer", "assistants", "meeting", "excel",
                           "language", "imports")


def register_all(subparsers) -> None:
    for name in MODULES:
        importlib.import_module(f"sop_xl.cli.{name}").register(subparsers)
