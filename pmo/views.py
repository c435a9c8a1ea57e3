"""Generic page views (list, detail, create, edit) and the few pages of the base app.

A page view is a few attributes: ``model``/``queryset``, ``filterset_class``,
``table_class``, ``form_class`` and the services. Permissions come from :mod:`pmo.rules`.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from pmo.exceptions import CONCURRENT_CONFLICT_MESSAGE, ApplicationError
from pmo.rules import can


def error_map(form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: next to its field, or at the top."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, messages_ in error.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for message in messages_:
            form.add_error(target, message)


class RuleRequiredMixin(LoginRequiredMixin):
    """Login first (redirect), then the rules (403 for a signed-in user without the right)."""

    permission_action = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can(request.user, self.permission_action, self.get_rules_model()):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_rules_model(self):
        return self.model or self.queryset.model


class ObjectListView(RuleRequiredMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paginated table; HTMX requests get only the results block."""

    template_name = "pmo/object_list.html"
    # The block HTMX swaps in place: the table, and whatever a list shows above it.
    results_template_name = "pmo/object_list_results.html"
    paginate_by = 25
    title = None
    create_url_name = None
    # The create button's words; "New <model>" by default, which some languages cannot
    # agree with every model (French: un projet, une action).
    create_label = None

    def get_template_names(self):
        if self.request.htmx:
            return [self.results_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = self.get_rules_model()
        context["title"] = self.title or model._meta.verbose_name_plural.capitalize()
        context["model_meta"] = model._meta
        context["results_template_name"] = self.results_template_name
        if self.create_url_name and can(self.request.user, "add", model):
            context["create_url_name"] = self.create_url_name
            context["create_label"] = self.create_label
        return context


class ObjectDetailView(RuleRequiredMixin, DetailView):
    """One record; ``can_change`` tells the template whether to offer the edit button."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not can(self.request.user, "view", obj):
            raise PermissionDenied
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = can(self.request.user, "change", self.object)
        return context


class ObjectEditView(RuleRequiredMixin, FormView):
    """Create (no ``pk`` in the URL) or edit a record through its service.

    ``create_service(actor=..., **cleaned_data)`` and
    ``update_service(instance, actor=..., **cleaned_data)`` do the writing; a
    ``ValidationError`` or ``ApplicationError`` they raise lands next to its field.
    """

    template_name = "pmo/object_form.html"
    model = None
    queryset = None
    create_service = None
    update_service = None
    parent_field: str | None = None
    # The create page's title; "New <model>" by default (see ObjectListView.create_label).
    create_title = None

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    @property
    def permission_action(self):
        return "change" if "pk" in self.kwargs else "add"

    def get_object(self):
        obj = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404
        if not can(self.request.user, "change", obj):
            raise PermissionDenied
        return obj

    def get_queryset(self):
        return self.queryset.all() if self.queryset is not None else self.model._default_manager

    def get(self, request, *args, **kwargs):
        if "pk" in self.kwargs:
            self.object = self.get_object()
        elif not self.may_add_to_requested_parent():
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def may_add_to_requested_parent(self) -> bool:
        """A create page opened for a parent (``?project=3``) is refused if adding to it is.

        An unknown parent is left to the form, which offers only the allowed ones.
        """
        value = self.request.GET.get(self.parent_field) if self.parent_field else None
        if not value or not value.isdigit():
            return True
        model = self.get_rules_model()
        parent_model = model._meta.get_field(self.parent_field).related_model
        parent = parent_model._default_manager.filter(pk=value).first()
        return parent is None or can(self.request.user, "add", model, parent=parent)

    def post(self, request, *args, **kwargs):
        if "pk" in self.kwargs:
            self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A ModelForm validates by writing onto its instance: give it its own copy, so that
        # the service compares against the stored row and saves what really changed.
        kwargs["instance"] = (
            self.get_queryset().get(pk=self.object.pk) if self.object is not None else None
        )
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        # Prefill from the query string, e.g. "add a milestone" from a project page.
        for name, value in self.request.GET.items():
            initial.setdefault(name, value)
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        if self.parent_field and data.get(self.parent_field) is not None:
            parent = data[self.parent_field]
            if not can(self.request.user, "add", self.get_rules_model(), parent=parent):
                form.add_error(self.parent_field, _("You may not add to this one."))
                return self.form_invalid(form)
        try:
            with transaction.atomic():
                if self.object is None:
                    self.object = type(self).create_service(actor=self.request.user, **data)
                    messages.success(
                        self.request, _("Created %(object)s.") % {"object": self.object}
                    )
                else:
                    type(self).update_service(self.object, actor=self.request.user, **data)
                    messages.success(self.request, _("Saved %(object)s.") % {"object": self.object})
        except ValidationError as error:
            return self._invalid_with(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        except IntegrityError:
            form.add_error(None, CONCURRENT_CONFLICT_MESSAGE)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())

    def _invalid_with(self, form, error: ValidationError):
        error_map(form, error)
        return self.form_invalid(form)

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.get_rules_model()._meta
        context["object"] = self.object
        context["model_meta"] = meta
        if self.object is None:
            context["title"] = self.create_title or _("New %(model)s") % {
                "model": meta.verbose_name
            }
        else:
            context["title"] = _("Edit %(object)s") % {"object": self.object}
        context["cancel_url"] = (
            self.object.get_absolute_url() if self.object else self.request.GET.get("next") or ""
        )
        return context


class SettingsView(RuleRequiredMixin, FormView):
    """A PMO setting kept in one row (a :class:`pmo.models.SettingsModel`): the form edits a
    copy of the row in force, ``update_service(actor=..., **cleaned_data)`` saves it, and the
    page comes back with ``success_message``. The row in force is in the template's context
    as ``context_object_name``."""

    permission_action = "change"
    update_service = None
    success_message = ""
    success_url_name = ""
    title = ""
    context_object_name = "setting"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: the form validates by writing onto its instance, the service saves.
        current = self.model.get()
        fields = self.get_form_class()._meta.fields
        kwargs["instance"] = self.model(**{name: getattr(current, name) for name in fields})
        return kwargs

    def form_valid(self, form):
        try:
            type(self).update_service(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            error_map(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(reverse(self.success_url_name))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context[self.context_object_name] = self.model.get()
        return context
