"""``sop-xl import``: input sheets from ERP exports (Kingdee, SAP) or a database.

Public names: ``import_sources`` (the import), ``ImportReport``, ``describe`` (its summary),
``load`` / ``shipped`` (profiles). The shipped profiles are TOML files in ``profiles/``.
"""

from sop_xl.app.imports.profile import Profile, ProfileError, load, parse, shipped
from sop_xl.app.imports.service import ImportReport, describe, import_sources
from sop_xl.app.imports.sources import SourceError

__all__ = ["ImportReport", "Profile", "ProfileError", "SourceError", "describe",
           "import_sources", "load", "parse", "shipped"]
