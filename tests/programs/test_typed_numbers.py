"""Numbers in the admin as an officer types them: Thai digits and thousands separators, the
same rule as the household import (``sammachip.numbers``)."""

from decimal import Decimal

import pytest

from programs.models import Household
from programs.widgets import FiscalYearWidget, IncomeWidget
from sammachip import numbers
from tests.programs.test_team_entry import household_form

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("3,500", "3500"),
        ("๓,๕๐๐", "3500"),
        ("3 500.50", "3500.50"),
        ("๒๕๖๙", "2569"),
        ("๓,๕๐๐ บาท", "3500"),
        ("3500บาท", "3500"),
    ],
)
def test_the_rule(typed, text):
    assert numbers.typed_number(typed) == text


def test_the_import_reads_numbers_by_the_same_rule():
    assert IncomeWidget().clean("๓,๕๐๐") == Decimal("3500.00")
    assert FiscalYearWidget().clean("๒,๕๖๙") == 2569


def test_the_household_form_takes_thai_digits_and_separators(phon_client, two_districts):
    response = phon_client.post(
        "/admin/programs/household/add/",
        household_form(
            two_districts["phon"],
            fiscal_year="๒๕๖๘",
            income_before="3,500",
            income_after="๔,๒๕๐.๕๐",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    household = Household.objects.get()
    assert household.fiscal_year == 2568
    assert household.income_before == Decimal("3500")
    assert household.income_after == Decimal("4250.50")


def test_number_boxes_are_text_boxes_with_a_number_pad(phon_client, two_districts):
    html = phon_client.get("/admin/programs/household/add/").content.decode()
    assert 'type="number"' not in html
    assert 'inputmode="decimal"' in html  # incomes
    assert 'inputmode="numeric"' in html  # the fiscal year


def test_an_amount_is_shown_with_thousands_separators(phon_client, two_districts):
    phon_client.post(
        "/admin/programs/household/add/",
        household_form(two_districts["phon"], income_before="12500"),
    )
    household = Household.objects.get()
    html = phon_client.get(f"/admin/programs/household/{household.pk}/change/").content.decode()
    assert 'value="12,500.00"' in html


def test_a_word_is_still_refused_in_thai(phon_client, two_districts):
    response = phon_client.post(
        "/admin/programs/household/add/",
        household_form(two_districts["phon"], income_before="สามพัน"),
    )
    assert response.status_code == 200
    assert "income_before" in response.context["adminform"].form.errors
    assert Household.objects.count() == 0


def test_the_programme_year_form_has_text_number_boxes(province_client):
    response = province_client.get("/admin/programs/programmeyear/add/")
    assert response.status_code == 200
    assert 'type="number"' not in response.content.decode()
    form = response.context["adminform"].form
    assert form.fields["team_size"].clean("๕") == 5
    assert form.fields["target_income_change"].clean("๑๐.๕") == Decimal("10.5")
