"""Both locales complete: every source string has a French translation, none fuzzy."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

FRENCH_PO = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def msgfmt_statistics(po_file) -> str:
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    statistics = msgfmt_statistics(FRENCH_PO)

    assert "untranslated" not in statistics
    assert "fuzzy" not in statistics


def test_every_source_string_of_code_and_templates_is_in_the_french_catalogue(
    tmp_path, monkeypatch
):
    # Given a copy of the sources and their catalogue (makemessages writes next to what it
    # reads, so it must not run on the real tree), when it collects today's source strings,
    # then nothing new appears untranslated: no string was added without its French.
    source = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "tests", "__pycache__", "*.mo", "node_modules", "bench"
        ),
    )
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[source / "locale"]):
        call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0)

    statistics = msgfmt_statistics(source / "locale" / "fr" / "LC_MESSAGES" / "django.po")

    assert "untranslated" not in statistics, statistics
    assert "fuzzy" not in statistics, statistics


@pytest.mark.parametrize(("language", "expected"), [("fr", "Projet"), ("en", "Project")])
def test_compiled_catalogue_translates_in_each_language(language, expected):
    with translation.override(language):
        assert translation.gettext("Project") == expected
