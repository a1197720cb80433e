"""Reading back what the planner typed into the editable (yellow) cells of output sheets
(demand adjustments, family changes, planned production, firmed planned orders, split
factors), what an earlier run left for this one (the statistical forecast, the plan
passed on last month) and the logs a run extends. Everything here reads;
``sop_xl.plan.month`` takes what it returns.

Every editable cell is validated like an input cell before any command plans
(``planner_problems``, called by ``MasterWorkbook.read_inputs``): text, a formula whose
result is an error or that was never calculated, a value below the row's minimum, an
implausibly large number are each reported with workbook, sheet, cell, value and what was
expected, exit code 4, never silently replaced by the suggestion. Which cells are
editable comes from the contract (``Measure.editable``, ``Column.editable``), so a sheet
that gains a yellow row is validated without a change here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sop_xl import contract
from sop_xl.base.errors import Problem, ValidationError
from sop_xl.contract import Column, Dtype, Layout, Measure, Role, SheetSpec, normalise_header
from sop_xl.contract.cells import cell_ref
from sop_xl.contract.planning_inputs import Inputs
from sop_xl.contract.raw import RawSheet
from sop_xl.contract.read import Invalid, coerce, is_blank, read_table, show_value, text_cells
from sop_xl.layout.grid import FIRST_ROW, HEADER_ROW, grid_columns
from sop_xl.plan import versions as versions_engine
from sop_xl.plan.forecast import ForecastResult
from sop_xl.plan.month import forecast_result

if TYPE_CHECKING:
    from sop_xl.app.master import MasterWorkbook
    from sop_xl.contract.settings import Settings


def _period_label(v: Any) -> str | None:
    if v is None:
        return None
    t = str(v).strip()
    return t if len(t) in (7, 8) and t[:4].isdigit() and t[4] == "-" else None


def measure_column(m: Measure, *, whole: bool = False) -> Column:
    """What a cell of an editable grid row must hold, as a contract column: a number in
    the row's unit, at least its minimum, whole when asked."""
    return Column(m.key, m.en, m.zh, Dtype.INT if whole else Dtype.NUMBER,
                  m.unit or None, min=m.min)


def editable_sheets() -> list[SheetSpec]:
    """The output sheets holding cells a planner may type in, in contract order."""
    return [s for s in contract.outputs() if s.role is not Role.INPUT and (
        any(m.editable for m in s.measures) or any(c.editable for c in s.columns))]


def _grid_cells(spec: SheetSpec, raw: RawSheet, measure: str, *,
                whole: bool, lang: str, currency: str,
                ) -> tuple[list[tuple[str, str, float]], list[Problem]]:
    """(block key, period label, value) of every filled cell of one editable grid row,
    and a Problem for every cell that is not what the row expects."""
    out: list[tuple[str, str, float]] = []
    problems: list[Problem] = []
    if len(raw.rows) <= HEADER_ROW:
        return out, problems
    m = spec.measure(measure)
    col = measure_column(m, whole=whole)
    expected = col.expected(lang, currency)
    labels = {normalise_header(x) for lg in ("en", "zh-CN")
              for cur in ("CNY", "USD", "EUR") for x in m.labels(lg, cur)}
    found = grid_columns(spec, raw.rows[HEADER_ROW])
    nb = found.measure
    key_col = found.attrs[spec.block_columns[0].key]
    periods = [(j, p) for j, h in found.periods if (p := _period_label(h))]
    shown = m.label(lang, currency)
    sheet = raw.name
    for r in range(FIRST_ROW, len(raw.rows)):
        row = raw.rows[r]
        if len(row) <= nb or is_blank(row[nb]) or normalise_header(row[nb]) not in labels:
            continue
        owner = text_cells([row[key_col]])[0] if not is_blank(row[key_col]) else ""
        for j, p in periods:
            v = row[j] if j < len(row) else None
            where = (sheet, r + 1, f"{shown} {p}", cell_ref(r, j))
            if (r, j) in raw.errors:
                err = raw.errors[(r, j)]
                formula = raw.formulas.get((r, j))
                if formula:
                    problems.append(Problem("cell_error_formula", *where, err, {
                        "value": err, "formula": formula, "expected": expected}))
                else:
                    problems.append(Problem("cell_error", *where, err,
                                            {"value": err, "expected": expected}))
                continue
            if is_blank(v):
                if (r, j) in raw.uncached:
                    f = raw.formulas.get((r, j), "=?")
                    problems.append(Problem("formula_in_input", *where, f, {"formula": f}))
                continue
            try:
                x = float(coerce(col, v))
            except Invalid as exc:
                problems.append(_cell_problem(where, v, exc, col, expected, whole))
                continue
            out.append((owner, p, x))
    return out, problems


