"""Words of the supply network: plants, item × plant nodes and transfers between plants."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # plan/network.py: a chain of transfers that comes back to its start
    "transfer_cycle": (
        "item {item} is transferred in a circle: {path} (rows {rows}); expected a source "
        "plant that makes or buys it",
        "物料 {item} 的调拨形成循环：{path}(第 {rows} 行)；调出工厂应自制或采购该物料"),
    # contract/rules.py: ItemPlants
    "ref_plant": ("plant", "工厂"),
    "transfer_source": (
        "a transfer needs a source plant other than {plant}; found {value}",
        "调拨需要不同于 {plant} 的调出工厂；实际为 {value}"),
    # contract/rules.py: a demand line shipped from a plant where its item is not planned
    "plant_not_planned": (
        "item {item} is not planned at plant {value}; expected a plant where {target} plans "
        "it (or blank: shared by the demand shares)",
        "物料 {item} 未在工厂 {value} 计划；应为{target}中计划该物料的工厂(或为空：按发货比例分配)"),
    # contract/rules.py: a BOM for a plant that does not make its parent
    "bom_plant_not_made": (
        "a BOM of {item} for plant {value}, where {target} says it is {how}; expected a "
        "plant that makes it",
        "{item} 在工厂 {value} 的物料清单，但{target}中该物料在此为{how}；应为自制该物料的工厂"),
    "procurement_buy": ("bought", "采购"),
    "procurement_transfer": ("transferred", "调拨"),
    # app/cycle.py: what a run with several plants says
    "plants_planned": (
        "planned per plant: {plants} plants, {nodes} item × plant nodes, {transfers} "
        "transfer lanes",
        "按工厂计划：{plants} 个工厂，{nodes} 个物料×工厂节点，{transfers} 条调拨路线"),
    # layout/plants.py: the lot-rule cell of a transferred node on MPS and MRP
    "transfer_from": ("transfer from {source}, {days} working days",
                      "从 {source} 调拨，{days} 个工作日"),
    # faces/meeting/pack.py: a plant's block beside the company total
    "mp_plant_total": ("Plant {plant}", "工厂 {plant}"),
}
