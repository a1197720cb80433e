"""Which finished goods each sales assistant (销售内勤) forecasts: the split rule.

1. **Their own rows.** An assistant forecasts the items of their rows in SalesForecast for
   the months from M−1 on — their latest submission (last month's covers M−1..M+2, one
   already collected this month M..M+3). Older rows are history and assign nothing, so an
   item dropped from a submission stops being sent. Their department is the department on
   those rows (the most frequent; blank if none is given).
2. **New in a department's sales.** A finished good that is not discontinued, that a
   department shipped in the last 12 months (SalesHistory) and that no assistant of that
   department forecasts goes to the assistant of the department who forecasts the most
   items of the same family (ties: the first name in sort order).
3. **Unassigned.** What is left (no assistant in the department, or none for the family)
   is listed for the planner, never guessed.

Pure: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

HISTORY_WINDOW = 12  # months of SalesHistory that make an item part of a department's sales


@dataclass(frozen=True)
class Assignment:
    """One assistant's items, in Items-sheet order."""

    assistant: str
    department: str | None
    items: tuple[str, ...]
    from_history: tuple[str, ...] = ()  # items given by rule 2


@dataclass
class Assignments:
    by_assistant: dict[str, Assignment]
    #: department, item, family of items nobody forecasts (rule 3)
    unassigned: pd.DataFrame = field(default_factory=pd.DataFrame)

    def assistants(self) -> list[str]:
        return sorted(self.by_assistant)

    def owners(self) -> dict[tuple[str, str], list[str]]:
        """(department or "", item) → the assistants forecasting it."""
        out: dict[tuple[str, str], list[str]] = {}
        for a in self.by_assistant.values():
            for item in a.items:
                out.setdefault((a.department or "", item), []).append(a.assistant)
        return out


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


def assign(sales_forecast: pd.DataFrame, sales_history: pd.DataFrame, items: pd.DataFrame,
           planning_month: pd.Period) -> Assignments:
    """Apply the split rule (module docstring) to the master's input frames."""
    order = {it: k for k, it in enumerate(items["item"].astype(str))}
    status = dict(zip(items["item"].astype(str), items["status"], strict=True))
    family = dict(zip(items["item"].astype(str), items["family"], strict=True))
    fg = set(items.loc[items["item_type"] == "FG", "item"].astype(str))

    sf = sales_forecast[sales_forecast["month"] >= planning_month - 1]
    owned: dict[str, set[str]] = {}
    depts: dict[str, str | None] = {}
    for assistant, rows in sf.groupby(sf["assistant"].astype(str), sort=True):
        owned[assistant] = {str(i) for i in rows["item"]}
        named = rows["department"].map(_text)
        named = named[named != ""]
        depts[assistant] = str(named.value_counts().index[0]) if len(named) else None

    extra: dict[str, set[str]] = {a: set() for a in owned}
    h = sales_history[(sales_history["month"] >= planning_month - HISTORY_WINDOW)
                      & (sales_history["month"] < planning_month)]
    h = h[h["shipped_qty"] > 0]
    sold = sorted({(_text(d), str(i)) for d, i in zip(h["department"], h["item"], strict=True)})
    unassigned = []
    for dept, item in sold:
        if item not in fg or status.get(item) == "discontinued":
            continue
        mates = [a for a in owned if (depts[a] or "") == dept]
        if any(item in owned[a] or item in extra[a] for a in mates):
            continue
        fam = family.get(item)
        best = sorted((-sum(1 for i in owned[a] if family.get(i) == fam), a) for a in mates
                       if any(family.get(i) == fam for i in owned[a]))
        if best:
            extra[best[0][1]].add(item)
        else:
            unassigned.append({"department": dept, "item": item, "family": fam})

    by = {}
    for a in owned:
        both = owned[a] | extra[a]
        ordered = tuple(sorted(both, key=lambda i: (order.get(i, len(order)), i)))
        by[a] = Assignment(a, depts[a], ordered,
                           tuple(i for i in ordered if i in extra[a]))
    return Assignments(by, pd.DataFrame(unassigned, columns=["department", "item", "family"]))