def _cell_problem(where: tuple, v: Any, exc: Invalid, col: Column, expected: str,
                  whole: bool) -> Problem:
    if whole and exc.code == "bad_type" and isinstance(v, int | float) \
            and not isinstance(v, bool):
        return Problem("not_whole", *where, v)  # Settings asks for whole pieces
    params = {"expected": expected, **exc.params, "value": show_value(v)}
    if exc.code == "below_min":
        params["min"] = f"{col.min:g}"
    return Problem(exc.code, *where, v, params)


def _table_problems(spec: SheetSpec, raw: RawSheet, lang: str,
                    currency: str) -> list[Problem]:
    """The problems of the editable columns of an output table."""
    frame, problems = read_table(spec, raw, lang, currency)
    where = frame.attrs.get("columns", {})
    labels = {where[c.key][1] for c in spec.columns if c.editable and c.key in where}
    return [p for p in problems if p.column in labels and p.cell]


def planner_problems(book: MasterWorkbook, settings: Settings) -> list[Problem]:
    """Every problem in the cells planners type into output sheets, in sheet order."""
    lang = book.language
    out: list[Problem] = []
    for spec in editable_sheets():
        name = book.sheet_name(spec)
        if name is None:
            continue
        raw = book.read_raw(name)
        if spec.layout is Layout.GRID:
            for m in spec.measures:
                if m.editable:
                    whole = m.whole_pieces and settings.whole_pieces
                    out.extend(_grid_cells(spec, raw, m.key, whole=whole, lang=lang,
                                           currency=settings.currency)[1])
        elif spec.layout is Layout.TABLE:
            out.extend(_table_problems(spec, raw, lang, settings.currency))
    return out


def editable_cells(book: MasterWorkbook, key: str, measure: str, *,
                   whole: bool = False) -> pd.DataFrame:
    """The cells a planner may type in one editable row of a grid sheet → long frame
    (key: the block's first attribute, period label, value in pieces); blank cells are
    left out. A cell that is not what the row expects raises ValidationError naming
    workbook, sheet, cell, value and expectation (``planner_problems`` reports them all
    before any step runs)."""
    spec: SheetSpec = contract.sheet(key)
    cols = ["key", "period", "value"]
    name = book.sheet_name(spec)
    if name is None:
        return pd.DataFrame(columns=cols)
    try:
        currency = book.read_settings().currency
    except ValidationError:
        currency = "CNY"
    out, problems = _grid_cells(spec, book.read_raw(name), measure, whole=whole,
                                lang=book.language, currency=currency)
    if problems:
        raise ValidationError([pr.with_workbook(book.name) for pr in problems], book.language)
    return pd.DataFrame(out, columns=cols)


def given_factors(book: MasterWorkbook) -> pd.DataFrame:
    """Factors typed on FamilyShares (family, item, factor; blank = NaN)."""
    frame, problems = book.read_frame("family_shares")
    if problems:
        raise ValidationError([p.with_workbook(book.name) for p in problems], book.language)
    return frame[["family", "item", "factor"]]


def read_archive(book: MasterWorkbook) -> pd.DataFrame:
    """The ForecastArchive log as it stands (a bad cell stops the run: the log is never
    rewritten with rows dropped)."""
    frame, problems = book.read_frame("forecast_archive")
    if problems:
        raise ValidationError([p.with_workbook(book.name) for p in problems], book.language)
    return frame.drop(columns="_row", errors="ignore")


