"""The sections of the message catalogue (sop_xl.base.messages), one per area a planner
meets: a code in English and 简体中文 with its ``str.format`` parameters.

A new sentence goes in the section of its area (or a new section listed below), never in
the module that shows it."""

from __future__ import annotations

from sop_xl.base.words import (
    assistants,
    contract,
    excel,
    exceptions,
    imports,
    meeting,
    planning,
    plants,
    versions,
    workbook,
)

SECTIONS: tuple[dict[str, tuple[str, str]], ...] = (
    contract.MESSAGES, planning.MESSAGES, exceptions.MESSAGES, versions.MESSAGES,
    workbook.MESSAGES, excel.MESSAGES, assistants.MESSAGES, meeting.MESSAGES, imports.MESSAGES,
    plants.MESSAGES,
)
