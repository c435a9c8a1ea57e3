"""Base forms: every form knows who fills it, to offer only what that user may choose."""

from django import forms


class UserAwareModelForm(forms.ModelForm):
    """ModelForm taking ``user``; it validates, the view's service saves."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"
                field.widget.format = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
