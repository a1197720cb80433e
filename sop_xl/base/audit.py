"""Who and when, as the logs record them (RunLog, Versions, TransferLog, Submissions, the
lock file): one user name and one timestamp for every command."""

from __future__ import annotations

import getpass
from datetime import datetime


def user_name(*preferred: str | None) -> str:
    """The first name given that is not blank (a ``--user`` option, Settings' author),
    else the operating-system login, else "unknown" (some containers and services have
    no user name)."""
    for name in preferred:
        if name and str(name).strip():
            return str(name).strip()
    try:
        return getpass.getuser()
    except Exception:  # getpass raises OSError, KeyError or ImportError depending on platform
        return "unknown"


def now_text() -> str:
    """The local time to the second, as the logs show it (yyyy-mm-dd hh:mm:ss)."""
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")
