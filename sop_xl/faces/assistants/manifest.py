"""The control sheet of a workbook that sop_xl sends out (assistant workbooks, meeting packs).

A very hidden sheet (Excel shows it in no menu) holds a JSON document saying what the
workbook is, for which month, and what its protected cells held; its SHA-256 sits beside
it, so an edited or truncated control sheet is noticed. It guards against accidents and
mix-ups (the wrong month, a cell typed over), not against someone set on forging a file.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sop_xl.workbook.backend import Backend

MANIFEST_SHEET = "_sop_xl"
_CHUNK = 30_000  # characters per cell (Excel holds up to 32,767)
_HEAD = "sop_xl control sheet: identifies this workbook; do not edit"


class ManifestDamaged(ValueError):
    """The control sheet is there but does not match its checksum or is not JSON."""


def write_manifest(workbook: Any, data: dict[str, Any]) -> None:
    """Add the control sheet to an xlsxwriter ``Workbook``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    ws = workbook.add_worksheet(MANIFEST_SHEET)
    ws.very_hidden()
    ws.write_string(0, 0, _HEAD)
    ws.write_string(0, 1, hashlib.sha256(text.encode("utf-8")).hexdigest())
    for k, start in enumerate(range(0, len(text), _CHUNK), start=1):
        ws.write_string(k, 0, text[start:start + _CHUNK])


def read_manifest(backend: Backend) -> dict[str, Any] | None:
    """The control sheet's document; None when the workbook has no control sheet."""
    if MANIFEST_SHEET not in backend.sheet_names():
        return None
    rows = backend.read_sheet(MANIFEST_SHEET).rows
    if not rows or len(rows[0]) < 2:
        raise ManifestDamaged("no checksum")
    text = "".join(str(r[0]) for r in rows[1:] if r and r[0] not in (None, ""))
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != str(rows[0][1]):
        raise ManifestDamaged("checksum differs")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestDamaged(str(exc)) from None
    if not isinstance(data, dict):
        raise ManifestDamaged("not a JSON object")
    return data
