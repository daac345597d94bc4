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


def record_bulk_create(instances, *, user, note):
    """Audit rows created in bulk (``bulk_create`` sends no signals, so auditlog sees nothing):
    one CREATE entry per row, naming who and how, never the values of secret fields."""
    from auditlog import get_logentry_model

    instances = [instance for instance in instances if instance.pk is not None]
    if not instances:
        return 0
    entry_model = get_logentry_model()
    content_type_id = _content_type_id(instances[0])
    entry_model.objects.bulk_create(
        [
            entry_model(
                content_type_id=content_type_id,
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=str(instance),
                action=entry_model.Action.CREATE,
                changes={"created": ["", note]},
                changes_text=note,
                actor=user,
                additional_data=instance.get_additional_data(),
                district_id=instance.get_additional_data().get("district"),
            )
            for instance in instances
        ],
        batch_size=1000,
    )
    return len(instances)
