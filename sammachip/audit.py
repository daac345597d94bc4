"""Audit-trail helpers (django-auditlog with ``sammachip.AuditEntry``)."""

from auditlog.registry import auditlog

HIDDEN = "(ข้อมูลลับ)"


def hide_value(value):
    """Mask for audited secret fields: the log says the field changed, never its value."""
    return HIDDEN


def register(model, *, secret_fields=(), excluded_fields=()):
    """Audit ``model``; ``secret_fields`` are logged as changed without any value; hashes and
    other derived columns go in ``excluded_fields``."""
    auditlog.register(
        model,
        exclude_fields=list(excluded_fields),
        mask_fields=list(secret_fields),
        mask_callable="sammachip.audit.hide_value",
        m2m_fields=set(),
    )


def record_access(*, instance, user, what, remote_addr=None):
    """One audit row for revealing something protected (e.g. a full citizen ID)."""
    from auditlog import get_logentry_model

    entry_model = get_logentry_model()
    return entry_model.objects.create(
        content_type_id=_content_type_id(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=str(instance),
        action=entry_model.Action.ACCESS,
        changes={"accessed": [what, ""]},
        changes_text=what,
        actor=user,
        remote_addr=remote_addr,
        additional_data=instance.get_additional_data(),
    )


def _content_type_id(instance):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(type(instance)).pk
