"""The text sources in sop_xl/excel/macros agree with each other and with ENTRY_POINTS."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sop_xl.excel.build import MACROS_DIR, RIBBON_FILE
from sop_xl.excel.entry_points import (
    ENTRY_POINTS,
    GROUPS,
    RIBBON_MODULE,
    VBA_RIBBON_MODULE,
    run_python_command,
    vba_sub_name,
)
from sop_xl.excel.ribbon_xml import MASTER_GROUP_VISIBLE, RIBBON_NAMESPACE, master_ribbon

NS = "http://schemas.microsoft.com/office/2009/07/customui"
Q = f"{{{NS}}}"
# The subset of the customUI14 schema ([MS-CUSTOMUI] 2.2) this ribbon uses: allowed
# children and attributes per element.
SCHEMA: dict[str, tuple[set[str], set[str]]] = {
    "customUI": ({"ribbon"}, {"onLoad", "loadImage"}),
    "ribbon": ({"tabs"}, {"startFromScratch"}),
    "tabs": ({"tab"}, set()),
    "tab": ({"group"}, {"idQ", "label", "keytip", "insertAfterMso", "insertBeforeMso"}),
    "group": ({"button"}, {"id", "label", "keytip", "imageMso", "getVisible"}),
    "button": (
        set(),
        {"id", "label", "imageMso", "onAction", "screentip", "supertip", "size", "keytip"},
    ),
}
SUB_RE = re.compile(
    r"^(?:Public |Private )?Sub (\w+)\(([^)]*)\)\r?$(.*?)^End Sub\r?$", re.MULTILINE | re.DOTALL
)
RUNPYTHON_RE = re.compile(r'\bRunPython\s+"([^"]*)"')
ENTRY_RE = re.compile(rf"^import {re.escape(RIBBON_MODULE)} as r; r\.(\w+)\(\)$")


def _bas_files() -> list[Path]:
    return sorted(MACROS_DIR.glob("*.bas"))


def _ribbon() -> ET.Element:
    return ET.parse(MACROS_DIR / RIBBON_FILE).getroot()


def _subs(module: str) -> dict[str, tuple[str, str]]:
    text = (MACROS_DIR / f"{module}.bas").read_bytes().decode("ascii")
    return {m.group(1): (m.group(2), m.group(3)) for m in SUB_RE.finditer(text)}


def _buttons() -> list[ET.Element]:
    return list(_ribbon().iter(f"{Q}button"))


@pytest.mark.parametrize("path", _bas_files(), ids=lambda p: p.name)
def test_bas_file_format(path: Path) -> None:
    raw = path.read_bytes()
    raw.decode("ascii")  # VBA source is ANSI: keep it ASCII (Chinese lives in Python)
    assert b"\n" not in raw.replace(b"\r\n", b""), "line endings must be CRLF"
    assert b"\r" not in raw.replace(b"\r\n", b"")
    assert raw.startswith(f'Attribute VB_Name = "{path.stem}"\r\n'.encode())
    assert raw.endswith(b"\r\n")


def test_ribbon_xml_well_formed_customui14() -> None:
    root = _ribbon()
    assert root.tag == f"{Q}customUI"

    def walk(el: ET.Element) -> None:
        assert el.tag.startswith(Q), f"element outside the customUI14 namespace: {el.tag}"
        name = el.tag[len(Q) :]
        assert name in SCHEMA, f"unexpected element {name}"
        children, attributes = SCHEMA[name]
        assert set(el.attrib) <= attributes, f"{name}: {set(el.attrib) - attributes}"
        for child in el:
            assert child.tag[len(Q) :] in children, f"{child.tag} inside {name}"
            walk(child)

    walk(root)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "ids must be unique in a customUI file"
    for el in root.iter():
        for key, value in el.attrib.items():
            assert len(value) <= 1024, f"{key} longer than the schema allows"
            if key == "id":
                assert re.fullmatch(r"[A-Za-z_][\w]*", value)


def test_ribbon_tab_displays_s_and_op() -> None:
    tabs = list(_ribbon().iter(f"{Q}tab"))
    assert len(tabs) == 1
    # "&&" in a ribbon label shows one "&"; a single one would be an accelerator.
    assert tabs[0].get("label") == "S&&OP"


def test_one_tab_shared_by_the_addin_and_the_master() -> None:
    text = (MACROS_DIR / RIBBON_FILE).read_text(encoding="utf-8")
    # the tab's qualified id is in our namespace (declared on customUI as sop)
    assert f'xmlns:sop="{RIBBON_NAMESPACE}"' in text
    assert _ribbon().find(f"{Q}ribbon/{Q}tabs/{Q}tab").get("idQ") == "sop:tab"
    master = ET.fromstring(master_ribbon(text))
    groups = list(master.iter(f"{Q}group"))
    assert groups and all(g.get("getVisible") == MASTER_GROUP_VISIBLE for g in groups)
    assert master.find(f"{Q}ribbon/{Q}tabs/{Q}tab").get("idQ") == "sop:tab"
    # the callback exists with the getVisible signature ([MS-CUSTOMUI] 2.2.18 group)
    module, _, sub = MASTER_GROUP_VISIBLE.partition(".")
    params, _body = _subs(module)[sub]
    assert re.fullmatch(r"control As IRibbonControl, ByRef visible", params.strip())
    assert '"sop_xl.xlam"' in (MACROS_DIR / f"{module}.bas").read_bytes().decode("ascii")


def test_buttons_match_entry_points() -> None:
    groups = list(_ribbon().iter(f"{Q}group"))
    assert [g.get("label") for g in groups] == [g.label_en for g in GROUPS]
    seen = []
    for group, spec in zip(groups, GROUPS, strict=True):
        for button in group.iter(f"{Q}button"):
            seen.append((button.get("label"), spec.key, button.get("onAction")))
            for attr in ("label", "imageMso", "onAction", "screentip"):
                assert button.get(attr), f"{button.get('id')} has no {attr}"
    expected = [
        (ep.label_en, ep.group, f"{VBA_RIBBON_MODULE}.{vba_sub_name(ep.entry)}")
        for ep in ENTRY_POINTS
    ]
    assert seen == expected
    for button, ep in zip(_buttons(), ENTRY_POINTS, strict=True):
        assert ep.label_zh in button.get("screentip", "")


def test_every_on_action_has_its_ribbon_sub() -> None:
    for button in _buttons():
        module, _, sub = button.get("onAction", "").partition(".")
        assert (MACROS_DIR / f"{module}.bas").is_file(), f"no module {module}"
        subs = _subs(module)
        assert sub in subs, f"{button.get('onAction')} has no Sub"
        params, _body = subs[sub]
        assert re.fullmatch(r"control As IRibbonControl", params.strip()), params


def test_every_ribbon_sub_is_on_the_ribbon() -> None:
    actions = {b.get("onAction") for b in _buttons()} | {MASTER_GROUP_VISIBLE}
    for name, (params, _body) in _subs(VBA_RIBBON_MODULE).items():
        if "IRibbonControl" in params:
            assert f"{VBA_RIBBON_MODULE}.{name}" in actions, f"{name} is on no button"


def test_each_ribbon_sub_calls_exactly_its_entry_point() -> None:
    subs = _subs(VBA_RIBBON_MODULE)
    for ep in ENTRY_POINTS:
        _params, body = subs[vba_sub_name(ep.entry)]
        assert RUNPYTHON_RE.findall(body) == [run_python_command(ep.entry)]


def test_every_python_entry_point_named_in_vba_is_known() -> None:
    known = {ep.entry for ep in ENTRY_POINTS}
    commands = []
    for path in _bas_files():
        commands += RUNPYTHON_RE.findall(path.read_bytes().decode("ascii"))
    assert commands, "no RunPython calls found"
    for command in commands:
        m = ENTRY_RE.match(command)
        assert m, f"RunPython must call one {RIBBON_MODULE} entry point: {command!r}"
        assert m.group(1) in known, f"{m.group(1)} is not in ENTRY_POINTS"


def test_entry_point_names_are_unique_and_well_formed() -> None:
    names = [ep.entry for ep in ENTRY_POINTS]
    assert len(names) == len(set(names))
    subs = [vba_sub_name(n) for n in names]
    assert len({s.lower() for s in subs}) == len(subs)  # VBA names ignore case
    group_keys = {g.key for g in GROUPS}
    for ep in ENTRY_POINTS:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", ep.entry)
        assert ep.group in group_keys
        assert ep.label_en and ep.label_zh


def test_ribbon_module_has_the_entry_points_when_present() -> None:
    # sop_xl.excel.ribbon is written by another part of the project; check it once it exists.
    ribbon = pytest.importorskip(RIBBON_MODULE)
    for ep in ENTRY_POINTS:
        assert callable(getattr(ribbon, ep.entry, None)), f"{RIBBON_MODULE}.{ep.entry} missing"
