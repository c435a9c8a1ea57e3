"""Pages of project requests (launch notes): the list, a request's page with its history,
filing and editing, and the workflow buttons (submit, withdraw, accept, reject) that post
here and come back to the request's page.

A request one may not see answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from pmo.exceptions import CONCURRENT_CONFLICT_MESSAGE, WorkflowError
from pmo.rules import can
from pmo.views import ObjectDetailView, ObjectEditView, ObjectListView, RuleRequiredMixin, error_map
from projects.choices import RequestState
from projects.filtersets.intake import ProjectRequestFilterSet
from projects.forms.intake import ProjectRequestForm, RequestAcceptForm, RequestRejectForm
from projects.models import ProjectRequest
from projects.selectors.intake import request_list_for
from projects.services import intake as services
from projects.tables.intake import ProjectRequestTable


def request_url(request: ProjectRequest) -> str:
    return reverse("projects:request_detail", args=[request.pk])


class VisibleRequestsMixin:
    """Only the requests the user may see exist for them."""

    def get_queryset(self):
        return request_list_for(self.request.user)


class RequestListView(VisibleRequestsMixin, ObjectListView):
    model = ProjectRequest
    filterset_class = ProjectRequestFilterSet
    table_class = ProjectRequestTable
    template_name = "projects/intake/request_list.html"
    create_url_name = "projects:request_create"
    create_label = gettext_lazy("New request")
    title = gettext_lazy("Project requests")


class RequestDetailView(VisibleRequestsMixin, ObjectDetailView):
    """A request, its history (filed, submitted, reviewed, the project it became) and the
    workflow steps the user may take in its state."""

    model = ProjectRequest
    template_name = "projects/intake/request_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(request_actions(self.request.user, self.object))
        context.setdefault("accept_form", RequestAcceptForm())
        context.setdefault("reject_form", RequestRejectForm())
        return context


def request_actions(user, obj: ProjectRequest) -> dict:
    """Which buttons the request's page offers ``user``, from the rules and the state."""
    state = obj.state
    return {
        "can_edit": can(user, "change", obj)
        and state
        in (services.PMO_EDITABLE_STATES if can(user, "review", obj) else (RequestState.DRAFT,)),
        "can_submit": state == RequestState.DRAFT and can(user, "submit", obj),
        "can_withdraw": state in (RequestState.DRAFT, RequestState.SUBMITTED)
        and can(user, "withdraw", obj),
        "can_review": state == RequestState.SUBMITTED and can(user, "review", obj),
    }


class RequestEditView(VisibleRequestsMixin, ObjectEditView):
    """File a request, or edit one (its author while a draft; the PMO while a draft or
    submitted: otherwise the page says why and goes back)."""

    model = ProjectRequest
    form_class = ProjectRequestForm
    create_service = services.request_create
    update_service = services.request_update
    create_title = gettext_lazy("New project request")

    def get_object(self):
        obj = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404
        if not can(self.request.user, "change", obj):
            raise PermissionDenied
        return obj

    def get(self, request, *args, **kwargs):
        if "pk" in self.kwargs:
            obj = self.get_object()
            if not request_actions(request.user, obj)["can_edit"]:
                messages.error(request, _("This request can no longer be edited."))
                return HttpResponseRedirect(request_url(obj))
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except WorkflowError as error:
            messages.error(self.request, error.message)
            return HttpResponseRedirect(request_url(self.object))

    def get_success_url(self):
        return request_url(self.object)

    def get_context_data(self, **kwargs):
        # The base's title and cancel link need get_absolute_url(), which requests lack.
        context = super(ObjectEditView, self).get_context_data(**kwargs)
        context["object"] = self.object
        context["model_meta"] = ProjectRequest._meta
        if self.object is None:
            context["title"] = self.create_title
            context["cancel_url"] = reverse("projects:request_list")
        else:
            context["title"] = _("Edit %(object)s") % {"object": self.object}
            context["cancel_url"] = request_url(self.object)
        return context


class RequestStepView(VisibleRequestsMixin, RuleRequiredMixin, View):
    """One workflow step on a request, POST only; back to its page with a message. A step
    the state does not allow answers 409 with the page and the reason; a bad form, 400 with
    the page and the form's errors."""

    model = ProjectRequest
    rules_action = "view"
    form_class = None
    # The name of the step's form in the page's context (accept_form, reject_form).
    form_name = None

    def get_object(self, pk) -> ProjectRequest:
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise Http404
        if not can(self.request.user, self.rules_action, obj):
            raise PermissionDenied
        return obj

    def get(self, request, pk):
        raise Http404

    def post(self, request, pk):
        obj = self.get_object(pk)
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            return self.page(obj, status=400, form=form)
        data = form.cleaned_data if form is not None else {}
        try:
            with transaction.atomic():
                message = self.run(obj, **data)
        except WorkflowError as error:
            messages.error(request, error.message)
            return self.page(obj, status=409)
        except ValidationError as error:
            error_map(form, error)
            return self.page(obj, status=400, form=form)
        except IntegrityError:
            messages.error(request, CONCURRENT_CONFLICT_MESSAGE)
            return self.page(obj, status=409)
        messages.success(request, message)
        return HttpResponseRedirect(request_url(obj))

    def run(self, obj, **data) -> str:
        raise NotImplementedError

    def page(self, obj, *, status, form=None):
        """The request's page as it now stands, with the step's form (and its errors)."""
        view = RequestDetailView(request=self.request, kwargs={"pk": obj.pk})
        view.object = self.get_queryset().get(pk=obj.pk)
        context = view.get_context_data(object=view.object)
        if form is not None:
            context[self.form_name] = form
            context["open_step"] = self.form_name
        return render(self.request, view.template_name, context, status=status)


class RequestSubmitView(RequestStepView):
    rules_action = "submit"

    def run(self, obj, **data):
        services.request_submit(obj, actor=self.request.user)
        return _("Request submitted to the PMO.")


class RequestWithdrawView(RequestStepView):
    rules_action = "withdraw"

    def run(self, obj, **data):
        services.request_withdraw(obj, actor=self.request.user)
        return _("Request withdrawn.")


class RequestAcceptView(RequestStepView):
    """Accept (PMO): the project is created; the page links to it."""

    rules_action = "review"
    form_class = RequestAcceptForm
    form_name = "accept_form"

    def run(self, obj, **data):
        project = services.request_accept(obj, actor=self.request.user, **data)
        return _("Request accepted: %(project)s created in the idea phase.") % {"project": project}


class RequestRejectView(RequestStepView):
    rules_action = "review"
    form_class = RequestRejectForm
    form_name = "reject_form"

    def run(self, obj, **data):
        services.request_reject(obj, actor=self.request.user, **data)
        return _("Request rejected.")
