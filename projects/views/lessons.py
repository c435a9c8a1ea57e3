"""Pages of lessons learned (REX): the library with its search and filters, a lesson's page,
capture and edit, and the feedback on lessons suggested to new projects.

Suggestions themselves are shown on the project page (``projects.lessons_panels``); their
Applied / Not relevant buttons post here.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from pmo.exceptions import WorkflowError
from pmo.rules import can
from pmo.views import ObjectDetailView, ObjectEditView, ObjectListView, RuleRequiredMixin
from projects.filtersets.lessons import LessonFeedbackFilterSet, LessonFilterSet
from projects.forms.lessons import LessonFeedbackForm, LessonForm
from projects.models import Lesson, LessonFeedback
from projects.selectors.lessons import lesson_feedback_list, lesson_list
from projects.services import lessons as services
from projects.tables.lessons import LessonFeedbackTable, LessonTable


class LessonListView(ObjectListView):
    """The library: every lesson, newest first (best match first when searching)."""

    model = Lesson
    filterset_class = LessonFilterSet
    table_class = LessonTable
    template_name = "projects/lessons/lesson_list.html"
    create_url_name = "projects:lesson_create"
    create_label = gettext_lazy("New lesson")
    title = gettext_lazy("Lessons learned")

    def get_queryset(self):
        return lesson_list()


class LessonDetailView(ObjectDetailView):
    model = Lesson
    template_name = "projects/lessons/lesson_detail.html"

    def get_queryset(self):
        return lesson_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_delete"] = can(self.request.user, "delete", self.object)
        context["feedback"] = lesson_feedback_list().filter(lesson=self.object)
        return context


class LessonEditView(ObjectEditView):
    """Capture a lesson (opened from a project's page, that project is chosen) or edit one."""

    model = Lesson
    form_class = LessonForm
    parent_field = "project"
    create_service = services.lesson_create
    update_service = services.lesson_update
    create_title = gettext_lazy("New lesson")

    def get_success_url(self):
        return reverse("projects:lesson_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super(ObjectEditView, self).get_context_data(**kwargs)
        context["object"] = self.object
        context["model_meta"] = Lesson._meta
        if self.object is None:
            context["title"] = self.create_title
            context["cancel_url"] = self.request.GET.get("next") or reverse("projects:lesson_list")
        else:
            context["title"] = _("Edit %(object)s") % {"object": self.object}
            context["cancel_url"] = reverse("projects:lesson_detail", args=[self.object.pk])
        return context


class LessonDeleteView(RuleRequiredMixin, View):
    """Delete a lesson (PMO), from its page; POST only."""

    model = Lesson
    permission_action = "delete"

    def post(self, request, pk):
        lesson = get_object_or_404(Lesson, pk=pk)
        services.lesson_delete(lesson, actor=request.user)
        messages.success(request, _("Deleted %(object)s.") % {"object": lesson})
        return HttpResponseRedirect(reverse("projects:lesson_list"))


class LessonFeedbackSetView(RuleRequiredMixin, View):
    """Applied / Not relevant on a lesson suggested to a project (its manager or the PMO);
    POST only, back to the project's page."""

    model = LessonFeedback
    permission_action = "add"

    def post(self, request, pk):
        lesson = get_object_or_404(Lesson, pk=pk)
        form = LessonFeedbackForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Choose a project and a state."))
        project = form.cleaned_data["project"]
        if not can(request.user, "add", LessonFeedback, parent=project):
            raise PermissionDenied
        try:
            feedback, _created = services.lesson_feedback_set(
                actor=request.user, lesson=lesson, **form.cleaned_data
            )
        except ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages))
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("“%(lesson)s” marked %(state)s.")
                % {"lesson": lesson, "state": feedback.get_state_display().lower()},
            )
        return HttpResponseRedirect(f"{project.get_absolute_url()}#suggested-lessons")

    def get(self, request, pk):
        raise Http404


class LessonFeedbackListView(ObjectListView):
    """What projects made of the lessons suggested to them, by project."""

    model = LessonFeedback
    filterset_class = LessonFeedbackFilterSet
    table_class = LessonFeedbackTable
    template_name = "projects/lessons/lesson_list.html"
    title = gettext_lazy("Feedback on suggested lessons")

    def get_queryset(self):
        return lesson_feedback_list()
