"""Issue 13, item 16 (models): no constraint name reaches a user; every database constraint of
the programme, geography and core models says what is wrong in Thai."""

import re

import pytest
from django.apps import apps

from programs.models import TrainingSession

THAI = re.compile(r"[\u0e00-\u0e7f]")
APPS = ["programs", "villages", "sammachip"]


def every_constraint():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                yield pytest.param(model, constraint, id=f"{label}.{constraint.name}")


@pytest.mark.parametrize(("model", "constraint"), list(every_constraint()))
def test_every_constraint_has_a_thai_message(model, constraint):
    """Item 16: each CheckConstraint/UniqueConstraint of programs, villages and sammachip has
    its own Thai violation_error_message, which does not name the constraint."""
    message = str(constraint.get_violation_error_message())
    assert constraint.violation_error_message != constraint.default_violation_error_message
    assert THAI.search(message), message
    assert constraint.name not in message


def test_the_walk_reaches_the_constraints():
    """Item 16: the walk above is not empty (it covers the session dates among others)."""
    names = {c.name for c in TrainingSession._meta.constraints}
    assert "session_dates_ordered" in names


@pytest.mark.django_db
def test_session_ending_before_it_starts_is_refused_in_thai(province_client, programme):
    """Item 16: the session form with the end before the start shows the Thai rule, never the
    name session_dates_ordered; nothing saved."""
    response = province_client.post(
        "/admin/programs/trainingsession/add/",
        {
            "team": programme["phon"]["team"].pk,
            "start_date": "22/06/2568",
            "end_date": "21/06/2568",
            "place": "sage_home",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "วันสิ้นสุดการอบรมต้องไม่ก่อนวันเริ่มอบรม" in html
    assert "session_dates_ordered" not in html
    assert not TrainingSession.objects.exists()
