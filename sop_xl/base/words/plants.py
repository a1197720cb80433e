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
    # contract/rules.py: a family event for a plant that plans none of its items
    "event_plant_family": (
        "no item of family {family} is planned at plant {value}; expected a plant where "
        "{target} plans one of them (or blank: every plant by the demand shares)",
        "产品族 {family} 没有物料在工厂 {value} 计划；应为{target}中计划其物料的工厂(或为空：按发货比例分配到所有工厂)"),
    # contract/rules.py: a BOM for a plant that does not make its parent
    "bom_plant_not_made": (
        "a BOM of {item} for plant {value}, where {target} says it is {how}; expected a "
        "plant that makes it",
        "{item} 在工厂 {value} 的物料清单，但{target}中该物料在此为{how}；应为自制该物料的工厂"),
    "procurement_buy": ("bought", "采购"),
    "procurement_transfer": ("transferred", "调拨"),
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
    # plan/alerts.py: action messages on a transfer between plants (a planned transfer
    # of a node supplied by transfer; a transfer order already on its way)
    "msg_transfer_past_due_release_ss": (
        "release transfer order {from_plant} → {to_plant} now: {qty:,.0f} pcs due {due} need "
        "{lead} working days in transit and should have shipped on {release}; stock covers "
        "demand until they arrive, below safety stock",
        "请立即下达调拨单 {from_plant} → {to_plant}：{due} 到货的 {qty:,.0f} 件在途需 {lead} 个工作日，"
        "应于 {release} 发出；到货前库存可满足需求，但低于安全库存"),
    "msg_transfer_release_now_too": (
        " Release transfer order {from_plant} → {to_plant} for {qty:,.0f} pcs now: it should have "
        "shipped on {release}.",
        "请立即下达调拨单 {from_plant} → {to_plant}，{qty:,.0f} 件：本应于 {release} 发出。"),
    "msg_transfer_expedite": (
        "transfer order {order} {from_plant} → {to_plant} ({qty:,.0f} pcs) was due {due} and has "
        "not arrived; it is needed by {need}: chase the shipment or correct its date",
        "调拨单 {order} {from_plant} → {to_plant}({qty:,.0f} 件)应于 {due} 到货但未到，{need} 即需要："
        "请跟踪发运或更新日期"),
    "msg_transfer_redate": (
        "transfer order {order} {from_plant} → {to_plant} ({qty:,.0f} pcs) was due {due} and has "
        "not arrived; it is not needed until {need}: correct its date",
        "调拨单 {order} {from_plant} → {to_plant}({qty:,.0f} 件)应于 {due} 到货但未到，{need} 才需要："
        "请更新到货日期"),
    "msg_transfer_reschedule_in": (
        "transfer order {order} {from_plant} → {to_plant} ({qty:,.0f} pcs) arriving {due} is "
        "needed on {need} {why}: bring it in {days} working days",
        "调拨单 {order} {from_plant} → {to_plant}({qty:,.0f} 件){due} 到货，{need} 即需要({why})："
        "请提前 {days} 个工作日"),
    "msg_transfer_de_expedite": (
        "transfer order {order} {from_plant} → {to_plant} ({qty:,.0f} pcs) arriving {due} is not "
        "needed until {need}: push it out {days} working days",
        "调拨单 {order} {from_plant} → {to_plant}({qty:,.0f} 件){due} 到货，{need} 才需要："
        "请推迟 {days} 个工作日"),
    "msg_transfer_cancel": (
        "transfer order {order} {from_plant} → {to_plant} ({qty:,.0f} pcs) arriving {due} is not "
        "needed within the plan: stop it, send it where it is needed or push it out",
        "调拨单 {order} {from_plant} → {to_plant}({qty:,.0f} 件){due} 到货，计划期内不需要："
        "请停止、改调至需要的工厂或推迟"),
    # app/cycle.py: what a run with several plants says
    "plants_planned": (
        "planned per plant: {plants} plants, {nodes} item × plant nodes, {transfers} "
        "transfer lanes",
        "按工厂计划：{plants} 个工厂，{nodes} 个物料×工厂节点，{transfers} 条调拨路线"),
    # layout/plants.py: the lot-rule cell of a transferred node on MPS and MRP
    "transfer_from": ("transfer from {source}, {days} working days",
                      "从 {source} 调拨，{days} 个工作日"),
    # layout/demand_sheets.py: DemandPlan with several plants — the Plant cell of an
    # item's total rows, and a plant's adjustment row (its share of the item's; typed on
    # the item's row)
    "all_plants": ("All plants", "全部工厂"),
    "adjustment_by_share": ("Planner adjustment (by share)", "计划员调整(按比例)"),
    # faces/meeting/pack.py: a plant's block beside the company total
    "mp_plant_total": ("Plant {plant}", "工厂 {plant}"),
}
