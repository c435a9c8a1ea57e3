"""Base viewset: reads through a FilterSet, writes through services, rules for permission."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import mixins, viewsets

from pmo.rules import can


class ServiceModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and update; no delete: rows carry history, phases end them.

    Subclasses set ``queryset``, ``serializer_class``, ``filterset_class`` and the two
    service callables, each taking ``actor`` and the validated fields as keywords.
    ``parent_field`` names the field whose object the actor must be allowed to change to add
    a row under it (a milestone's project).
    """

    create_service = None
    update_service = None
    parent_field: str | None = None
    ordering_fields = "__all__"

    def _check_parent(self, validated_data):
        if self.parent_field and self.parent_field in validated_data:
            parent = validated_data[self.parent_field]
            if not can(self.request.user, "add", self.queryset.model, parent=parent):
                raise PermissionDenied(
                    _("You may not add to this %(model)s.") % {"model": parent._meta.verbose_name}
                )

    def perform_create(self, serializer):
        self._check_parent(serializer.validated_data)
        with transaction.atomic():
            instance = type(self).create_service(
                actor=self.request.user, **serializer.validated_data
            )
        serializer.instance = self.get_queryset().get(pk=instance.pk)

    def perform_update(self, serializer):
        self._check_parent(serializer.validated_data)
        with transaction.atomic():
            instance = type(self).update_service(
                serializer.instance, actor=self.request.user, **serializer.validated_data
            )
        serializer.instance = self.get_queryset().get(pk=instance.pk)
