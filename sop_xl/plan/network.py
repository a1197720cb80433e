"""The supply network (工厂网络): items planned per plant, and transfers between plants.

The planning unit of a workbook with several plants (inventory organisations, Kingdee's
库存组织; SAP's plants) is the **node** item × plant, named ``ITEM@PLANT``. A node is made
(its BOM lines become lines on the components' nodes in the same plant), bought, or
transferred from a source plant: then it has one BOM line of quantity 1 on the same item's
node in the source plant, and its lead time is the transit time in working days. So DRP
transfer requirements are dependent demand on the source node, planned by the same dated,
vectorised MRP as any component (``sop_xl.plan.mrp``), by low-level code over the extended
graph (APICS CPIM, "distribution requirements planning"; SAP's special procurement type
"stock transfer", 40).

``build`` expands the Items and BOM sheets into nodes before the engines; the engines see
node names where they saw items; ``Network`` folds results back to item and plant. A
workbook naming fewer than two plants is not expanded at all (``Network.single``): it plans
exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sop_xl.base.errors import PlanningError, Problem
from sop_xl.contract.bom import plant_boms
from sop_xl.plan.dates import PlanDays
from sop_xl.plan.mrp import low_level_codes

SEP = "@"
MAKE, BUY, TRANSFER = "make", "buy", "transfer"
#: ItemPlants columns that override the Items sheet's where given
OVERRIDES = ("lead_time_days", "lot_rule", "fixed_lot", "min_lot", "lot_multiple",
             "poq_periods", "safety_stock")
NODE_COLUMNS = ["node", "item", "plant", "procurement", "source", "share", "row"]


def node_name(item: object, plant: object) -> str:
    return f"{item}{SEP}{plant}"


@dataclass
class Network:
    """The plants and the item × plant nodes of one workbook.

    ``nodes``: node, item, plant, procurement (make / buy / transfer), source (the source
    plant of a transfer, "" otherwise), share (the node's share of its item's independent
    demand, 0–1), row (the ItemPlants row that declared it, 0 when implied)."""

    plants: tuple[str, ...]
    nodes: pd.DataFrame
    items: pd.DataFrame          # the Items sheet per node ("item" = node name, + "plant")
    bom: pd.DataFrame            # the BOM per node, transfers included

    @property
    def single(self) -> bool:
        return len(self.plants) < 2

    @property
    def home(self) -> str:
        """The first plant: where stock, receipts and demand without a plant belong."""
        return self.plants[0] if self.plants else ""

    @property
    def index(self) -> pd.Index:
        return pd.Index(self.nodes["node"], name="item")

    def node_of(self, items: pd.Series | np.ndarray,
                plants: pd.Series | np.ndarray | None) -> np.ndarray:
        """Node names of (item, plant) pairs; a blank plant is the home plant."""
        n = len(items)
        p = text(plants, self.home) if plants is not None else np.full(n, self.home, object)
        return _names(text(items), p)

    def item_of(self, nodes: pd.Index | np.ndarray | list) -> np.ndarray:
        at = self.index.get_indexer(pd.Index(nodes))
        return np.where(at >= 0, self.nodes["item"].to_numpy(object)[at],
                        np.asarray(nodes, dtype=object))

    def plant_of(self, nodes: pd.Index | np.ndarray | list) -> np.ndarray:
        at = self.index.get_indexer(pd.Index(nodes))
        return np.where(at >= 0, self.nodes["plant"].to_numpy(object)[at], self.home)

    def shares(self, items: pd.Index) -> tuple[pd.Index, np.ndarray]:
        """The demand nodes of ``items`` and the (nodes × items) matrix that splits an
        item's demand over its nodes by their shares (each column sums to 1)."""
        n = self.nodes[self.nodes["share"] > 0]
        n = n[n["item"].isin(items)]
        col = pd.Index(items).get_indexer(n["item"])
        m = np.zeros((len(n), len(items)))
        m[np.arange(len(n)), col] = n["share"].to_numpy(float)
        return pd.Index(n["node"].to_numpy(object), name="item"), m

    @property
    def transferred(self) -> set[str]:
        """The nodes supplied by transfer from another plant."""
        return set(self.nodes.loc[self.nodes["procurement"] == TRANSFER, "node"].astype(str))

    def transfers(self) -> pd.DataFrame:
        """node, source node, transit (working days) of every transfer node."""
        t = self.nodes[self.nodes["procurement"] == TRANSFER]
        lead = self.items.set_index("item")["lead_time_days"]
        return pd.DataFrame({"node": t["node"].to_numpy(object),
                             "source": _names(t["item"].to_numpy(object),
                                              t["source"].to_numpy(object)),
                             "transit": lead.reindex(t["node"]).fillna(0)
                             .to_numpy(np.int64)})


