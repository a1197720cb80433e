"""One S&OP tab, whether the add-in, the master workbook or both are open.

Both workbooks carry the ribbon of sop_xl/excel/macros/customUI14.xml, whose tab has a
qualified id (``idQ``) in a namespace of our own: Excel makes one tab of every tab with
the same qualified id, whichever documents declare it ([MS-CUSTOMUI] 2.3.9 ST_QID). The
groups and buttons keep plain ids, so each document would still add its own set; the
master's groups therefore ask, through ``getVisible``, whether the add-in is open, and
hide when it is. The add-in owns the tab; a master sent to someone without the add-in
shows its own.
"""

from __future__ import annotations

from lxml import etree

from sop_xl.workbook import ooxml

__all__ = ["MASTER_GROUP_VISIBLE", "RIBBON_NAMESPACE", "TAB_IDQ", "master_ribbon"]

#: the namespace of the shared tab's qualified id (any string unique to sop_xl)
RIBBON_NAMESPACE = "urn:sop-xl:ribbon"
TAB_IDQ = "sop:tab"
#: the master's getVisible callback (macros/SopRibbon.bas)
MASTER_GROUP_VISIBLE = "SopRibbon.SopMasterGroupVisible"


def master_ribbon(ribbon_xml: str) -> str:
    """The master workbook's ribbon: the add-in's, each group hidden while the add-in is
    open (the shared tab then shows the add-in's groups only)."""
    root = ooxml.parse(ribbon_xml.encode("utf-8"))
    tabs = [el for el in root.iter() if ooxml.local(el) == "tab"]
    if len(tabs) != 1 or tabs[0].get("idQ") != TAB_IDQ:
        raise ValueError(f"the ribbon must have one tab with idQ={TAB_IDQ!r}")
    for group in (el for el in root.iter() if ooxml.local(el) == "group"):
        if group.get("getVisible") or group.get("visible"):
            raise ValueError(f"group {group.get('id')} already sets its visibility")
        group.set("getVisible", MASTER_GROUP_VISIBLE)
    return etree.tostring(root, encoding="unicode")
