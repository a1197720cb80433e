"""What the demo company makes and buys: items, bills of material, resources, routings.

Three families of industrial products, 40 finished goods over up to four BOM levels
(finished good → assembly → machined part → casting or bar stock), with castings,
bearings, seals, fasteners, motors, actuators and electronics shared across many finished
goods. Purchased parts carry their supplier; costs roll up from purchased parts with a
labour-and-overhead factor, prices are a margin over cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sop_xl.demo.company import CONTROLLERS, PUMPS, SUPPLIERS, VALVES, typed_frame

Lot = tuple  # ("FIXED", lot) | ("MINMULT", min, multiple) | ("POQ", periods)


@dataclass(frozen=True)
class Product:
    """A finished good and how it sells (the demand model behind its history)."""

    code: str
    description: str
    family: str
    level: float          # run-rate demand at the planning month (pcs/month)
    growth: float         # yearly trend
    domestic: float       # share of Domestic Sales; the rest is International Trade
    bom: tuple[tuple[str, float], ...]
    season: float = 1.0   # amplitude of the seasonal profile
    pattern: str = "regular"   # regular | lumpy | new | discontinued
    analog: str | None = None
    months_ago: int = 0   # new: launched this many months before M; discontinued: last sale
    lead_time: int = 5
    lot: Lot | None = None


@dataclass(frozen=True)
class Part:
    """A component: made (SFG, with its own BOM) or purchased (RM, with a supplier)."""

    code: str
    description: str
    lead_time: int
    cost: float = 0.0                 # purchased parts only; made parts roll up
    supplier: str | None = None       # key of SUPPLIERS; None for made parts
    uom: str = "pcs"
    bom: tuple[tuple, ...] = ()       # (component, qty) or (component, qty, scrap)
    lot: Lot | None = None
    scrap: float = 0.0
    safety_stock: float = 0.0
    max_stock: float = 0.0
    status: str = "active"
    extra: dict = field(default_factory=dict)

    @property
    def made(self) -> bool:
        return self.supplier is None


# -- finished goods --------------------------------------------------------------------
_PACK_S = (("RM-NPL", 1), ("RM-DOC", 1), ("RM-CTN", 1))
_PACK_M = (("RM-NPL", 1), ("RM-DOC", 1), ("RM-CRT-S", 1))
_PACK_L = (("RM-NPL", 1), ("RM-DOC", 1), ("RM-CRT-L", 1))


def _es(size: int, frame: str, motor: str) -> tuple[tuple[str, float], ...]:
    paint = 0.6 if frame == "A" else 0.9
    pack = _PACK_M if frame == "A" else _PACK_L
    return (("PE-ES" + str(size), 1), ("SA-BRG-" + frame, 1), (motor, 1),
            ("RM-BSC-" + frame, 1), ("RM-BLT-M16", 1), ("RM-PNT-BLU", paint), *pack)


def _vm(stack: str, motor: str) -> tuple[tuple[str, float], ...]:
    return (("SA-VMS-" + stack, 1), (motor, 1), ("RM-MSL-25", 1), ("RM-BLT-M12", 1),
            ("RM-PNT-BLU", 0.3), *_PACK_M)


def _inline(head: str, motor: str) -> tuple[tuple[str, float], ...]:
    return ((head, 1), (motor, 1), ("RM-BLT-M12", 1), ("RM-PNT-BLU", 0.4), *_PACK_M)


def _butterfly(dn: int, actuator: str) -> tuple[tuple[str, float], ...]:
    pack = {100: _PACK_S, 200: _PACK_M, 300: _PACK_L}[dn]
    return ((f"SA-BFV-{dn}", 1), (actuator, 1), ("RM-BLT-M12", 1), *pack)


PRODUCTS: tuple[Product, ...] = (
    # Pumps (泵) ------------------------------------------------------------------------
    Product("FG-P100", "End-suction pump 50-32-160, 3 kW (端吸离心泵)", PUMPS, 170, 0.04,
            0.75, _es(1, "A", "RM-MOT-3K0"), lot=("MINMULT", 40, 10)),
    Product("FG-P110", "End-suction pump 65-50-160, 5.5 kW (端吸离心泵)", PUMPS, 115, 0.03,
            0.75, _es(2, "A", "RM-MOT-5K5")),
    Product("FG-P111", "End-suction pump 65-50-160, 7.5 kW (端吸离心泵)", PUMPS, 55, 0.05,
            0.70, _es(2, "A", "RM-MOT-7K5")),
    Product("FG-P120", "End-suction pump 80-65-200, 11 kW (端吸离心泵)", PUMPS, 85, 0.02,
            0.70, _es(3, "B", "RM-MOT-11K")),
    Product("FG-P121", "End-suction pump 80-65-200, 15 kW (端吸离心泵)", PUMPS, 45, 0.06,
            0.65, _es(3, "B", "RM-MOT-15K")),
    Product("FG-P130", "End-suction pump 100-80-250, 22 kW (端吸离心泵)", PUMPS, 60, -0.08,
            0.70, _es(4, "B", "RM-MOT-22K"), lead_time=6),
    Product("FG-P150", "End-suction pump 100-80-250, 22 kW IE4 (高效端吸泵)", PUMPS, 40,
            0.15, 0.40, _es(4, "B", "RM-MOT-22K-IE4"), pattern="new", analog="FG-P130",
            months_ago=6, lead_time=6),
    Product("FG-P200", "Vertical multistage pump VM4-6, 4 kW (立式多级泵)", PUMPS, 100,
            0.08, 0.80, _vm("4", "RM-MOT-4K0")),
    Product("FG-P210", "Vertical multistage pump VM8-8, 7.5 kW (立式多级泵)", PUMPS, 75,
            0.08, 0.80, _vm("8", "RM-MOT-7K5")),
    Product("FG-P220", "Vertical multistage pump VM16-10, 15 kW (立式多级泵)", PUMPS, 38,
            0.10, 0.80, _vm("16", "RM-MOT-15K"), lead_time=7),
    Product("FG-P300", "In-line circulator 40-160, 1.5 kW (管道循环泵)", PUMPS, 210, 0.03,
            0.85, _inline("PE-IL160", "RM-MOT-1K5"), season=1.5, lead_time=4,
            lot=("MINMULT", 50, 10)),
    Product("FG-P310", "In-line circulator 40-200, 3 kW (管道循环泵)", PUMPS, 140, 0.04,
            0.85, _inline("PE-IL200", "RM-MOT-3K0"), season=1.5, lead_time=4),
    Product("FG-P500", "Stainless chemical pump 65-40-200, 11 kW (不锈钢化工泵)", PUMPS, 14,
            0.05, 0.60, (("PE-CH1", 1), ("SA-BRG-B", 1), ("RM-MOT-11K", 1),
                         ("RM-BSC-B", 1), ("RM-BLT-M16", 1), *_PACK_L),
            season=0.5, lead_time=10, lot=("POQ", 2)),
    Product("FG-P900", "Pump service kit, frame B (泵维修包)", PUMPS, 7, 0.0, 0.80,
            (("RM-MSL-35", 1), ("RM-BRG-6308", 2), ("RM-ORK-M", 1), ("RM-CTN", 1)),
            season=0.0, pattern="lumpy", lead_time=3, lot=("POQ", 3)),
    # Valves (阀门) ---------------------------------------------------------------------
    Product("FG-V100", "Butterfly valve DN100, lever (蝶阀)", VALVES, 280, 0.03, 0.75,
            _butterfly(100, "RM-LVR-100"), lead_time=4, lot=("FIXED", 150)),
    Product("FG-V101", "Butterfly valve DN100, electric actuator (电动蝶阀)", VALVES, 55,
            0.10, 0.70, _butterfly(100, "RM-ACT-E")),
    Product("FG-V110", "Butterfly valve DN200, gearbox (蝶阀)", VALVES, 150, 0.02, 0.70,
            _butterfly(200, "RM-GBX")),
    Product("FG-V111", "Butterfly valve DN200, electric actuator (电动蝶阀)", VALVES, 45,
            0.08, 0.65, _butterfly(200, "RM-ACT-E")),
    Product("FG-V120", "Butterfly valve DN300, gearbox (蝶阀)", VALVES, 65, 0.01, 0.70,
            _butterfly(300, "RM-GBX"), lead_time=6),
    Product("FG-V130", "Butterfly valve DN300, electric actuator (电动蝶阀)", VALVES, 40,
            -0.04, 0.60, _butterfly(300, "RM-ACT-E"), lead_time=6),
    Product("FG-V140", "Butterfly valve DN300, smart actuator Modbus (智能蝶阀)", VALVES, 25,
            0.20, 0.60, _butterfly(300, "RM-ACT-S"), pattern="new", analog="FG-V130",
            months_ago=4, lead_time=6),
    Product("FG-V200", "Gate valve DN200, non-rising stem (闸阀)", VALVES, 85, 0.0, 0.70,
            (("SA-GTV-200", 1), ("RM-HWL-200", 1), ("RM-BLT-M16", 1), *_PACK_L),
            lead_time=6),
    Product("FG-V220", "Gate valve DN200, rising stem, old design (闸阀 旧型号)", VALVES, 30,
            -0.20, 0.70, (("SA-GTV-200R", 1), ("RM-HWL-200", 1), ("RM-BLT-M16", 1),
                          *_PACK_L), pattern="discontinued", months_ago=8, lead_time=6),
    Product("FG-V300", "Ball valve DN50, stainless SS316 (不锈钢球阀)", VALVES, 240, 0.06,
            0.50, (("SA-BLV-50", 1), ("RM-LVR-50", 1), *_PACK_S), lead_time=4,
            lot=("FIXED", 120)),
    Product("FG-V310", "Ball valve DN100, stainless SS316 (不锈钢球阀)", VALVES, 110, 0.05,
            0.50, (("SA-BLV-100", 1), ("RM-GBX", 1), *_PACK_M)),
    Product("FG-V400", "Swing check valve DN100 (旋启式止回阀)", VALVES, 130, 0.02, 0.75,
            (("MC-CKB-100", 1), ("RM-CKD-100", 1), ("RM-HSS", 1), ("RM-BLT-M16", 1),
             ("RM-PNT-GRY", 0.5), *_PACK_M)),
    Product("FG-V410", "Swing check valve DN200 (旋启式止回阀)", VALVES, 55, 0.02, 0.75,
            (("MC-CKB-200", 1), ("RM-CKD-200", 1), ("RM-HSS", 1), ("RM-BLT-M16", 1),
             ("RM-PNT-GRY", 1.0), *_PACK_L), lead_time=6),
    Product("FG-V500", "Control valve DN50, pneumatic (气动调节阀)", VALVES, 38, 0.07, 0.60,
            (("SA-CVB-50", 1), ("RM-ACT-P", 1), ("RM-POS", 1), *_PACK_M), season=0.5,
            lead_time=8),
    Product("FG-V510", "Control valve DN100, electric (电动调节阀)", VALVES, 28, 0.09, 0.60,
            (("SA-CVB-100", 1), ("RM-ACT-E", 1), *_PACK_L), season=0.5, lead_time=8),
    Product("FG-V900", "Valve seat & packing spare kit (阀门备件包)", VALVES, 9, 0.0, 0.85,
            (("RM-SEAT-100", 1), ("RM-SEAT-200", 1), ("RM-PKG", 2), ("RM-PTF-50", 2),
             ("RM-CTN", 1)), season=0.0, pattern="lumpy", lead_time=3, lot=("POQ", 3)),
    # Controllers (控制设备) --------------------------------------------------------------
    Product("FG-C100", "DOL motor starter 7.5 kW (直接启动器)", CONTROLLERS, 140, -0.03, 0.80,
            (("MC-ENC-S", 1), ("RM-CTR-25", 1), ("RM-OLR", 1), *_PACK_S), season=0.6,
            lead_time=3),
    Product("FG-C110", "Soft starter 22 kW (软启动器)", CONTROLLERS, 65, 0.04, 0.75,
            (("SA-PCB-SS", 1), ("RM-SCR-90A", 3), ("RM-CTR-25", 1), ("RM-HSK", 1),
             ("MC-ENC-M", 1), *_PACK_S), season=0.6),
    Product("FG-C120", "Soft starter 45 kW (软启动器)", CONTROLLERS, 32, 0.04, 0.75,
            (("SA-PCB-SS", 1), ("RM-SCR-160A", 3), ("RM-CTR-25", 2), ("RM-HSK", 2),
             ("MC-ENC-M", 1), *_PACK_M), season=0.6),
    Product("FG-C200", "Pump VFD 4 kW (水泵变频器)", CONTROLLERS, 150, 0.12, 0.70,
            (("SA-PCB-VFD", 1), ("SA-PWR-4", 1), ("RM-KPD", 1), ("MC-ENC-S", 1), *_PACK_S),
            season=0.6, lot=("MINMULT", 40, 20)),
    Product("FG-C210", "Pump VFD 11 kW (水泵变频器)", CONTROLLERS, 100, 0.10, 0.70,
            (("SA-PCB-VFD", 1), ("SA-PWR-11", 1), ("RM-KPD", 1), ("MC-ENC-M", 1),
             *_PACK_S), season=0.6),
    Product("FG-C220", "Pump VFD 22 kW (水泵变频器)", CONTROLLERS, 55, 0.10, 0.70,
            (("SA-PCB-VFD", 1), ("SA-PWR-22", 1), ("RM-KPD", 1), ("MC-ENC-M", 1),
             *_PACK_M), season=0.6),
    Product("FG-C300", "Constant-pressure booster cabinet 2 x 11 kW (恒压供水控制柜)",
            CONTROLLERS, 16, 0.05, 0.90,
            (("MC-CAB", 1), ("SA-PWR-11", 2), ("SA-PCB-VFD", 2), ("RM-PLC", 1),
             ("RM-PTR", 1), ("RM-KPD", 1), ("RM-CTR-25", 2), *_PACK_L), lead_time=12),
    Product("FG-C310", "Fire pump control panel 45 kW (消防泵控制柜)", CONTROLLERS, 11, 0.03,
            1.0, (("MC-CAB", 1), ("SA-PCB-SS", 1), ("RM-SCR-160A", 3), ("RM-CTR-25", 3),
                  ("RM-PLC", 1), ("RM-PTR", 1), *_PACK_L), lead_time=15, lot=("POQ", 2)),
    Product("FG-C400", "Pump IoT gateway, 4G (水泵物联网网关)", CONTROLLERS, 45, 0.30, 1.0,
            (("RM-IOT", 1), ("RM-MOD-4G", 1), ("MC-ENC-S", 1), *_PACK_S), season=0.3,
            pattern="new", analog="FG-C200", months_ago=8, lead_time=3),
    Product("FG-C900", "Controller spare board kit (控制板备件包)", CONTROLLERS, 6, 0.0, 0.80,
            (("SA-PCB-VFD", 1), ("RM-KPD", 1), ("RM-CTN", 1)), season=0.0,
            pattern="lumpy", lead_time=3, lot=("POQ", 3)),
)


# -- made parts (半成品) -----------------------------------------------------------------
def _made() -> list[Part]:
    out: list[Part] = []
    es = {1: ("50-32-160", "RM-MSL-25", "RM-ORK-S"), 2: ("65-50-160", "RM-MSL-25", "RM-ORK-S"),
          3: ("80-65-200", "RM-MSL-35", "RM-ORK-M"), 4: ("100-80-250", "RM-MSL-35", "RM-ORK-M")}
    for n, (name, seal, ork) in es.items():
        out += [
            Part(f"PE-ES{n}", f"Pump end assembly {name}", 4,
                 bom=((f"MC-CAS-ES{n}", 1), (f"MC-IMP-ES{n}", 1), (seal, 1), (ork, 1),
                      ("RM-BLT-M12", 1))),
            Part(f"MC-CAS-ES{n}", f"Volute casing {name}, machined", 6, scrap=0.02,
                 bom=((f"CA-CAS-ES{n}", 1),), lot=("MINMULT", 20, 10)),
            Part(f"MC-IMP-ES{n}", f"Impeller {name}, machined & balanced", 5, scrap=0.01,
                 bom=((f"CA-IMP-ES{n}", 1),)),
        ]
    for fr, bearing, bar, length in (("A", "RM-BRG-6306", "RM-BAR-40", 0.45),
                                     ("B", "RM-BRG-6308", "RM-BAR-55", 0.55)):
        out += [
            Part(f"SA-BRG-{fr}", f"Bearing bracket assembly, frame {fr}", 3,
                 bom=((f"MC-SFT-{fr}", 1), (bearing, 2), (f"RM-BHS-{fr}", 1),
                      ("RM-ORK-S", 1))),
            Part(f"MC-SFT-{fr}", f"Pump shaft frame {fr}, machined", 5,
                 bom=((bar, length, 0.05),), lot=("MINMULT", 50, 10)),
        ]
    for stack, stages, imp, dif in (("4", 6, "RM-IMP-VM", "RM-DIF-VM"),
                                    ("8", 8, "RM-IMP-VM", "RM-DIF-VM"),
                                    ("16", 10, "RM-IMP-VML", "RM-DIF-VML")):
        out.append(Part(f"SA-VMS-{stack}", f"Hydraulic stack VM{stack}, {stages} stages", 4,
                        bom=((imp, stages, 0.01), (dif, stages), (f"RM-SFK-VM{stack}", 1),
                             ("MC-VMB", 1), ("RM-ORK-S", 1))))
    out.append(Part("MC-VMB", "Pump base VM, machined", 5, scrap=0.02, bom=(("CA-VMB", 1),)))
    for size, imp in (("160", "RM-IMP-IL160"), ("200", "RM-IMP-IL200")):
        out += [
            Part(f"PE-IL{size}", f"Pump head in-line 40-{size}", 3,
                 bom=((f"MC-CAS-IL{size}", 1), (imp, 1), ("RM-MSL-25", 1), ("RM-ORK-S", 1))),
            Part(f"MC-CAS-IL{size}", f"In-line casing 40-{size}, machined", 5, scrap=0.02,
                 bom=((f"CA-CAS-IL{size}", 1),), lot=("POQ", 2)),
        ]
    out += [
        Part("PE-CH1", "Pump end 65-40-200, SS316", 5,
             bom=(("MC-CAS-CH1", 1), ("RM-IMP-CH1", 1), ("RM-MSL-D35", 1), ("RM-ORK-M", 1),
                  ("RM-BLT-M12", 1))),
        Part("MC-CAS-CH1", "Casing 65-40-200 CF8M, machined", 8, scrap=0.03,
             bom=(("CA-CAS-CH1", 1),)),
    ]
    for dn, paint in ((100, 0.3), (200, 0.7), (300, 1.4)):
        out += [
            Part(f"SA-BFV-{dn}", f"Butterfly valve body assembly DN{dn}", 3,
                 bom=((f"MC-BFB-{dn}", 1), (f"RM-DSS-{dn}", 1), (f"RM-SEAT-{dn}", 1, 0.02),
                      ("RM-PNT-GRY", paint))),
            Part(f"MC-BFB-{dn}", f"Butterfly body DN{dn}, machined", 5, scrap=0.02,
                 bom=((f"CA-BFB-{dn}", 1),)),
        ]
    out += [
        Part("SA-GTV-200", "Gate valve assembly DN200, NRS", 4,
             bom=(("MC-GTB-200", 1), ("RM-WDG-200", 1), ("RM-GTS-200", 1), ("RM-PKG", 1),
                  ("RM-PNT-GRY", 1.2))),
        Part("SA-GTV-200R", "Gate valve assembly DN200, rising stem (old design)", 4,
             bom=(("MC-GTB-200R", 1), ("RM-WDG-200", 1), ("RM-GTS-200R", 1), ("RM-PKG", 1),
                  ("RM-PNT-GRY", 1.2)), status="discontinued"),
        Part("MC-GTB-200", "Gate valve body DN200, machined", 6, scrap=0.02,
             bom=(("CA-GTB-200", 1),)),
        Part("MC-GTB-200R", "Gate valve body DN200, old pattern, machined", 6,
             bom=(("CA-GTB-200R", 1),), status="discontinued"),
    ]
    for dn in (50, 100):
        out.append(Part(f"SA-BLV-{dn}", f"Ball valve assembly DN{dn}, SS316", 3,
                        bom=((f"RM-BVB-{dn}", 1), (f"RM-BALL-{dn}", 1),
                             (f"RM-PTF-{dn}", 2, 0.02), ("RM-PKG", 1), ("RM-BLT-M12", 1))))
    for dn in (100, 200):
        out.append(Part(f"MC-CKB-{dn}", f"Swing check valve body DN{dn}, machined", 5,
                        scrap=0.02, bom=((f"CA-CKB-{dn}", 1),)))
    for dn in (50, 100):
        out += [
            Part(f"SA-CVB-{dn}", f"Control valve body & trim DN{dn}", 4,
                 bom=((f"MC-CVB-{dn}", 1), (f"RM-TRM-{dn}", 1), ("RM-PKG", 2),
                      ("RM-BLT-M12", 1))),
            Part(f"MC-CVB-{dn}", f"Control valve body DN{dn} WCB, machined", 7, scrap=0.02,
                 bom=((f"CA-CVB-{dn}", 1),)),
        ]
    out += [
        Part("SA-PCB-VFD", "VFD control board assembly", 4, scrap=0.01,
             bom=(("RM-PCB-VFD", 1), ("RM-MCU", 1), ("RM-ECK", 1, 0.02)),
             lot=("MINMULT", 100, 50)),
        Part("SA-PCB-SS", "Soft-starter control board assembly", 4, scrap=0.01,
             bom=(("RM-PCB-SS", 1), ("RM-MCU", 1), ("RM-ECK", 1, 0.02))),
        Part("SA-PWR-4", "Power module 4 kW (IGBT 25 A)", 3,
             bom=(("RM-IGBT-25", 1), ("RM-HSK", 1), ("RM-CAP", 2))),
        Part("SA-PWR-11", "Power module 11 kW (IGBT 50 A)", 3,
             bom=(("RM-IGBT-50", 1), ("RM-HSK", 1), ("RM-CAP", 4))),
        Part("SA-PWR-22", "Power module 22 kW (IGBT 100 A)", 3,
             bom=(("RM-IGBT-100", 1), ("RM-HSK", 2), ("RM-CAP", 6))),
        Part("MC-ENC-S", "Enclosure small, sheet metal, powder-coated", 5,
             bom=(("RM-SHT", 6, 0.05), ("RM-PNT-GRY", 0.2)), lot=("POQ", 2)),
        Part("MC-ENC-M", "Enclosure medium, sheet metal, powder-coated", 5,
             bom=(("RM-SHT", 14, 0.05), ("RM-PNT-GRY", 0.4))),
        Part("MC-CAB", "Floor-standing cabinet 800x600x2000", 8,
             bom=(("RM-SHT", 85, 0.05), ("RM-PNT-GRY", 2.0))),
    ]
    return out


# -- purchased parts (外购件) ------------------------------------------------------------
def _bought() -> list[Part]:
    P = Part
    fixed = "FIXED"
    mm = "MINMULT"
    out = [
        # castings and bar stock
        P("CA-CAS-ES1", "Volute casing casting 50-32-160 (HT250)", 40, 210, "foundry",
          lot=(fixed, 200)),
        P("CA-CAS-ES2", "Volute casing casting 65-50-160 (HT250)", 40, 260, "foundry",
          lot=(fixed, 200)),
        P("CA-CAS-ES3", "Volute casing casting 80-65-200 (HT250)", 40, 420, "foundry",
          lot=(fixed, 150)),
        P("CA-CAS-ES4", "Volute casing casting 100-80-250 (HT250)", 45, 610, "foundry",
          lot=(fixed, 100)),
        P("CA-IMP-ES1", "Impeller casting 50-32-160 (HT200)", 35, 75, "foundry"),
        P("CA-IMP-ES2", "Impeller casting 65-50-160 (HT200)", 35, 95, "foundry"),
        P("CA-IMP-ES3", "Impeller casting 80-65-200 (HT200)", 35, 140, "foundry"),
        P("CA-IMP-ES4", "Impeller casting 100-80-250 (HT200)", 35, 210, "foundry"),
        P("CA-VMB", "Pump base casting VM (HT250)", 35, 185, "foundry", lot=(fixed, 150)),
        P("CA-CAS-IL160", "In-line casing casting 40-160 (HT250)", 35, 150, "foundry",
          lot=(fixed, 300)),
        P("CA-CAS-IL200", "In-line casing casting 40-200 (HT250)", 35, 175, "foundry",
          lot=(fixed, 200)),
        P("CA-CAS-CH1", "Casing casting 65-40-200, CF8M stainless", 45, 980, "ss_cast",
          lot=(fixed, 30)),
        P("CA-BFB-100", "Butterfly body casting DN100 (QT450)", 35, 95, "foundry",
          lot=(fixed, 300)),
        P("CA-BFB-200", "Butterfly body casting DN200 (QT450)", 40, 240, "foundry",
          lot=(fixed, 200)),
        P("CA-BFB-300", "Butterfly body casting DN300 (QT450)", 45, 510, "foundry",
          lot=(fixed, 100)),
        P("CA-GTB-200", "Gate valve body casting DN200 (QT450)", 40, 560, "foundry",
          lot=(fixed, 100)),
        P("CA-GTB-200R", "Gate valve body casting DN200, old pattern", 40, 590, "foundry",
          lot=(fixed, 100), status="discontinued"),
        P("CA-CKB-100", "Check valve body casting DN100 (HT250)", 35, 140, "foundry",
          lot=(fixed, 200)),
        P("CA-CKB-200", "Check valve body casting DN200 (HT250)", 40, 360, "foundry",
          lot=(fixed, 100)),
        P("CA-CVB-50", "Control valve body casting DN50 (WCB)", 45, 360, "foundry",
          lot=(fixed, 60)),
        P("CA-CVB-100", "Control valve body casting DN100 (WCB)", 45, 720, "foundry",
          lot=(fixed, 40)),
        P("RM-BAR-40", "Round bar 42CrMo dia. 40 mm", 15, 38, "steel", uom="m",
          lot=(mm, 60, 6)),
        P("RM-BAR-55", "Round bar 42CrMo dia. 55 mm", 15, 62, "steel", uom="m",
          lot=(mm, 60, 6)),
        P("RM-SHT", "Cold-rolled steel sheet 1.5 mm", 10, 6.8, "steel", uom="kg",
          lot=(mm, 2000, 500)),
        # pump parts
        P("RM-BRG-6306", "Deep-groove ball bearing 6306-2Z", 20, 28, "bearing",
          lot=(mm, 200, 50), safety_stock=100),
        P("RM-BRG-6308", "Deep-groove ball bearing 6308-2Z", 20, 45, "bearing",
          lot=(mm, 200, 50), safety_stock=100),
        P("RM-BHS-A", "Bearing housing frame A, machined (bought-in)", 30, 150, "foundry"),
        P("RM-BHS-B", "Bearing housing frame B, machined (bought-in)", 30, 240, "foundry"),
        P("RM-MSL-25", "Mechanical seal 25 mm, SiC/carbon", 15, 95, "seal",
          lot=(mm, 100, 20), safety_stock=80),
        P("RM-MSL-35", "Mechanical seal 35 mm, SiC/carbon", 15, 140, "seal",
          lot=(mm, 100, 20)),
        P("RM-MSL-D35", "Double mechanical seal 35 mm, SS316", 25, 680, "seal"),
        P("RM-ORK-S", "O-ring & gasket kit, small", 15, 9, "seal", lot=(mm, 500, 100)),
        P("RM-ORK-M", "O-ring & gasket kit, medium", 15, 16, "seal", lot=(mm, 500, 100)),
        P("RM-IMP-VM", "Stage impeller VM4/VM8, stamped SS304", 25, 36, "ss_cast",
          lot=(mm, 500, 100)),
        P("RM-DIF-VM", "Stage diffuser VM4/VM8, stamped SS304", 25, 42, "ss_cast",
          lot=(mm, 500, 100)),
        P("RM-IMP-VML", "Stage impeller VM16, stamped SS304", 25, 58, "ss_cast",
          lot=(mm, 200, 100)),
        P("RM-DIF-VML", "Stage diffuser VM16, stamped SS304", 25, 66, "ss_cast",
          lot=(mm, 200, 100)),
        P("RM-SFK-VM4", "Shaft & sleeve kit VM4-6", 20, 150, "steel"),
        P("RM-SFK-VM8", "Shaft & sleeve kit VM8-8", 20, 195, "steel"),
        P("RM-SFK-VM16", "Shaft & sleeve kit VM16-10", 20, 290, "steel"),
        P("RM-IMP-IL160", "Impeller 160 mm, bronze", 30, 68, "ss_cast"),
        P("RM-IMP-IL200", "Impeller 200 mm, bronze", 30, 92, "ss_cast"),
        P("RM-IMP-CH1", "Impeller 65-40-200, CF8M investment cast & machined", 45, 460,
          "ss_cast"),
        P("RM-BSC-A", "Baseplate & coupling set, frame A", 20, 380, "steel"),
        P("RM-BSC-B", "Baseplate & coupling set, frame B", 20, 620, "steel"),
        # motors
        P("RM-MOT-1K5", "Motor 1.5 kW 2-pole IE3", 20, 820, "motor"),
        P("RM-MOT-3K0", "Motor 3 kW 2-pole IE3", 20, 1180, "motor", safety_stock=30),
        P("RM-MOT-4K0", "Motor 4 kW 2-pole IE3", 20, 1450, "motor"),
        P("RM-MOT-5K5", "Motor 5.5 kW 2-pole IE3", 25, 1880, "motor"),
        P("RM-MOT-7K5", "Motor 7.5 kW 2-pole IE3", 25, 2350, "motor", safety_stock=15),
        P("RM-MOT-11K", "Motor 11 kW 2-pole IE3", 25, 3250, "motor", safety_stock=10),
        P("RM-MOT-15K", "Motor 15 kW 2-pole IE3", 30, 4200, "motor"),
        P("RM-MOT-22K", "Motor 22 kW 2-pole IE3", 30, 5950, "motor"),
        P("RM-MOT-22K-IE4", "Motor 22 kW 2-pole IE4", 35, 7450, "motor"),
        P("RM-MOT-18K-IE2", "Motor 18.5 kW 2-pole IE2 (obsolete)", 30, 4300, "motor",
          status="discontinued"),
        # valve parts
        P("RM-DSS-100", "Disc & stem set DN100, nylon-coated", 30, 70, "foundry"),
        P("RM-DSS-200", "Disc & stem set DN200, nylon-coated", 30, 190, "foundry"),
        P("RM-DSS-300", "Disc & stem set DN300, nylon-coated", 35, 380, "foundry"),
        P("RM-SEAT-100", "EPDM seat DN100", 15, 18, "seal", lot=(mm, 200, 50)),
        P("RM-SEAT-200", "EPDM seat DN200", 15, 42, "seal", lot=(mm, 200, 50)),
        P("RM-SEAT-300", "EPDM seat DN300", 15, 78, "seal", lot=(mm, 100, 50)),
        P("RM-WDG-200", "Resilient wedge DN200", 30, 165, "foundry"),
        P("RM-GTS-200", "Stem & nut DN200, non-rising", 20, 120, "steel"),
        P("RM-GTS-200R", "Stem & yoke nut DN200, rising (old design)", 20, 135, "steel",
          status="discontinued"),
        P("RM-HWL-200", "Handwheel DN200", 20, 60, "foundry"),
        P("RM-PKG", "Gland packing set, graphite", 15, 12, "seal", lot=(mm, 500, 100)),
        P("RM-BVB-50", "Ball valve body DN50, forged SS316", 40, 380, "ss_cast"),
        P("RM-BVB-100", "Ball valve body DN100, forged SS316", 45, 1250, "ss_cast"),
        P("RM-BALL-50", "Floating ball DN50, SS316", 35, 140, "ss_cast"),
        P("RM-BALL-100", "Floating ball DN100, SS316", 35, 480, "ss_cast"),
        P("RM-PTF-50", "PTFE seat ring DN50", 15, 15, "seal", lot=(mm, 500, 100)),
        P("RM-PTF-100", "PTFE seat ring DN100", 15, 38, "seal", lot=(mm, 200, 100)),
        P("RM-CKD-100", "Check valve disc & arm DN100", 30, 55, "foundry"),
        P("RM-CKD-200", "Check valve disc & arm DN200", 30, 150, "foundry"),
        P("RM-HSS", "Hinge pin & spring set", 15, 22, "fastener", lot=(mm, 200, 50)),
        P("RM-TRM-50", "Plug, seat & cage trim set DN50, SS", 40, 420, "ss_cast"),
        P("RM-TRM-100", "Plug, seat & cage trim set DN100, SS", 40, 760, "ss_cast"),
        P("RM-LVR-50", "Lever handle DN50, stainless", 15, 20, "actuator"),
        P("RM-LVR-100", "Lever handle DN100, 10 positions", 15, 32, "actuator"),
        P("RM-GBX", "Worm gearbox for DN100-DN300", 25, 240, "actuator"),
        P("RM-ACT-E", "Electric actuator 300 Nm, 220 V", 30, 1580, "actuator",
          safety_stock=20),
        P("RM-ACT-S", "Smart electric actuator 300 Nm, Modbus", 40, 2650, "actuator"),
        P("RM-ACT-P", "Pneumatic diaphragm actuator", 35, 1950, "actuator"),
        P("RM-POS", "Smart valve positioner, HART", 45, 1780, "electronics"),
        # electronics
        P("RM-PCB-VFD", "Bare PCB, VFD control, 4-layer", 25, 38, "electronics",
          lot=(mm, 500, 100)),
        P("RM-PCB-SS", "Bare PCB, soft-starter control", 25, 26, "electronics",
          lot=(mm, 500, 100)),
        P("RM-PCB-V1", "Bare PCB, VFD control rev. 1 (obsolete)", 25, 34, "electronics",
          status="discontinued"),
        P("RM-MCU", "Microcontroller 32-bit, LQFP64", 60, 24, "electronics",
          lot=(mm, 480, 160), safety_stock=300),
        P("RM-ECK", "Passive component kit, one board", 30, 48, "electronics",
          lot=(mm, 200, 100)),
        P("RM-KPD", "Keypad with LCD display", 30, 78, "electronics"),
        P("RM-IGBT-25", "IGBT module 25 A 1200 V", 50, 165, "power", lot=(mm, 100, 20)),
        P("RM-IGBT-50", "IGBT module 50 A 1200 V", 50, 310, "power", lot=(mm, 100, 20),
          safety_stock=40),
        P("RM-IGBT-100", "IGBT module 100 A 1200 V", 50, 620, "power", lot=(mm, 60, 20)),
        P("RM-SCR-90A", "Thyristor module 90 A", 45, 240, "power", lot=(mm, 60, 30)),
        P("RM-SCR-160A", "Thyristor module 160 A", 45, 410, "power", lot=(mm, 60, 30)),
        P("RM-HSK", "Aluminium heat sink, extruded", 20, 85, "steel"),
        P("RM-CAP", "DC-link capacitor 470 uF 450 V", 30, 36, "electronics",
          lot=(mm, 500, 100)),
        P("RM-CTR-25", "Contactor 25 A AC-3", 20, 140, "electronics"),
        P("RM-OLR", "Thermal overload relay", 20, 90, "electronics"),
        P("RM-PLC", "Compact PLC 16 I/O", 30, 1350, "electronics"),
        P("RM-PTR", "Pressure transmitter 0-16 bar", 30, 420, "electronics"),
        P("RM-MOD-4G", "4G LTE Cat-1 module", 45, 150, "electronics", lot=(mm, 100, 50)),
        P("RM-IOT", "IoT gateway core board", 40, 205, "electronics"),
        # consumables and packaging
        P("RM-BLT-M12", "Bolt & nut set M12", 10, 14, "fastener", uom="set",
          lot=(mm, 1000, 200)),
        P("RM-BLT-M16", "Bolt & nut set M16", 10, 24, "fastener", uom="set",
          lot=(mm, 500, 100)),
        P("RM-PNT-BLU", "Epoxy paint RAL5015 blue", 10, 34, "coatings", uom="kg",
          lot=(mm, 200, 20), max_stock=1200),
        P("RM-PNT-GRY", "Epoxy paint RAL7035 grey", 10, 32, "coatings", uom="kg",
          lot=(mm, 200, 20), max_stock=1500),
        P("RM-NPL", "Nameplate, stainless, laser-marked", 10, 4.5, "packaging",
          lot=(mm, 2000, 500)),
        P("RM-DOC", "Manual & certificate pack", 10, 6, "packaging", lot=("POQ", 2)),
        P("RM-CTN", "Carton box with foam insert", 10, 9, "packaging", lot=("POQ", 3)),
        P("RM-CRT-S", "Wooden crate, small", 10, 55, "packaging", lot=("POQ", 2),
          max_stock=1500),
        P("RM-CRT-L", "Wooden crate, large", 10, 160, "packaging", lot=("POQ", 2),
          max_stock=800),
    ]
    return out


MADE: tuple[Part, ...] = tuple(_made())
BOUGHT: tuple[Part, ...] = tuple(_bought())
PARTS: dict[str, Part] = {p.code: p for p in (*MADE, *BOUGHT)}
FG: dict[str, Product] = {p.code: p for p in PRODUCTS}


# -- resources and routings --------------------------------------------------------------
RESOURCES = (
    # resource, description, shifts, hours per shift, efficiency, overtime h/day
    ("MC-CNC", "CNC machining & sheet-metal cell", 3, 8.0, 0.85, 2.0),
    ("AL-PUMP", "Assembly line 1 - pumps", 2, 8.0, 0.90, 3.0),
    ("AL-VC", "Assembly line 2 - valves & controllers", 2, 8.0, 0.90, 2.0),
    ("TB-TEST", "Performance test bench (hydraulic & electrical)", 2, 7.5, 0.85, 2.0),
)

# Hours of each resource per unit (line hours: the time the unit occupies the resource).
USAGE: dict[str, dict[str, float]] = {
    "MC-CNC": {
        "MC-CAS-ES1": 0.102, "MC-CAS-ES2": 0.114, "MC-CAS-ES3": 0.152, "MC-CAS-ES4": 0.203,
        "MC-IMP-ES1": 0.051, "MC-IMP-ES2": 0.056, "MC-IMP-ES3": 0.076, "MC-IMP-ES4": 0.102,
        "MC-SFT-A": 0.038, "MC-SFT-B": 0.051, "MC-VMB": 0.076, "MC-CAS-IL160": 0.064,
        "MC-CAS-IL200": 0.071, "MC-CAS-CH1": 0.305, "MC-BFB-100": 0.046,
        "MC-BFB-200": 0.081, "MC-BFB-300": 0.140, "MC-GTB-200": 0.127,
        "MC-GTB-200R": 0.127, "MC-CKB-100": 0.056, "MC-CKB-200": 0.097,
        "MC-CVB-50": 0.152, "MC-CVB-100": 0.229, "MC-ENC-S": 0.030, "MC-ENC-M": 0.051,
        "MC-CAB": 0.381,
    },
    "AL-PUMP": {
        "FG-P100": 0.097, "FG-P110": 0.105, "FG-P111": 0.105, "FG-P120": 0.129,
        "FG-P121": 0.129, "FG-P130": 0.162, "FG-P150": 0.162, "FG-P200": 0.081,
        "FG-P210": 0.089, "FG-P220": 0.113, "FG-P300": 0.057, "FG-P310": 0.065,
        "FG-P500": 0.243, "FG-P900": 0.032, "PE-ES1": 0.065, "PE-ES2": 0.073,
        "PE-ES3": 0.089, "PE-ES4": 0.113, "SA-BRG-A": 0.032, "SA-BRG-B": 0.040,
        "SA-VMS-4": 0.097, "SA-VMS-8": 0.121, "SA-VMS-16": 0.154, "PE-IL160": 0.040,
        "PE-IL200": 0.045, "PE-CH1": 0.194,
    },
    "AL-VC": {
        "FG-V100": 0.031, "FG-V101": 0.063, "FG-V110": 0.047, "FG-V111": 0.073,
        "FG-V120": 0.063, "FG-V130": 0.094, "FG-V140": 0.105, "FG-V200": 0.063,
        "FG-V220": 0.063, "FG-V300": 0.026, "FG-V310": 0.042, "FG-V400": 0.031,
        "FG-V410": 0.047, "FG-V500": 0.157, "FG-V510": 0.168, "FG-V900": 0.021,
        "SA-BFV-100": 0.021, "SA-BFV-200": 0.031, "SA-BFV-300": 0.047,
        "SA-GTV-200": 0.063, "SA-GTV-200R": 0.063, "SA-BLV-50": 0.031,
        "SA-BLV-100": 0.047, "SA-CVB-50": 0.084, "SA-CVB-100": 0.105,
        "FG-C100": 0.084, "FG-C110": 0.157, "FG-C120": 0.189, "FG-C200": 0.105,
        "FG-C210": 0.126, "FG-C220": 0.157, "FG-C300": 1.258, "FG-C310": 1.468,
        "FG-C400": 0.052, "FG-C900": 0.021, "SA-PCB-VFD": 0.016, "SA-PCB-SS": 0.016,
        "SA-PWR-4": 0.031, "SA-PWR-11": 0.042, "SA-PWR-22": 0.063,
    },
    "TB-TEST": {
        "FG-P100": 0.091, "FG-P110": 0.091, "FG-P111": 0.091, "FG-P120": 0.114,
        "FG-P121": 0.114, "FG-P130": 0.137, "FG-P150": 0.137, "FG-P200": 0.107,
        "FG-P210": 0.107, "FG-P220": 0.137, "FG-P300": 0.053, "FG-P310": 0.053,
        "FG-P500": 0.229, "FG-V101": 0.046, "FG-V111": 0.046, "FG-V130": 0.061,
        "FG-V140": 0.076, "FG-V500": 0.183, "FG-V510": 0.213, "FG-C110": 0.076,
        "FG-C120": 0.091, "FG-C200": 0.061, "FG-C210": 0.076, "FG-C220": 0.091,
        "FG-C300": 0.915, "FG-C310": 0.915,
    },
}


# -- frames ------------------------------------------------------------------------------
def _lot_fields(lot: Lot | None) -> dict:
    if lot is None:
        return {"lot_rule": "L4L"}
    if lot[0] == "FIXED":
        return {"lot_rule": "FIXED", "fixed_lot": lot[1]}
    if lot[0] == "MINMULT":
        return {"lot_rule": "MINMULT", "min_lot": lot[1], "lot_multiple": lot[2]}
    return {"lot_rule": "POQ", "poq_periods": lot[1]}


def bom_frame() -> pd.DataFrame:
    rows = []
    for p in PRODUCTS:
        rows += [{"parent": p.code, "component": c, "qty_per": q} for c, q in p.bom]
    for part in MADE:
        for line in part.bom:
            comp, qty = line[0], line[1]
            scrap = line[2] if len(line) > 2 else 0.0
            rows.append({"parent": part.code, "component": comp, "qty_per": qty,
                         "scrap_pct": scrap,
                         "note": "cut length incl. kerf" if PARTS[comp].uom == "m" else None})
    return typed_frame("bom", rows)


def rolled_costs(rng: np.random.Generator) -> dict[str, float]:
    """Unit cost of every item: purchased at cost, made = components × labour/overhead."""
    cost = {p.code: p.cost for p in BOUGHT}
    lines: dict[str, tuple] = {p.code: p.bom for p in MADE}
    lines.update({p.code: p.bom for p in PRODUCTS})
    factor = {code: rng.uniform(1.08, 1.20) for code in sorted(PARTS) if PARTS[code].made}
    factor.update({code: rng.uniform(1.20, 1.40) for code in sorted(FG)})

    def roll(code: str) -> float:
        if code not in cost:
            material = sum(line[1] * (1 + (line[2] if len(line) > 2 else 0.0)) * roll(line[0])
                           for line in lines[code])
            cost[code] = round(material * factor[code], 2)
        return cost[code]

    for code in lines:
        roll(code)
    return cost


def items_frame(rng: np.random.Generator) -> pd.DataFrame:
    cost = rolled_costs(rng)
    rows = []
    for p in PRODUCTS:
        margin = rng.uniform(1.30, 1.60)
        row = {"item": p.code, "description": p.description, "item_type": "FG",
               "family": p.family, "uom": "pcs", "unit_cost": cost[p.code],
               "price": round(cost[p.code] * margin, -1), "lead_time_days": p.lead_time,
               "analog_item": p.analog, "status": _status(p.pattern), **_lot_fields(p.lot)}
        if p.pattern == "regular" and p.level >= 100:
            row["safety_stock"] = round(p.level * 0.35, -1)
        elif p.pattern == "regular" and p.level >= 40:
            row["target_dos"] = 10.0 if p.family == VALVES else 8.0
        if p.code in ("FG-V100", "FG-P300", "FG-C100"):
            row["max_stock"] = round(p.level * 2.0, -1)
        rows.append(row)
    for part in (*MADE, *BOUGHT):
        rows.append({"item": part.code, "description": part.description,
                     "item_type": "SFG" if part.made else "RM", "uom": part.uom,
                     "unit_cost": cost[part.code], "lead_time_days": part.lead_time,
                     "scrap_pct": part.scrap, "safety_stock": part.safety_stock,
                     "max_stock": part.max_stock, "status": part.status,
                     "supplier": None if part.made else SUPPLIERS[part.supplier],
                     # a purchased part without its own lot is bought a period's needs at
                     # a time (lot-for-lot on dates would buy it every week); a made part
                     # is made to each week's need, so its components are needed when
                     # its parents are made, not at the start of the period
                     **_lot_fields(part.lot or (None if part.made else ("POQ", 1)))})
    return typed_frame("items", rows)


def _status(pattern: str) -> str:
    return {"new": "new", "discontinued": "discontinued"}.get(pattern, "active")


def resources_frame() -> pd.DataFrame:
    return typed_frame("resources", [
        {"resource": r, "description": d, "shifts_per_day": s, "hours_per_shift": h,
         "efficiency": e, "max_overtime_hours": o} for r, d, s, h, e, o in RESOURCES])


def usage_frame() -> pd.DataFrame:
    return typed_frame("resource_usage", [
        {"item": item, "resource": res, "hours_per_unit": h}
        for res, by_item in USAGE.items() for item, h in by_item.items()])


# -- BOM arithmetic for sizing the demo ---------------------------------------------------
def low_level_codes() -> dict[str, int]:
    """Deepest level at which each item appears (0 = finished good)."""
    children = {p.code: [line[0] for line in p.bom] for p in PRODUCTS}
    children.update({p.code: [line[0] for line in p.bom] for p in MADE})
    level: dict[str, int] = {}

    def visit(code: str, depth: int) -> None:
        if level.get(code, -1) >= depth:
            return
        level[code] = depth
        for c in children.get(code, ()):
            visit(c, depth + 1)

    for p in PRODUCTS:
        visit(p.code, 0)
    return level


def explode(fg_qty: dict[str, float]) -> dict[str, float]:
    """Gross requirement of every item for these finished-good quantities (same period,
    component scrap included), finished goods themselves included."""
    lines = {p.code: p.bom for p in PRODUCTS}
    lines.update({p.code: p.bom for p in MADE})
    need = dict.fromkeys(list(FG) + list(PARTS), 0.0)
    for code, q in fg_qty.items():
        need[code] += q
    llc = low_level_codes()
    for code in sorted(need, key=lambda c: llc.get(c, 99)):
        for line in lines.get(code, ()):
            scrap = line[2] if len(line) > 2 else 0.0
            need[line[0]] += need[code] * line[1] * (1 + scrap)
    return need