def plants_of(plants: pd.DataFrame | None, item_plants: pd.DataFrame | None,
              warehouses: pd.DataFrame | None = None) -> tuple[str, ...]:
    """The plants in sheet order: those on Plants, else those ItemPlants and Warehouses
    name (the home plant first)."""
    def listed(frame: pd.DataFrame | None, *cols: str) -> list[str]:
        out: list[str] = []
        if frame is None or frame.empty:
            return out
        for c in cols:
            if c in frame:
                out += [str(v).strip() for v in frame[c].dropna() if str(v).strip()]
        return out

    names = listed(plants, "plant") or (listed(warehouses, "plant")
                                        + listed(item_plants, "plant", "source_plant"))
    return tuple(dict.fromkeys(names))


def text(values: pd.Series | np.ndarray | list, blank: str = "") -> np.ndarray:
    """Values as stripped Python strings in an object array (NaN / None / empty:
    ``blank``); one pass in plain Python, cheaper than pandas' Arrow strings here."""
    arr = np.asarray(values, dtype=object)
    missing = pd.isna(arr)
    return np.array([blank if m else (str(x).strip() or blank)
                     for x, m in zip(arr, missing, strict=True)], dtype=object)


def _names(items: np.ndarray, plants: np.ndarray) -> np.ndarray:
    """Node names ITEM@PLANT of two aligned arrays."""
    return np.array([f"{i}{SEP}{p}" for i, p in zip(items, plants, strict=True)],
                    dtype=object)


def _in(values: np.ndarray, known: set[str]) -> np.ndarray:
    return np.fromiter((v in known for v in values), dtype=bool, count=len(values))


def build(items: pd.DataFrame, bom: pd.DataFrame, plants: tuple[str, ...],
          item_plants: pd.DataFrame | None = None, *,
          located: pd.DataFrame | None = None, sheet: str = "ItemPlants",
          columns: dict[str, str] | None = None) -> Network:
    """The nodes of ``items`` over ``plants``: every ItemPlants row; every (item, plant)
    pair of ``located`` (stock, open orders: item, plant); then, until nothing is
    missing, the components of a made node in its plant and the source of a transferred
    one (made, or bought when the item is a purchased part); an item nothing places is
    planned at the home plant. Raises PlanningError naming the ItemPlants rows of a cycle
    of transfers (``transfer_cycle``)."""
    home = plants[0] if plants else ""
    bom = plant_boms(bom, plants)     # each plant's own BOM (plant-specific lines replace)
    names = text(items["item"])
    it = items.set_index(pd.Index(names, dtype=object))
    bought = pd.Series((text(it["item_type"]) == "RM"), index=it.index)
    ip = item_plants if item_plants is not None else pd.DataFrame()
    cols = ["item", "plant", "procurement", "source", "share", "row"]
    if len(ip):
        item = text(ip["item"])
        src = text(ip["source_plant"]) if "source_plant" in ip else \
            np.full(len(ip), "", dtype=object)
        how = text(ip["procurement"]) if "procurement" in ip else \
            np.full(len(ip), "", dtype=object)
        is_bought = bought.reindex(item).fillna(False).to_numpy(bool)
        how = np.where(how != "", how, np.where(src != "", TRANSFER,
                                                np.where(is_bought, BUY, MAKE)))
        share = pd.to_numeric(ip["demand_share"], errors="coerce").fillna(0.0) \
            .to_numpy(float) if "demand_share" in ip else np.zeros(len(ip))
        row = ip["_row"].to_numpy(np.int64) if "_row" in ip else np.arange(len(ip)) + 2
        declared = pd.DataFrame({"item": item, "plant": text(ip["plant"]),
                                 "procurement": how.astype(object),
                                 "source": np.where(how == TRANSFER, src, "").astype(object),
                                 "share": share, "row": row})
    else:
        declared = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    parts = [declared]
    if located is not None and not located.empty:
        loc = pd.DataFrame({"item": text(located["item"]),
                            "plant": text(located["plant"], home)}).drop_duplicates()
        loc = loc[loc["item"].isin(it.index)]
        parts.append(_implied(loc, bought))
    nodes = pd.concat(parts, ignore_index=True).drop_duplicates(["item", "plant"])
    nodes = _close(nodes.reset_index(drop=True), bom, bought)
    # an item nothing places anywhere is planned at the home plant, as before
    rest = it.index[~it.index.isin(nodes["item"])]
    if len(rest):
        more = _implied(pd.DataFrame({"item": rest.to_numpy(object), "plant": home}), bought)
        nodes = _close(pd.concat([nodes, more], ignore_index=True), bom, bought,
                       start=len(nodes))
    nodes.insert(0, "node", _names(nodes["item"].to_numpy(object),
                                   nodes["plant"].to_numpy(object)))
    _refuse_cycles(nodes, sheet, columns or {})
    _demand_shares(nodes, home)
    return Network(plants, nodes, _node_items(it, nodes, ip), _node_bom(nodes, bom))


