"""Writing VBA projects without Office: MS-OVBA compression, a compound file writer and
the vbaProject.bin layout ([MS-OVBA], [MS-CFB]); plus the embedded xlwings runtime."""

from sop_xl.excel.vba.compression import compress, decompress
from sop_xl.excel.vba.project import ModuleKind, Reference, VbaModule, write_vba_project

__all__ = [
    "ModuleKind",
    "Reference",
    "VbaModule",
    "compress",
    "decompress",
    "write_vba_project",
]
