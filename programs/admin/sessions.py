"""Training sessions and their printable attendance sheet."""

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programs.admin.base import ProgrammeAdmin
from programs.models import TrainingSession, attendees_check, by_house_number
from sammachip import thaidate
from sammachip.scoping import related_for_user


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["team", "start_date", "end_date", "place", "place_detail", "attendees"]

    def clean(self):
        cleaned_data = super().clean()
        team, attendees = cleaned_data.get("team"), cleaned_data.get("attendees")
        if team is not None and attendees is not None:
            try:
                attendees_check(team=team, households=attendees)
            except ValidationError as error:
                self.add_error("attendees", error)
        return cleaned_data


@admin.register(TrainingSession)
class TrainingSessionAdmin(ProgrammeAdmin):
    form = TrainingSessionForm
    list_display = ["team", "start_date_be", "end_date_be", "place", "attendee_count", "sheet_link"]
    list_select_related = ["team__village"]
    list_filter = ["team__district", "place"]
    autocomplete_fields = ["team", "attendees"]
    fields = ["team", "start_date", "end_date", "place", "place_detail", "attendees"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(attendee_total=Count("attendees"))
            .order_by("-start_date", "pk")
        )

    @admin.display(description=_("วันเริ่ม"), ordering="start_date")
    def start_date_be(self, obj):
        return thaidate.format_thai_date(obj.start_date)

    @admin.display(description=_("วันสิ้นสุด"), ordering="end_date")
    def end_date_be(self, obj):
        return thaidate.format_thai_date(obj.end_date)

    @admin.display(description=_("ผู้เข้าอบรม"))
    def attendee_count(self, obj):
        return obj.attendee_total

    @admin.display(description=_("ใบลงชื่อ"))
    def sheet_link(self, obj):
        url = reverse("admin:programs_trainingsession_sheet", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("พิมพ์ใบลงชื่อ"))

    def get_urls(self):
        return [
            path(
                "<int:object_id>/sheet/",
                self.admin_site.admin_view(self.sheet_view),
                name="programs_trainingsession_sheet",
            ),
            *super().get_urls(),
        ]

    def sheet_view(self, request, object_id):
        """A printable attendance sheet: the team's households × the training days."""
        session = get_object_or_404(
            self.get_queryset(request).select_related(
                "team__village__subdistrict",
                "team__village__district",
                "team__sage",
                "team__occupation",
            ),
            pk=object_id,
        )
        days = [session.start_date + datetime.timedelta(days=n) for n in range(session.days)]
        households, left_out = related_for_user(
            session.team.households.order_by(*by_house_number()),
            request.user,
            district=session.team.district_id,
        )
        return TemplateResponse(
            request,
            "admin/programs/attendance_sheet.html",
            {
                "session": session,
                "days": days,
                "households": households,
                "left_out": left_out,
                "title": _("ใบลงชื่อผู้เข้ารับการฝึกอบรม"),
            },
        )
