"""Occupations: the list every team, household and group picks from, and their types
(ประเภทอาชีพ: the KPI page's breakdown), both kept by provincial staff."""

from django.contrib import admin

from programs.models import Occupation, OccupationType
from sammachip.admin_tools import LabelledCellsMixin


@admin.register(OccupationType)
class OccupationTypeAdmin(LabelledCellsMixin, admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "kind"]
    list_filter = ["type", "kind"]
    list_select_related = ["type"]
    search_fields = ["name"]
