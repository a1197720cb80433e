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
    # contract/rules.py: ScheduledReceipts' transfer orders (shipped, not yet received)
    "transfer_order_plants": (
        "a transfer order needs several plants on Plants; found {value}",
        "调拨单需要在工厂表中列出多个工厂；实际为 {value}"),
    "transfer_order_source": (
        "a transfer order names the plant that shipped it, one of Plants ({plants}); "
        "found {value}",
        "调拨单应填写调出工厂，须为工厂表中的工厂({plants})；实际为 {value}"),
    "transfer_order_same": (
        "a transfer order ships from another plant than the one receiving it ({plant}); "
        "found {value}",
        "调拨单的调出工厂应不同于接收工厂({plant})；实际为 {value}"),
    "transfer_order_lane": (
        "no transfer of {item} from {source} to {plant} on {sheet}; expected a row "
        "{item}, {plant}, transfer, source plant {source}",
        "{sheet} 中没有 {item} 从 {source} 到 {plant} 的调拨；应有一行 {item}、{plant}、"
        "调拨、调出工厂 {source}"),
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
