"""Retention: purge_old_logs deletes audit, export and login records past their period, never
anything younger than 90 days (Computer Crime Act: traffic data at least 90 days)."""

import datetime
import io

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from programs.models import ExportLog
from sammachip.models import AuditEntry
from tests.factories import make_user
from tests.security.support import TEST_PASSWORD, WRONG, post_login

pytestmark = pytest.mark.django_db
AGES = [0, 30, 89, 91, 200, 364, 366, 800]  # days


KINDS = (
    (AuditEntry, "timestamp"),
    (ExportLog, "created_at"),
    (AccessLog, "attempt_time"),
    (AccessFailureLog, "attempt_time"),
)


@pytest.fixture
def records(client, geography):
    """Records of each kind made by real requests (a failed and a good login, an export) plus an
    audit row, one set per age in ``AGES``, then back-dated to that age."""
    staff = make_user(username="province", role="province")
    seen = {model: set() for model, _ in KINDS}
    for n, age in enumerate(AGES):
        post_login(client, "province", WRONG, REMOTE_ADDR=f"10.0.0.{n + 1}")
        post_login(client, "province", TEST_PASSWORD)
        client.post("/admin/programs/household/export/", {"_format": "csv"})
        AuditEntry.objects.log_create(staff, action=AuditEntry.Action.UPDATE, changes={"x": [1, 2]})
        when = timezone.now() - datetime.timedelta(days=age, hours=1)
        for model, field in KINDS:
            new = set(model.objects.values_list("pk", flat=True)) - seen[model]
            model.objects.filter(pk__in=new).update(**{field: when})
            seen[model] |= new


def ages_left(model, field):
    now = timezone.now()
    return sorted((now - value).days for value in model.objects.values_list(field, flat=True))


def purge(**options):
    out = io.StringIO()
    call_command("purge_old_logs", stdout=out, **options)
    return out.getvalue()


def test_defaults_keep_a_year(settings):
    assert settings.SAMMACHIP_AUDIT_RETENTION_DAYS == 365
    assert settings.SAMMACHIP_LOG_RETENTION_DAYS == 365


def test_records_older_than_a_year_go_the_rest_stay(records):
    assert set(ages_left(AuditEntry, "timestamp")) >= set(AGES)
    output = purge()
    assert "บันทึกการส่งออกข้อมูล: ลบ 2 รายการ" in output
    for model, field in KINDS:
        left = ages_left(model, field)
        assert max(left) < 365, model
        assert {0, 30, 89, 91, 200, 364} <= set(left), model


def test_a_dry_run_deletes_nothing(records):
    before = AuditEntry.objects.count()
    output = purge(dry_run=True)
    assert "จะลบ" in output
    assert AuditEntry.objects.count() == before


def test_the_legal_minimum_of_90_days_holds(records, settings):
    settings.SAMMACHIP_AUDIT_RETENTION_DAYS = 90
    settings.SAMMACHIP_LOG_RETENTION_DAYS = 90
    purge()
    for model, field in ((AuditEntry, "timestamp"), (AccessFailureLog, "attempt_time")):
        left = ages_left(model, field)
        assert 89 in left
        assert max(left) < 90


def test_a_shorter_period_is_refused_and_nothing_is_deleted(records, settings):
    settings.SAMMACHIP_LOG_RETENTION_DAYS = 30
    before = (AuditEntry.objects.count(), AccessFailureLog.objects.count())
    with pytest.raises(CommandError, match="90"):
        purge()
    assert (AuditEntry.objects.count(), AccessFailureLog.objects.count()) == before


def test_settings_refuse_to_start_with_a_shorter_period():
    from tests.sammachip.test_settings import run_manage

    result = run_manage(
        "check",
        DJANGO_SECRET_KEY="k" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
        SAMMACHIP_AUDIT_RETENTION_DAYS="30",
    )
    assert result.returncode != 0
    assert "at least 90 days" in result.stderr
