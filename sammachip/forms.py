from django.contrib.auth.forms import AdminPasswordChangeForm as DjangoAdminPasswordChangeForm
from django.contrib.auth.forms import PasswordChangeForm


class OwnPasswordChangeForm(PasswordChangeForm):
    """A user changing their own password: a forced change is done with."""

    required_css_class = "required"

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit=commit)


class TemporaryPasswordForm(DjangoAdminPasswordChangeForm):
    """Staff setting another user's password: it is temporary, to be changed at next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)
