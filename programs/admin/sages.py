"""Sages (ปราชญ์ชุมชน): the public-directory fields apart from the private ones."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programs.admin.base import PHOTO_HELP, CleanPhotoAdminMixin, ProgrammeAdmin
from programs.models import Sage
from sammachip.admin_tools import (
    AuditedAdminMixin,
    CitizenIdAdminMixin,
    StaleEditAdminMixin,
)
from sammachip.citizen_id.forms import CitizenIdFormMixin
from sammachip.images import CheckedImageField


class SageForm(CitizenIdFormMixin):
    photo = CheckedImageField(label=_("รูปถ่าย"), required=False, help_text=PHOTO_HELP)

    class Meta:
        model = Sage
        fields = "__all__"


@admin.register(Sage)
class SageAdmin(
    StaleEditAdminMixin,
    CleanPhotoAdminMixin,
    CitizenIdAdminMixin,
    AuditedAdminMixin,
    ProgrammeAdmin,
):
    form = SageForm
    change_form_template = "admin/programs/citizen_id_change_form.html"
    full_id_permission = "programs.view_full_citizen_id_sage"
    list_display = [
        "full_name",
        "village",
        "district",
        "is_public",
        "phone_public",
        "citizen_id_masked",
    ]
    list_select_related = ["village", "district"]
    list_filter = ["district", "is_public", "expertise"]
    search_fields = ["first_name", "last_name", "village__name_th"]
    autocomplete_fields = ["village"]
    filter_horizontal = ["expertise"]
    fieldsets = [
        (None, {"fields": ["prefix", "first_name", "last_name", "village", "expertise"]}),
        (_("ข้อมูลที่เผยแพร่ได้เมื่อเลือกแสดงในทำเนียบ"), {"fields": ["bio", "photo", "is_public"]}),
        (
            _("วิทยากรสัมมาชีพชุมชน (ผ่านหลักสูตรของกรมการพัฒนาชุมชน)"),
            {"fields": ["trainer_course", "trainer_centre", "trainer_year"]},
        ),
        (_("ข้อมูลส่วนบุคคล (ไม่เผยแพร่)"), {"fields": ["phone", "phone_public", "citizen_id"]}),
    ]

    @admin.display(description=_("ชื่อ-สกุล"), ordering="first_name")
    def full_name(self, obj):
        return obj.full_name
