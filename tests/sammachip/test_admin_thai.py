"""The admin as a Thai officer reads it: every page of the registered admin, for a district
officer and for provincial staff, with the demo data, shows no English word outside
``tests.admin_pages.ALLOWED_WORDS`` and no raw field key (Django's test client; the browser
crawl, ``tests/browser/test_admin_crawl.py``, adds the widths at 1366 px).

A failure names the page and the words: translate them in ``locale/th/LC_MESSAGES/django.po``
(or ``djangojs.po``), then ``msgfmt -o django.mo django.po``; or, for a brand or a file format,
add the word to ``ALLOWED_WORDS``.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from programs.admin.logs import describe_filters
from programs.models import ExportLog, FollowUp, TrainingSession
from sammachip.models import AuditEntry, User
from tests.admin_pages import admin_pages, data_words, english_words, raw_keys, visible_text


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """``seed_demo``'s data (every kind of record, three districts), once for the module,
    rolled back after it; plus an export recorded from the household list."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())
            ExportLog.objects.create(
                user=User.objects.get(username="province_staff"),
                source=ExportLog.Source.ADMIN,
                file_format="xlsx",
                filters="district__code__exact=4012&fiscal_year=2569&status__exact=trained",
                row_count=20,
            )
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def crawl(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    words = data_words(*User.objects.all())
    problems = []
    pages = admin_pages(user)
    for label, url, custom in pages:
        response = client.get(url)
        if response.status_code == 403 and custom:
            continue  # a custom view this role may not use (e.g. revealing a full ID)
        if response.status_code != 200:
            problems.append(f"{label} {url}: HTTP {response.status_code}")
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        text = visible_text(response.content.decode())
        english = english_words(text, words)
        if english:
            problems.append(f"{label} {url}: English {english}")
        keys = raw_keys(text, words)
        if keys:
            problems.append(f"{label} {url}: raw keys {keys}")
    return pages, problems


@pytest.mark.parametrize("username", ["officer_phon", "province_staff"])
def test_every_admin_page_reads_in_thai(demo, db, client, username):
    pages, problems = crawl(client, username)
    assert len(pages) > 30  # the walk found the registered admin
    assert problems == [], "\n".join(problems)


def test_a_bad_request_answers_in_thai(demo, db, client):
    client.force_login(User.objects.get(username="province_staff"))
    # A lookup no filter offers: Django refuses it as a bad request.
    response = client.get("/admin/programs/household/?trainer_team__sage__first_name=x")
    assert response.status_code == 400
    text = visible_text(response.content.decode())
    assert english_words(text) == []
    assert "คำขอไม่ถูกต้อง" in text


def test_the_export_log_shows_the_filter_as_the_clerk_chose_it(demo, db, client):
    client.force_login(User.objects.get(username="province_staff"))
    text = visible_text(client.get("/admin/programs/exportlog/").content.decode())
    assert "อำเภอพล · ปีงบประมาณ 2569 · สถานะ ฝึกอบรมแล้ว" in text
    assert "district__code__exact" not in text


def test_the_export_log_names_a_page_of_filters_in_a_fixed_number_of_queries(demo, db, client):
    staff = User.objects.get(username="province_staff")
    client.force_login(staff)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/programs/exportlog/").status_code == 200
        return len(captured)

    def export(code):
        ExportLog.objects.create(
            user=staff,
            source=ExportLog.Source.COMMAND,
            file_format="csv",
            filters=f"district={code}&occupation__id__exact=1&fiscal_year=2568",
            row_count=1,
        )

    export("4001")
    before = queries()
    for code in ["4005", "4012", "4001,4012", "4005"]:
        export(code)
    assert queries() == before


def test_a_filter_nobody_knows_is_shown_as_recorded(db):
    assert describe_filters("district=4012&fiscal_year=2569&nothing=1") == (
        "อำเภอพล · ปีงบประมาณ 2569 · nothing=1"
    )


def test_the_audit_log_names_its_columns_and_actions_in_thai(demo, db, client):
    client.force_login(User.objects.get(username="province_staff"))
    text = visible_text(client.get("/admin/sammachip/auditentry/").content.decode())
    for thai in ("ผู้ดำเนินการ", "การกระทำ", "รายการ", "โดย การกระทำ"):
        assert thai in text
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).first()
    assert entry.get_action_display() == "เพิ่ม"


def test_an_audit_entry_reads_without_ids_or_english(demo, db):
    entry = AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE, content_type__model="sage"
    ).first()
    rows = entry.readable_changes()
    labels = [str(label) for label, _, _ in rows]
    assert "ID" not in labels
    assert "teams" not in labels  # a reverse relation
    # A new record had nothing before; a secret field says it changed, never its value.
    assert {old for _, old, _ in rows} == {"—", "(ข้อมูลลับ)"}
    assert "รูปถ่าย" not in labels  # empty before and after: no change to show
    assert "True" not in [str(new) for _, _, new in rows]


def test_sessions_and_follow_ups_are_named_by_what_they_are(demo, db):
    session = TrainingSession.objects.select_related("team__village").first()
    assert "#" not in str(session)
    assert session.team.village.name_th in str(session)
    follow_up = FollowUp.objects.select_related("household").first()
    assert follow_up.household.first_name in str(follow_up)
    assert "#" not in str(follow_up)