def _implied(pairs: pd.DataFrame, bought: pd.Series) -> pd.DataFrame:
    """Nodes no ItemPlants row declares: bought when the item is a purchased part, else
    made."""
    b = bought.reindex(pairs["item"]).fillna(False).to_numpy(bool)
    return pd.DataFrame({"item": pairs["item"].to_numpy(object),
                         "plant": pairs["plant"].to_numpy(object),
                         "procurement": np.where(b, BUY, MAKE).astype(object),
                         "source": "", "share": 0.0, "row": 0})


def _close(nodes: pd.DataFrame, bom: pd.DataFrame, bought: pd.Series, start: int = 0
           ) -> pd.DataFrame:
    """Add the nodes the made and transferred nodes (from row ``start`` on) need, level
    by level (vectorised: one merge per level)."""
    have = set(_names(nodes["item"].to_numpy(object), nodes["plant"].to_numpy(object)))
    b = pd.DataFrame({"parent": text(bom["parent"]), "component": text(bom["component"]),
                      "plant": bom["plant"].to_numpy(object)})
    items = set(bought.index)
    todo = nodes.iloc[start:]
    while len(todo):
        made = todo[todo["procurement"] == MAKE][["item", "plant"]]
        need = made.merge(b, left_on=["item", "plant"], right_on=["parent", "plant"])[
            ["component", "plant"]]
        need.columns = ["item", "plant"]
        moved = todo[todo["procurement"] == TRANSFER][["item", "source"]]
        moved.columns = ["item", "plant"]
        want = pd.concat([need, moved], ignore_index=True).drop_duplicates()
        key = _names(want["item"].to_numpy(object), want["plant"].to_numpy(object))
        known = _in(want["item"].to_numpy(object), items)
        new = want[~_in(key, have) & known]
        if new.empty:
            break
        have.update(_names(new["item"].to_numpy(object), new["plant"].to_numpy(object)))
        todo = _implied(new, bought)
        nodes = pd.concat([nodes, todo], ignore_index=True)
    return nodes.reset_index(drop=True)