def stored_forecast(book: MasterWorkbook, service_level: float
                    ) -> tuple[ForecastResult | None, pd.DataFrame | None]:
    """The StatForecast sheet as written by an earlier run → the forecast result (its
    intervals at ``service_level``) and the ordered-quantity forecast (None where absent)."""
    grid = book.read_output_grid("stat_forecast")
    if grid is None or grid.empty:
        return None, None
    g = grid.assign(item=grid["item"].astype(str))

    def rows(measure: str) -> pd.DataFrame:
        f = g[(g["measure"] == measure) & g["value"].notna()]
        return pd.DataFrame({"item": f["item"].to_numpy(),
                             "period": pd.PeriodIndex(f["period"], freq="M"),
                             "forecast": f["value"].to_numpy(float)})

    out = rows("forecast")
    if out.empty:
        return None, None
    key = pd.MultiIndex.from_arrays([out["item"], out["period"].astype(str)])
    for m in ("lower", "upper"):
        v = g[g["measure"] == m].set_index(["item", "period"])["value"]
        out[m] = v.reindex(key).to_numpy()
    attrs = g.drop_duplicates("item").set_index("item")
    models = attrs["model"].fillna("").astype(str)
    out["model"] = out["item"].map(models).fillna("")
    cols = ["item", "demand_class", "model", "mase", "wape", "n_history", "note"]
    summary = attrs.reset_index()[[c for c in cols if c in attrs.reset_index()]]
    hist = g[g["measure"].isin(["history", "cleaned"])].pivot_table(
        index=["item", "period"], columns="measure", values="value").reset_index()
    cleaned = pd.DataFrame(columns=["item", "period", "quantity", "cleaned", "outlier"])
    if not hist.empty and "history" in hist:
        q = hist["history"].to_numpy(float)
        c = hist["cleaned"].to_numpy(float) if "cleaned" in hist else q
        cleaned = pd.DataFrame({"item": hist["item"].to_numpy(),
                                "period": pd.PeriodIndex(hist["period"], freq="M"),
                                "quantity": q, "cleaned": c,
                                "outlier": np.abs(q - c) > 1e-9})
    ordered = rows("ordered_forecast")
    return (forecast_result(out, summary, cleaned, service_level),
            ordered if not ordered.empty else None)


def _grid_matrix(grid: pd.DataFrame, measure: str, items: pd.Index,
                 periods: list[str]) -> np.ndarray:
    out = np.full((len(items), len(periods)), np.nan)
    g = grid[grid["measure"] == measure]
    r = items.get_indexer(g["item"].astype(str))
    c = pd.Index(periods).get_indexer(g["period"])
    ok = (r >= 0) & (c >= 0)
    out[r[ok], c[ok]] = g["value"].to_numpy(float)[ok]
    return out


def firm_cells(book: MasterWorkbook, inputs: Inputs, items: pd.Index) -> np.ndarray | None:
    """Planned-production cells the planner changed on the MPS sheet: value ≠ the
    suggestion shown (items × buckets, pieces; NaN = not changed); None without a sheet."""
    g = book.read_output_grid("mps")
    if g is None or g.empty:
        return None
    periods = inputs.buckets.labels
    prod = _grid_matrix(g, "production", items, periods)
    sug = _grid_matrix(g, "suggested", items, periods)
    changed = np.isfinite(prod) & (~np.isfinite(sug) | (np.abs(prod - sug) > 1e-6))
    return np.where(changed, prod, np.nan)


def typed_family_production(book: MasterWorkbook, inputs: Inputs,
                            families: pd.Index) -> np.ndarray | None:
    """Production the planner typed on FamilyProductionPlan: value ≠ the suggestion shown
    beside it (families × buckets, pieces; NaN = not typed); None without the sheet."""
    g = book.read_output_grid("family_production")
    if g is None or g.empty:
        return None
    g = g.rename(columns={"family": "item"})
    periods = inputs.buckets.labels
    prod = _grid_matrix(g, "production", families, periods)
    sug = _grid_matrix(g, "suggested", families, periods)
    changed = np.isfinite(prod) & (~np.isfinite(sug) | (np.abs(prod - sug) > 1e-6))
    return np.where(changed, prod, np.nan)


