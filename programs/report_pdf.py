"""The reports as PDF (issue 16): the print view's HTML rendered by WeasyPrint, with the
signature blocks (ผู้รายงาน / ผู้ตรวจสอบ / ผู้อนุมัติ) at the end.

WeasyPrint shapes Thai and breaks lines at word boundaries through Pango and libthai, Debian
packages (``libpango-1.0-0 libpangoft2-1.0-0``; ``.ci/run`` installs them). Without them the
import fails: the command and the report page say, in Thai, that PDF is not set up on this
server (docs/reporting.md has the details for the administrator); the xlsx and the print view
still work. The page's stylesheets and the embedded Sarabun font are read from the static files
on disk (``staticfiles`` finders); nothing is fetched from the network.
"""

from django.conf import settings
from django.template.loader import render_to_string

from programs import reports

NOT_SET_UP = (
    "ยังไม่ได้ตั้งค่าการสร้างไฟล์ PDF บนเซิร์ฟเวอร์นี้ (ต้องติดตั้ง WeasyPrint และไลบรารี Pango) "
    "กรุณาใช้ไฟล์ Excel หรือหน้าพิมพ์รายงานแทน และแจ้งผู้ดูแลระบบ"
)
BASE_URL = "https://report.invalid/"
SIGNATURE_ROLES = ("ผู้รายงาน", "ผู้ตรวจสอบ", "ผู้อนุมัติ")


def available():
    """Whether WeasyPrint (and the system libraries it loads) can be imported."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def _fetcher():
    import mimetypes
    from urllib.parse import urljoin

    from django.contrib.staticfiles import finders
    from django.templatetags.static import static
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = urljoin(BASE_URL, static(""))

    class StaticFetcher(URLFetcher):
        """Static files from disk; anything else is refused (no network while rendering)."""

        def fetch(self, url, headers=None):
            path = url.split("?")[0].split("#")[0]
            if not path.startswith(prefix):
                raise ValueError(f"not a static file: {url}")
            found = finders.find(path[len(prefix) :])
            if not found:
                raise ValueError(f"static file not found: {url}")
            with open(found, "rb") as source:
                body = source.read()
            mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})

    return StaticFetcher()


def signatures(data):
    """The signature blocks ผู้รายงาน / ผู้ตรวจสอบ / ผู้อนุมัติ: for a report of one district, the
    names and positions (``User.position``) of who submitted it and who approved it; otherwise
    blank lines to sign by hand."""
    blocks = [{"role": role, "name": "", "position": ""} for role in SIGNATURE_ROLES]
    report = data.get("district_report")
    if report is not None:
        for index, user in (
            (0, report.submitted_by),
            (1, report.approved_by),
            (2, report.approved_by),
        ):
            if user is not None:
                blocks[index]["name"] = user.get_full_name() or user.username
                blocks[index]["position"] = user.position
    return blocks


def render_html(kind, data, *, scope_words=""):
    context = print_context(kind, data, scope_words=scope_words)
    context["for_pdf"] = True
    return render_to_string(f"admin/programs/districtreport/print_{kind}.html", context)


def write_pdf(target, kind, data, *, scope_words=""):
    """The report (``kind`` ``kpi`` or ``villages``, ``data`` from ``programs.reports``) as an A4
    PDF to ``target`` (a path or a binary file)."""
    import weasyprint

    html = render_html(kind, data, scope_words=scope_words)
    weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(target)


def print_context(kind, data, *, scope_words):
    """What the print view (and the PDF) shows."""
    context = {
        "signatures": signatures(data),
        "office_name": settings.SAMMACHIP_OFFICE_NAME,
        "printed_at": data["generated_at"],
        "fiscal_year": data["fiscal_year"],
        "scope_words": scope_words,
        "report": data,
    }
    if kind == "kpi":
        context["title"] = reports.KPI_TITLE
        context["columns"] = [(key, header, _kind(fmt)) for key, header, fmt in reports.KPI_COLUMNS]
        context["breakdown_columns"] = [
            (key, header, _kind(fmt)) for key, header, fmt in reports.BREAKDOWN_COLUMNS
        ]
    else:
        context["title"] = reports.VILLAGE_TITLE
        context["tables"] = [
            (key, title, [(field, header, _kind(fmt)) for field, header, fmt, _w in columns])
            for key, title, columns in reports.VILLAGE_TABLES
        ]
        for section in data["villages"]:
            section["heading"] = reports.village_heading(section)
    return context


def _kind(number_format):
    return {
        reports.EXCEL_PERCENT: "percent",
        reports.EXCEL_MONEY: "money",
        reports.EXCEL_COUNT: "count",
        reports.EXCEL_BE_DATE: "date",
    }.get(number_format, "text")