def _refuse_cycles(nodes: pd.DataFrame, sheet: str, columns: dict[str, str]) -> None:
    """A chain of transfers that comes back to its start (A from B, B from A) can never
    be supplied: name its rows."""
    t = nodes[nodes["procurement"] == TRANSFER]
    if t.empty:
        return
    index = pd.Index(nodes["node"])
    dst = index.get_indexer(t["node"])
    at = index.get_indexer(_names(t["item"].to_numpy(object), t["source"].to_numpy(object)))
    ok = at >= 0
    try:   # the chains of transfers relaxed at once; only a cycle is looked for by hand
        low_level_codes(len(index), dst[ok], at[ok])
        return
    except ValueError:
        pass
    src = {(i, p): s for i, p, s in zip(t["item"], t["plant"], t["source"], strict=True)}
    row = dict(zip(zip(nodes["item"], nodes["plant"], strict=True), nodes["row"],
                   strict=True))
    seen: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    for start in src:
        if start in seen:
            continue
        path, at = [start], src[start]
        while (start[0], at) in src and (start[0], at) not in path:
            path.append((start[0], at))
            at = src[(start[0], at)]
        seen.update(path)
        if (start[0], at) in path:
            loop = path[path.index((start[0], at)):]
            plants = [p for _, p in loop] + [loop[0][1]]
            rows = sorted(int(row[n]) for n in loop)
            problems.append(Problem(
                "transfer_cycle", sheet, rows[0], columns.get("source_plant", "source_plant"),
                None, loop[0][0], {"item": loop[0][0], "path": " → ".join(plants),
                                   "rows": ", ".join(str(r) for r in rows)}))
    if problems:
        raise PlanningError(problems)


def _demand_shares(nodes: pd.DataFrame, home: str) -> None:
    """Each item's demand shares sum to 1: as given on ItemPlants (scaled), else all at
    the home plant's node, else at the item's first node."""
    share = nodes["share"].to_numpy(float).copy()
    total = pd.Series(share).groupby(nodes["item"].to_numpy()).transform("sum").to_numpy()
    given = total > 0
    share[given] = share[given] / total[given]
    rest = ~given
    at_home = rest & (nodes["plant"].to_numpy(object) == home)
    has_home = pd.Series(at_home).groupby(nodes["item"].to_numpy()).transform("any") \
        .to_numpy(bool)
    first = ~nodes["item"].duplicated().to_numpy()
    share[rest] = 0.0
    share[at_home] = 1.0
    share[rest & ~has_home & first] = 1.0
    nodes["share"] = share


def _node_items(it: pd.DataFrame, nodes: pd.DataFrame, ip: pd.DataFrame) -> pd.DataFrame:
    """The Items sheet per node: the item's row, ItemPlants' values where given; a
    transferred node's lead time is its transit time, with no scrap."""
    out = it.reindex(nodes["item"].to_numpy(object)).reset_index(drop=True)
    out["item"] = nodes["node"].to_numpy(object)
    out["plant"] = nodes["plant"].to_numpy(object)
    out["procurement"] = nodes["procurement"].to_numpy(object)
    out["source_plant"] = nodes["source"].to_numpy(object)
    if not ip.empty:
        key = pd.Index(_names(text(ip["item"]), text(ip["plant"])))
        at = key.get_indexer(out["item"])
        hit = at >= 0
        for col in OVERRIDES:
            if col not in ip:
                continue
            v = ip[col].to_numpy(object)[at[hit]]
            given = pd.notna(v) & (pd.Series(v).astype(str).str.strip() != "").to_numpy()
            rows = np.flatnonzero(hit)[given]
            if given.any() and out[col].dtype != object:
                # whole numbers on Items make an int64 column a typed value cannot go
                # into; made numeric again below
                out[col] = out[col].astype(object)
            out.loc[rows, col] = v[given]
        if "transit_days" in ip:
            tr = pd.to_numeric(pd.Series(ip["transit_days"].to_numpy(object)[at[hit]]),
                               errors="coerce").to_numpy(float)
            rows = np.flatnonzero(hit)
            moved = (out.loc[rows, "procurement"] == TRANSFER).to_numpy() & np.isfinite(tr)
            out.loc[rows[moved], "lead_time_days"] = tr[moved]
    moved = (out["procurement"] == TRANSFER).to_numpy()
    if "scrap_pct" in out:
        out.loc[moved, "scrap_pct"] = 0.0
    for col in ("lead_time_days", "poq_periods"):
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce")
    for col in ("fixed_lot", "min_lot", "lot_multiple", "safety_stock"):
        if col in out:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out


