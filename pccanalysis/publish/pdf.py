"""A briefing as an A4 PDF for the board pack, printed by headless Chromium.

Why Chromium: it is the browser the briefings are checked in (tests/test_browser.py), so the
PDF is the page the board would print, and it lays out the house stylesheet's ``@page`` rules
itself: A4, the protective marking at the top and bottom of every page, the area and quarter,
and "Page n of N" (CSS margin boxes, which Chromium supports since version 131). WeasyPrint
would need its own system libraries and renders some of the page differently.

Each rendering uses a fresh, throw-away browser profile, no network (the page asks for nothing
and any host name fails to resolve) and Chromium's own header and footer turned off.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import PccError

#: Where Debian and Ubuntu install Chromium (``apt-get install chromium``).
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
    "--no-pdf-header-footer",
)
TIMEOUT = 180  # seconds for one page


class PdfError(PccError):
    """Chromium could not print the page."""


def chromium() -> Path | None:
    """The Chromium to print with, or None when none is installed."""
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def render_pdf(html: Path, pdf: Path, timeout: int = TIMEOUT) -> int:
    """Print ``html`` to ``pdf`` (written under a temporary name, then renamed).

    Returns
    -------
    int
        The PDF's size in bytes.

    Raises
    ------
    PdfError
        When Chromium is absent, fails, times out or writes no PDF.
    """
    exe = chromium()
    if exe is None:
        raise PdfError(f"a PDF needs headless Chromium ({CHROMIUM}); install it with "
                       "`apt-get install chromium`.")
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="pcc-chromium-") as profile:
        cmd = [str(exe), *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}",
               Path(html).resolve().as_uri()]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except BaseException as exc:
            os.killpg(proc.pid, signal.SIGKILL)  # the browser and its helpers
            proc.wait()
            tmp.unlink(missing_ok=True)
            if isinstance(exc, subprocess.TimeoutExpired):
                raise PdfError(f"Chromium took more than {timeout} s to print {html.name}; "
                               "no PDF was made.") from None
            raise
    if proc.returncode != 0 or not _is_pdf(tmp):
        tmp.unlink(missing_ok=True)
        last = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise PdfError(f"Chromium could not print {html.name} to PDF (exit code "
                       f"{proc.returncode}: {last[0]}).")
    os.replace(tmp, pdf)
    return pdf.stat().st_size


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False
