"""Shared by the lo_*.py tools, which the system Python runs (it has LibreOffice's uno
module): a headless LibreOffice on its own profile, a workbook opened in it, and the save
back to .xlsx."""

import contextlib
import subprocess
import time

import uno
from com.sun.star.beans import PropertyValue

CONNECT_TRIES = 240  # × 0.5 s: a cold LibreOffice start on a loaded machine


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


@contextlib.contextmanager
def opened(src, profile):
    """The workbook ``src`` open (hidden) in a LibreOffice started on ``profile``; the
    office is stopped afterwards, whatever happens."""
    pipe = f"sopxl{int(time.time() * 1000)}"
    proc = subprocess.Popen(["soffice", "-env:UserInstallation=file://" + profile,
                             "--headless", "--invisible", "--norestore", "--nologo",
                             f"--accept=pipe,name={pipe};urp;"])
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        ctx = None
        for _ in range(CONNECT_TRIES):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        if ctx is None:
            raise RuntimeError(f"LibreOffice did not answer on pipe {pipe}")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                           (prop("Hidden", True),))
        try:
            yield doc
        finally:
            doc.close(True)
    finally:
        proc.terminate()
        proc.wait(30)


def save_xlsx(doc, dst):
    doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "Calc MS Excel 2007 XML"),))