def _node_bom(nodes: pd.DataFrame, bom: pd.DataFrame) -> pd.DataFrame:
    """BOM lines per made node (components in the same plant) and one line of quantity 1
    per transferred node on its source."""
    made = nodes[nodes["procurement"] == MAKE][["node", "item", "plant"]]
    b = bom.copy()
    b["_parent"] = text(b["parent"])
    lines = made.merge(b, left_on=["item", "plant"], right_on=["_parent", "plant"])
    comp = _names(text(lines["component"]), lines["plant"].to_numpy(object))
    keep = [c for c in bom.columns if c not in ("parent", "component", "plant")]
    out = lines[keep].copy()
    out.insert(0, "component", comp)
    out.insert(0, "parent", lines["node"].to_numpy(object))
    t = nodes[nodes["procurement"] == TRANSFER]
    moves = pd.DataFrame({
        "parent": t["node"].to_numpy(object),
        "component": _names(t["item"].to_numpy(object), t["source"].to_numpy(object)),
        "qty_per": 1.0})
    if "scrap_pct" in bom:
        moves["scrap_pct"] = 0.0
    if "_row" in bom:
        moves["_row"] = t["row"].to_numpy(np.int64)
    return pd.concat([out, moves], ignore_index=True)


def located(frame: pd.DataFrame, plant: pd.Series | np.ndarray | None, home: str
            ) -> pd.DataFrame:
    """item, plant of each row of ``frame`` (a blank plant: the home plant)."""
    p = pd.Series(plant if plant is not None else [None] * len(frame), dtype=object)
    p = p.where(p.notna() & (p.astype(str).str.strip() != ""), home).astype(str)
    return pd.DataFrame({"item": frame["item"].astype(str).to_numpy(object),
                         "plant": p.to_numpy(object)})


def split(values: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Item rows (items × …) split to node rows by the share matrix (nodes × items)."""
    v = np.asarray(values, dtype=float)
    return (matrix @ v.reshape(v.shape[0], -1)).reshape((matrix.shape[0], *v.shape[1:]))


def transfer_demand(nodes: pd.Index, production: np.ndarray, net: Network,
                    days: PlanDays | None = None) -> np.ndarray:
    """Dependent demand of transfers between the nodes ``nodes`` (nodes × days, pieces):
    each transferred node's receipts (``production``, by due day) are needed on its
    source node its transit time earlier (before the plan: on day 0), counted in working
    days of the receiving plant (``days``' per-plant calendars), when the source is one
    of ``nodes`` too. Sources that are not are planned by the MRP from the same line."""
    out = np.zeros_like(production, dtype=float)
    t = net.transfers()
    if t.empty:
        return out
    dst = nodes.get_indexer(t["node"])
    src = nodes.get_indexer(t["source"])
    ok = (dst >= 0) & (src >= 0)
    n_days = production.shape[1]
    cal = days if days is not None and days.per_plant else None
    if cal is not None:
        receiving = cal.plant_index(net.plant_of(t["node"].to_numpy(object)))[ok]
    for k, (d, s, lt) in enumerate(zip(dst[ok], src[ok], t["transit"].to_numpy()[ok],
                                       strict=True)):
        lt = int(lt)
        if cal is not None:
            first, release = cal.release_runs(int(receiving[k]), lt)
            out[s, release] += np.add.reduceat(production[d], first)
            continue
        if lt >= n_days:
            out[s, 0] += production[d].sum()
            continue
        out[s, 0] += production[d, :lt + 1].sum()
        out[s, 1:n_days - lt] += production[d, lt + 1:]
    return out


def depth(net: Network) -> int:
    """The longest chain of transfers (0: none)."""
    t = net.transfers()
    if t.empty:
        return 0
    src = dict(zip(t["node"], t["source"], strict=True))
    best = 0
    for n in src:
        k, at = 0, n
        while at in src and k <= len(src):
            at, k = src[at], k + 1
        best = max(best, k)
    return best
