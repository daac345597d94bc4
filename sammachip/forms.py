from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminPasswordChangeForm as DjangoAdminPasswordChangeForm
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AdminAuthenticationForm):
    """The admin's login form, with the username's length checked on the server.

    Django's form only puts ``maxlength`` on the input; a longer username went on to
    ``authenticate()``, and django-axes stored it in a varchar(255) (a 500 on PostgreSQL).
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if limit and len(username) > limit:
            raise ValidationError(
                _("ชื่อผู้ใช้ยาวได้ไม่เกิน %(limit)d ตัวอักษร"),
                code="max_length",
                params={"limit": limit},
            )
        return username


class OwnPasswordChangeForm(PasswordChangeForm):
    """A user changing their own password: a forced change is done with. The new password must
    differ from the one in use (a temporary one set by staff above all)."""

    required_css_class = "required"

    def clean(self):
        cleaned_data = super().clean()
        old = cleaned_data.get("old_password")  # present only when it was the right one
        if old and cleaned_data.get("new_password1") == old:
            self.add_error(
                "new_password1",
                forms.ValidationError(
                    _("รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านเดิม กรุณาตั้งรหัสผ่านใหม่ที่ต่างจากเดิม"),
                    code="password_unchanged",
                ),
            )
        return cleaned_data

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit=commit)


class TemporaryPasswordForm(DjangoAdminPasswordChangeForm):
    """Staff setting another user's password: it is temporary, to be changed at next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)
