"""Shared write helpers: every entity service validates fully and saves in a transaction."""

from django.db import models, transaction


@transaction.atomic
def model_create(*, model: type[models.Model], data: dict) -> models.Model:
    """Create a ``model`` row from ``data`` after ``full_clean()``; nothing is saved on error."""
    instance = model(**data)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def model_update(*, instance: models.Model, data: dict) -> tuple[models.Model, list[str]]:
    """Apply ``data`` to ``instance``, validate and save only the fields that changed.

    Returns the instance and the names of the fields that changed.
    """
    changed = []
    for field, value in data.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append(field)
    if changed:
        instance.full_clean()
        update_fields = [*changed, "updated_at"] if hasattr(instance, "updated_at") else changed
        instance.save(update_fields=update_fields)
    return instance, changed
