"""The household list's cell widgets live in ``programs.widgets``; dates are read by the one
Thai-date reader the forms use."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from programs import widgets
from programs.resources import HouseholdResource
from sammachip.fields import ThaiDateFormField

CELLS = [
    "21/06/2567",
    "21/06/2024",
    "๒๑/๐๖/๒๕๖๗",
    "21/6/67",
    " 1.10.2566 ",
    datetime.date(2024, 6, 21),
    datetime.datetime(2024, 6, 21, 18, 3),
    "",
    None,
]


@pytest.mark.parametrize("cell", CELLS)
def test_a_date_cell_reads_as_the_date_form_field_reads_it(cell):
    assert widgets.BEDateWidget().clean(cell) == ThaiDateFormField().to_python(cell)


@pytest.mark.parametrize("cell", ["31/02/2567", "พรุ่งนี้", "2567-06-21"])
def test_a_cell_that_is_no_date_is_refused_in_thai_as_the_form_refuses_it(cell):
    with pytest.raises(ValidationError):
        ThaiDateFormField().to_python(cell)
    with pytest.raises(ValueError, match="วันที่ไม่ถูกต้อง"):
        widgets.BEDateWidget().clean(cell)


def test_a_date_is_written_in_the_buddhist_era():
    assert widgets.BEDateWidget().render(datetime.date(2024, 6, 21)) == "21 มิถุนายน 2567"


def test_the_resource_takes_its_widgets_from_the_widgets_module():
    resource = HouseholdResource()
    kinds = {type(field.widget) for field in resource.fields.values()}
    assert widgets.BEDateWidget in kinds
    assert widgets.CitizenIdWidget in kinds
    assert {kind.__module__ for kind in kinds} == {"programs.widgets"}
