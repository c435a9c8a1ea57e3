"""Admin of users and the base of every app's admin, which follows the same rules."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from pmo.models import User


class RulesAdmin(admin.ModelAdmin):
    """ModelAdmin asking :mod:`pmo.rules` (through ``has_perm``) with the object in hand."""

    def _perm(self, request, action, obj=None):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}", obj)

    def has_view_permission(self, request, obj=None):
        return self._perm(request, "view", obj)

    def has_add_permission(self, request):
        return self._perm(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._perm(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._perm(request, "delete", obj)


@admin.register(User)
class PilotageUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff"]