def typed_family_targets(book: MasterWorkbook, inputs: Inputs, families: pd.Index
                         ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Target stock level and target days of supply typed on FamilyProductionPlan: a
    target row's value ≠ the family's own shown beside it (Safety stocks, Target DOS)
    (families × buckets; NaN = not typed); None, None without the sheet."""
    g = book.read_output_grid("family_production")
    if g is None or g.empty or "safety_stock" not in g:
        return None, None
    g = g.rename(columns={"family": "item"})
    periods = inputs.buckets.labels
    out = []
    for measure, own in (("target_stock", "safety_stock"), ("target_days", "target_dos")):
        shown = _grid_matrix(g, measure, families, periods)
        base = _grid_matrix(g.assign(value=pd.to_numeric(g[own], errors="coerce")),
                            measure, families, periods)
        changed = np.isfinite(shown) & (~np.isfinite(base) | (np.abs(shown - base) > 1e-6))
        out.append(np.where(changed, shown, np.nan))
    return out[0], out[1]


def read_plan_tab(book: MasterWorkbook, sheet: str) -> pd.DataFrame:
    """A plan tab as a snapshot frame, through the contract (typed, as an earlier run
    wrote it)."""
    snap, _ = read_table(contract.sheet("plan_tab"), book.read_raw(sheet), book.language)
    return snap


def frozen_production(book: MasterWorkbook, inputs: Inputs,
                      items: pd.Index) -> np.ndarray | None:
    """Production of the plan passed on for an earlier month, for the buckets up to the
    frozen fence and the planning time fence: the active version 000 if it is of an
    earlier month, else the latest approved one, else the latest saved; None when there
    is none (nothing is frozen yet)."""
    s = inputs.settings
    fence = max(s.frozen_periods, s.slushy_periods)
    if fence <= 0:
        return None
    reg = book.read_output_table("versions")
    if reg.empty:
        return None
    present = set(book.backend.sheet_names())
    earlier = reg[(reg["planning_month"].astype(str) < str(s.planning_month))
                  & reg["sheet"].isin(present)]
    if earlier.empty:
        return None
    active = earlier[earlier["version"].astype(str) == versions_engine.ACTIVE]
    approved = earlier[earlier["status"] == versions_engine.Status.APPROVED]
    pick = active if len(active) else approved if len(approved) else earlier
    sheet = str(pick.iloc[-1]["sheet"])
    snap = read_plan_tab(book, sheet)
    # a node supplied by transfer plans its transfers on the MPS's production row: they
    # freeze as its production does
    m = snap[(snap["section"] == "mps")
             & snap["measure"].isin(("production", versions_engine.TRANSFERS))]
    out = np.full((len(items), len(inputs.buckets)), np.nan)
    labels = pd.Index(inputs.buckets.labels)
    r = items.get_indexer(m["key"].astype(str))
    c = labels.get_indexer(m["period"].astype(str))
    ok = (r >= 0) & (c >= 0) & (c < fence)
    out[r[ok], c[ok]] = m["qty"].to_numpy(float)[ok]
    # a bucket the earlier plan planned is frozen (items it left out: 0); one it did not
    # reach (a plan kept for its own frozen month only, as the demo's) freezes nothing
    reached = np.zeros(len(labels), dtype=bool)
    reached[c[c >= 0]] = True
    k = s.frozen_periods
    out[:, :k] = np.where(reached[:k], np.nan_to_num(out[:, :k], nan=0.0), np.nan)
    return out if np.isfinite(out).any() else None


def approved_frozen_plans(book: MasterWorkbook, inputs: Inputs) -> pd.DataFrame:
    """The MPS production each closed month was planned to make, from the plan passed on
    for it (item, month, qty, version): for each month of the accuracy window before the
    planning month, its active version 000, else its latest approved (or since superseded)
    version — the month is that plan's first, frozen period (a plan saved with no frozen
    periods gives none). Month buckets only: a weekly plan's periods are not months."""
    cols = ["item", "month", "qty", "version"]
    s = inputs.settings
    reg = book.read_output_table("versions")
    if reg.empty or s.bucket != "month":
        return pd.DataFrame(columns=cols)
    present = set(book.backend.sheet_names())
    reg = reg[reg["sheet"].isin(present)]
    first = s.planning_month - s.kpi_months
    passed = (versions_engine.Status.APPROVED, versions_engine.Status.SUPERSEDED)
    out = []
    for label, g in reg.groupby(reg["planning_month"].astype(str), sort=True):
        try:
            m = pd.Period(label, "M")
        except ValueError:
            continue
        if not first <= m < s.planning_month:
            continue
        active = g[g["version"].astype(str) == versions_engine.ACTIVE]
        approved = g[g["status"].isin(passed) & (g["version"].astype(str)
                                                 != versions_engine.ACTIVE)]
        pick = active if len(active) else approved
        if pick.empty:
            continue
        row = pick.iloc[-1]
        snap = read_plan_tab(book, str(row["sheet"]))
        frozen = snap[(snap["section"] == "settings") & (snap["key"] == "frozen_periods")]
        if frozen.empty or not frozen["qty"].iloc[0] >= 1:
            continue
        mps = snap[(snap["section"] == "mps") & (snap["measure"] == "production")
                   & (snap["period"].astype(str) == label)]
        out.append(pd.DataFrame({"item": mps["key"].astype(str).to_numpy(), "month": m,
                                 "qty": mps["qty"].to_numpy(float),
                                 "version": str(row["version"])}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=cols)


def firm_orders(book: MasterWorkbook) -> pd.DataFrame | None:
    """Orders the planner marked firm on the PlannedOrders sheet (item, qty, due_date),
    with any quantity or due date they changed there."""
    o = book.read_output_table("planned_orders")
    if o.empty or "firm" not in o:
        return None
    o = o[o["firm"].fillna(False).astype(bool) & o["item"].notna() & o["qty"].notna()
          & o["due_date"].notna()]
    if o.empty:
        return None
    return pd.DataFrame({"item": o["item"].astype(str).to_numpy(),
                         "qty": o["qty"].to_numpy(float),
                         "due_date": pd.to_datetime(o["due_date"]).to_numpy()})
