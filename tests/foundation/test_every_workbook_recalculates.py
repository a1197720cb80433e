"""Every workbook the product writes, recalculated in LibreOffice (forced, and proven by
the canary of tests/recalc.py), holds in every formula cell the value Python cached
(|Δ| ≤ 1e-9 relative) and no error: the template, the master after a run and after
version save, approve + activate and transfer (with its version tabs), every sales
assistant's workbook in a first month and in a second month where last month's forecast
exists, the meeting packs and the transfer export — two months of the demo company."""

from __future__ import annotations

import pytest
from recalc import compare, recalculate_all, soffice_available

from sop_xl import contract

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not soffice_available(), reason="needs LibreOffice")]


def test_every_workbook_recalculates_to_the_values_python_cached(demo_months, tmp_path):
    kinds = demo_months.kinds()
    files = [p for paths in kinds.values() for p in paths]
    recalculated = dict(zip(files, recalculate_all(files, tmp_path), strict=True))
    counts: dict[str, int] = {}
    version_tabs = 0
    gaps = 0
    for kind, paths in kinds.items():
        counts[kind] = 0
        for path in paths:
            # an assistant's forecast line is #N/A where nothing is typed yet: a gap in
            # the chart, cached as #N/A by Python too
            intended = frozenset({"#N/A"}) if kind.startswith("assistant") else frozenset()
            c = compare(path, recalculated[path], intended_errors=intended)
            assert c.bad == [], f"{path.name}: {len(c.bad)} differ, e.g. {c.bad[:5]}"
            counts[kind] += c.checked
            gaps += c.intended_errors
            version_tabs += sum(n for s, n in c.by_sheet.items() if contract.is_plan_tab(s))
    width = max(map(len, kinds))
    print("\nformula cells recalculated by LibreOffice, per workbook kind:")
    for kind, n in counts.items():
        print(f"  {kind:<{width}}  {len(kinds[kind]):>2} file(s)  {n:>7,}")
    print(f"  (of them in plan version tabs: {version_tabs}; #N/A chart gaps: {gaps})")
    assert counts["master after run"] > 40_000
    for kind in ("master after version save", "master after approve and activate",
                 "master after transfer"):
        assert counts[kind] > 20_000, kind
    assert counts["assistant workbook, first month"] > 500
    assert counts["assistant workbook, second month"] > 500
    assert counts["meeting pack"] > 100
