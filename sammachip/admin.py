from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sammachip.admin_tools import ReadOnlyAdminMixin
from sammachip.forms import TemporaryPasswordForm
from sammachip.models import AuditEntry, User
from sammachip.scoping import DistrictScopedAdminMixin
from sammachip.thaidate import format_thai_datetime


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts, managed by provincial staff. District officers have no access here at all."""

    change_password_form = TemporaryPasswordForm
    list_display = [
        "username",
        "full_name",
        "role",
        "district_list",
        "is_active",
        "must_change_password",
        "last_login_be",
    ]
    list_filter = ["role", "is_active", "districts"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    autocomplete_fields = ["districts"]
    readonly_fields = ["last_login_be", "date_joined_be"]
    actions = ["deactivate", "force_password_change"]

    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("ข้อมูลส่วนตัว"), {"fields": ["first_name", "last_name", "position", "email"]}),
        (
            _("สิทธิ์การใช้งาน"),
            {"fields": ["role", "districts", "is_active", "is_staff", "must_change_password"]},
        ),
        (_("ผู้ดูแลระบบสูงสุด"), {"fields": ["is_superuser", "groups", "user_permissions"]}),
        (_("วันที่สำคัญ"), {"fields": ["last_login_be", "date_joined_be"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (_("ข้อมูลส่วนตัว"), {"fields": ["first_name", "last_name", "position", "email"]}),
        (_("สิทธิ์การใช้งาน"), {"fields": ["role", "districts", "is_staff"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("districts")
        if not request.user.is_superuser:
            # Provincial staff manage officers, never the system's superusers.
            queryset = queryset.filter(is_superuser=False)
        return queryset

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [fs for fs in fieldsets if "is_superuser" not in fs[1]["fields"]]

    def save_model(self, request, obj, form, change):
        if not change:
            # A new account's password was chosen by staff: the officer sets their own.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    @admin.display(description=_("ชื่อ-สกุล"))
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("อำเภอ"))
    def district_list(self, obj):
        return ", ".join(d.name_th for d in obj.districts.all())

    @admin.display(description=_("เข้าสู่ระบบล่าสุด"), ordering="last_login")
    def last_login_be(self, obj):
        return format_thai_datetime(obj.last_login) or "—"

    @admin.display(description=_("วันที่สร้างบัญชี"), ordering="date_joined")
    def date_joined_be(self, obj):
        return format_thai_datetime(obj.date_joined)

    @admin.action(description=_("ปิดการใช้งานบัญชีที่เลือก (ย้ายหรือพ้นหน้าที่)"))
    def deactivate(self, request, queryset):
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(
            request,
            ngettext("ปิดการใช้งาน %d บัญชีแล้ว", "ปิดการใช้งาน %d บัญชีแล้ว", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("บังคับเปลี่ยนรหัสผ่านเมื่อเข้าสู่ระบบครั้งถัดไป"))
    def force_password_change(self, request, queryset):
        count = queryset.update(must_change_password=True)
        self.message_user(
            request,
            ngettext(
                "บัญชี %d บัญชีต้องเปลี่ยนรหัสผ่านครั้งถัดไป",
                "บัญชี %d บัญชีต้องเปลี่ยนรหัสผ่านครั้งถัดไป",
                count,
            )
            % count,
            messages.SUCCESS,
        )


# ---- the audit log (django-auditlog entries, scoped by district, read-only) -------------------

admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, DistrictScopedAdminMixin, admin.ModelAdmin):
    """Audit rows are evidence: nobody adds, edits or deletes them here."""

    list_display = ["when", "actor", "action", "kind", "object_repr", "changed_fields"]
    list_select_related = ["actor", "content_type"]
    list_filter = [
        "action",
        "district",
        # Only the kinds of record the log holds, not every installed table (sessions, axes...).
        ("content_type", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["object_repr"]
    show_full_result_count = False
    fields = [
        "when",
        "actor",
        "action",
        "content_type",
        "object_repr",
        "district",
        "remote_addr",
        "changes_table",
    ]
    readonly_fields = fields

    @admin.display(description=_("เวลา"), ordering="timestamp")
    def when(self, obj):
        return format_thai_datetime(obj.timestamp, short=True)

    @admin.display(description=_("ประเภทข้อมูล"))
    def kind(self, obj):
        # The kind of record alone (the content type's str adds the app's name).
        model = obj.content_type.model_class()
        return model._meta.verbose_name if model else obj.content_type.model

    @admin.display(description=_("ฟิลด์ที่เปลี่ยน"))
    def changed_fields(self, obj):
        # Names only (no values): readable_changes() would look up every related object.
        model = obj.content_type.model_class()
        names = []
        for field_name in obj.changes_dict:
            try:
                field = model._meta.get_field(field_name)
            except (AttributeError, FieldDoesNotExist):
                names.append(str(obj.NOTE_LABELS.get(field_name, field_name)))
                continue
            if not field.concrete or field.many_to_many or field.primary_key:
                continue  # the row's id and reverse relations, logged on create
            names.append(str(field.verbose_name))
        return ", ".join(names)

    @admin.display(description=_("รายละเอียดการเปลี่ยนแปลง"))
    def changes_table(self, obj):
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            obj.readable_changes(),
        )
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("ฟิลด์"),
            _("ค่าเดิม"),
            _("ค่าใหม่"),
            rows,
        )
