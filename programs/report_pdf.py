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
    if kind == "villages":
        write_village_pdf(target, data, scope_words=scope_words)
        return
    import io

    import weasyprint
    from pypdf import PdfReader, PdfWriter

    html = render_html(kind, data, scope_words=scope_words)
    buffer = io.BytesIO()
    weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(buffer)
    writer = PdfWriter(clone_from=PdfReader(buffer))
    _write(writer, target)


def _name_glyphs(writer):
    """Text copied out of the PDF reads as it prints. WeasyPrint names each glyph after the
    text of the first cluster it drew it in, so once ำ (drawn as the glyphs of ํ and า) has been
    drawn, every า reads ำ ("หน้ำ"). Each embedded font keeps its own character map (subset
    with the glyph ids kept): a glyph that is a character's own glyph is named by that
    character; other glyphs (ligatures, shifted marks) keep WeasyPrint's name. ำ then reads ํา,
    as in most Thai PDFs."""
    import io
    import re

    from fontTools.ttLib import TTFont

    pair = re.compile(rb"<([0-9a-fA-F]{4})> <([0-9a-fA-F]*)>")
    block = re.compile(rb"beginbfchar.*?endbfchar", re.S)  # not the code-space range
    seen = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in (reference.get_object() for reference in fonts.values()):
            to_unicode = font.get("/ToUnicode")
            if id(font) in seen or to_unicode is None or "/DescendantFonts" not in font:
                continue
            seen.add(id(font))
            descendant = font["/DescendantFonts"][0].get_object()
            if descendant.get("/CIDToGIDMap") != "/Identity":
                continue
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            if embedded is None:
                continue
            ttfont = TTFont(io.BytesIO(embedded.get_object().get_data()))
            if "cmap" not in ttfont:
                continue
            own = {}
            for code, glyph in sorted(ttfont.getBestCmap().items()):
                own.setdefault(ttfont.getGlyphID(glyph), chr(code))

            def named(match, own=own):
                char = own.get(int(match.group(1), 16))
                if char is None:
                    return match.group(0)
                return b"<%s> <%s>" % (match.group(1), char.encode("utf-16-be").hex().encode())

            stream = to_unicode.get_object()
            stream.set_data(
                block.sub(lambda b, named=named: pair.sub(named, b.group(0)), stream.get_data())
            )


def _write(writer, target):
    _name_glyphs(writer)
    if hasattr(target, "write"):
        writer.write(target)
    else:
        with open(target, "wb") as output:
            writer.write(output)


# WeasyPrint lays out ~10 pages a second and keeps every page's boxes until the file is written:
# a district of ~200 villages (~1,000 pages) took 4 minutes and 4 GB as one document. The village
# report is therefore laid out a few villages at a time, each part written and dropped, and the
# parts joined by pypdf: memory stays that of one part, and progress is known after each.
PART_VILLAGES = 10
# What the page tells a clerk to expect: a village of ~100 households is ~5 pages; measured
# 0.5 s a village on an idle 2-core machine, 1.5 s with other work running (docs/benchmarks.md).
SECONDS_PER_VILLAGE = 1.0


def write_village_pdf(target, data, *, scope_words="", progress=None, part=None):
    """The village report (``programs.reports.village_report``) as one A4 PDF to ``target`` (a
    path or a binary file), laid out ``part`` villages at a time. The page numbers run on
    across the parts ("หน้า 12"; the total is not known while the first parts are laid out, so
    it is printed only when the report is one part: "หน้า 2 / 5"); the report's heading opens
    the first part, the signature blocks close the last. Parts of ``part`` villages
    (``PART_VILLAGES``); ``progress(done, total)`` is called with the villages done after each
    part. Returns the number of pages."""
    import io

    import weasyprint
    from pypdf import PdfReader, PdfWriter

    villages = data["villages"]
    part = part or PART_VILLAGES
    parts = [villages[start : start + part] for start in range(0, len(villages), part)] or [[]]
    writer = PdfWriter()
    first_page = 1
    done = 0
    for index, villages_of_part in enumerate(parts):
        context = print_context(
            "villages", {**data, "villages": villages_of_part}, scope_words=scope_words
        )
        context.update(
            for_pdf=True,
            in_parts=len(parts) > 1,
            first_page=first_page,
            show_head=index == 0,
            show_signatures=index == len(parts) - 1,
        )
        html = render_to_string("admin/programs/districtreport/print_villages.html", context)
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).render()
        buffer = io.BytesIO()
        document.write_pdf(buffer)
        first_page += len(document.pages)
        del document
        writer.append(PdfReader(buffer))
        done += len(villages_of_part)
        if progress is not None:
            progress(done, len(villages))
    writer.add_metadata({"/Title": f"{reports.VILLAGE_TITLE} {scope_words}".strip()})
    _write(writer, target)
    return first_page - 1


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
        context["breakdown_live_words"] = reports.breakdown_live_words(data)
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
