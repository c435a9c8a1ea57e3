"""Reading cost entries from a file: CSV (UTF-8, with or without BOM, ``;`` or ``,``) or XLSX
(the first sheet), one entry per row under a header row.

The reader only normalises what the file's conventions make ambiguous (French or English
headers and labels, a decimal comma, DD/MM/YYYY dates, Excel's floats and dates); it checks
nothing else. The rows go to :func:`projects.services.finance.cost_entries_import`, which
checks them exactly as the bulk endpoint does and names each error by the row's line in the
file (the header is line 1). A value the reader cannot make sense of is passed on as it was
written, so that the check says what is wrong with it, on its row.
"""

import csv
import datetime
import io
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from projects.choices import CostCategory, CostKind, Nature

# The default of settings.IMPORT_MAX_BYTES; read the setting through max_file_size().
MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 10_000
ROW_NUMBER = "row_number"
EXTENSIONS = (".csv", ".xlsx")
CENT = Decimal("0.01")

# Header names, once lower-cased, stripped of accents and with spaces and dashes as "_".
HEADERS = {
    "project": "project_code",
    "project_code": "project_code",
    "projet": "project_code",
    "code_projet": "project_code",
    "date": "date",
    "kind": "kind",
    "type": "kind",
    "nature": "nature",
    "category": "category",
    "categorie": "category",
    "amount": "amount",
    "montant": "amount",
    "label": "label",
    "libelle": "label",
    "supplier": "supplier",
    "fournisseur": "supplier",
    "external_reference": "external_reference",
    "reference": "external_reference",
    "reference_externe": "external_reference",
}
REQUIRED_COLUMNS = ("project_code", "date", "nature", "category", "amount")
# The columns of the downloadable templates, in their order, with an example row.
TEMPLATE_HEADER = (
    "project",
    "date",
    "kind",
    "nature",
    "category",
    "amount",
    "label",
    "supplier",
    "external_reference",
)

# French words for the choices, beside the codes and the labels of both languages: files
# typed in French use them whatever the state of the translation catalogue.
FRENCH_WORDS = {
    "kind": {
        "reel": CostKind.ACTUAL,
        "realise": CostKind.ACTUAL,
        "engagement": CostKind.COMMITMENT,
        "engage": CostKind.COMMITMENT,
        "commande": CostKind.COMMITMENT,
    },
    "nature": {"investissement": Nature.CAPEX, "fonctionnement": Nature.OPEX},
    "category": {
        "main_d_oeuvre_interne": CostCategory.INTERNAL_LABOUR,
        "main_d_uvre_interne": CostCategory.INTERNAL_LABOUR,
        "prestations_externes": CostCategory.EXTERNAL_SERVICES,
        "services_externes": CostCategory.EXTERNAL_SERVICES,
        "logiciel": CostCategory.SOFTWARE,
        "logiciels": CostCategory.SOFTWARE,
        "materiel": CostCategory.HARDWARE,
        "autre": CostCategory.OTHER,
        "autres": CostCategory.OTHER,
    },
}
CHOICE_SETS = {"kind": CostKind, "nature": Nature, "category": CostCategory}

# How executables and other binary files begin: a CSV is text, and an .exe renamed .csv must be
# refused as what it is, not read as an oddly encoded CSV.
BINARY_SIGNATURES = (b"MZ", b"\x7fELF", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z")

DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
# Grouping spaces a spreadsheet may write: space, no-break space, narrow no-break space.
SPACES = re.compile(r"[\s\u00a0\u202f]+")


def normalise(text: str) -> str:
    """Lower-case, without accents, words joined by "_": "Catégorie" and "categorie" meet."""
    decomposed = unicodedata.normalize("NFKD", str(text).strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain.replace("œ", "oe")).strip("_")


def _choice_aliases() -> dict[str, dict[str, str]]:
    """For each choice field, every accepted spelling (normalised) and its code."""
    aliases = {}
    for name, choices in CHOICE_SETS.items():
        known = {normalise(code): code for code in choices.values}
        for language in ("en", "fr"):
            with translation.override(language):
                known.update({normalise(str(label)): code for code, label in choices.choices})
        known.update(FRENCH_WORDS[name])
        aliases[name] = known
    return aliases


def max_file_size() -> int:
    """The largest file read, in bytes (settings.IMPORT_MAX_BYTES, from the environment)."""
    return getattr(settings, "IMPORT_MAX_BYTES", MAX_FILE_SIZE)


class CostFileError(ValidationError):
    """The file as a whole cannot be read (type, size, encoding, columns): said on the form's
    file field, before any row is looked at."""


def read_cost_file(uploaded_file, *, name: str | None = None) -> list[dict]:
    """The rows of a CSV or XLSX file of cost entries, as dicts ready for the import check.

    Each dict has the row's line in the file under ``row_number`` (the header is line 1) and
    the values of the columns the header names (English or French names, any case): project
    (a code), date, kind, nature, category, amount, label, supplier, external reference.
    Blank rows are skipped. Raises :class:`CostFileError` when the file is not a CSV or an
    XLSX file, is larger than settings.IMPORT_MAX_BYTES, holds more than 10,000 rows or lacks
    a required column.
    """
    name = name if name is not None else getattr(uploaded_file, "name", "") or ""
    limit = max_file_size()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise _too_big()
    # Never more than the limit in memory, whatever size the upload claims.
    content = uploaded_file.read(limit + 1)
    if len(content) > limit:
        raise _too_big()
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        raise CostFileError(
            _("Send a CSV (.csv) or Excel (.xlsx) file; this one is “%(name)s”.") % {"name": name}
        )
    if not content.strip():
        raise CostFileError(_("The file is empty."))
    table = _xlsx_rows(content) if extension == ".xlsx" else _csv_rows(content)
    return _rows_from_table(table)


def _too_big() -> CostFileError:
    return CostFileError(too_big_message())


def too_big_message() -> str:
    return _("The file is larger than %(size)s MB; split it.") % {"size": size_in_mb()}


def size_in_mb() -> str:
    """The limit in MB as a reader says it: "5", or "0.5" for a limit below a whole MB."""
    megabytes = max_file_size() / 2**20
    if megabytes == int(megabytes):
        return formats.number_format(int(megabytes))
    return formats.number_format(megabytes, 1)


def _csv_rows(content: bytes) -> list[tuple[int, list]]:
    if content.startswith(b"PK\x03\x04"):
        raise CostFileError(_("This file is an Excel workbook: name it .xlsx."))
    if content.startswith(BINARY_SIGNATURES) or b"\x00" in content[:4096]:
        raise CostFileError(
            _("This file is not a CSV file (it is not text); send a CSV or an Excel file.")
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CostFileError(
            _("This CSV file is not in UTF-8; save it as “CSV UTF-8” and send it again.")
        ) from error
    header_line = text.split("\n", 1)[0]
    # The header has no decimal comma to mislead the count: its separator is the file's.
    delimiter = max((";", ",", "\t"), key=header_line.count)
    try:
        return [
            (line, row)
            for line, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
        ]
    except csv.Error as error:
        raise CostFileError(
            _("This CSV file could not be read: %(error)s") % {"error": error}
        ) from error


def _xlsx_rows(content: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise CostFileError(_("This file is not an Excel (.xlsx) workbook."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a damaged workbook fails in many ways; none may be a 500
        raise CostFileError(_("This Excel file could not be read.")) from error
    rows = []
    data_rows = 0
    try:
        for line, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            values = list(row)
            if line > 1 and _blank(values):
                continue
            rows.append((line, values))
            data_rows += line > 1
            if data_rows > MAX_ROWS:
                raise _too_many()
    except CostFileError:
        raise
    except Exception as error:  # read lazily: a damaged sheet fails here, not on opening
        raise CostFileError(_("This Excel file could not be read.")) from error
    finally:
        workbook.close()
    return rows


def _too_many() -> CostFileError:
    return CostFileError(
        _("The file holds more than %(count)s rows; split it.")
        % {"count": formats.number_format(MAX_ROWS, 0, force_grouping=True)}
    )


def _blank(values: list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _rows_from_table(table: list[tuple[int, list]]) -> list[dict]:
    if not table:
        raise CostFileError(_("The file is empty."))
    header_line, header = table[0]
    columns = {}
    for position, title in enumerate(header):
        if title is None or not str(title).strip():
            continue
        target = HEADERS.get(normalise(title))
        if target is None:
            continue  # a column of the sender's own: left aside
        if target in columns.values():
            raise CostFileError(
                _("Two columns mean the same thing (%(column)s).") % {"column": title}
            )
        columns[position] = target
    missing = [c for c in REQUIRED_COLUMNS if c not in columns.values()]
    if missing:
        names = {
            "project_code": _("project"),
            "date": _("date"),
            "nature": _("nature"),
            "category": _("category"),
            "amount": _("amount"),
        }
        raise CostFileError(
            _("The header row (line %(line)s) lacks the column(s): %(columns)s.")
            % {"line": header_line, "columns": ", ".join(str(names[c]) for c in missing)}
        )
    aliases = _choice_aliases()
    rows = []
    for line, values in table[1:]:
        if _blank(values):
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many()
        row = {ROW_NUMBER: line}
        for position, target in columns.items():
            value = values[position] if position < len(values) else None
            row[target] = _cell(target, value, aliases)
        rows.append(row)
    if not rows:
        raise CostFileError(_("The file has a header but no entry."))
    return rows


def _cell(target: str, value, aliases):
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    if target == "date":
        return read_date(value)
    if target == "amount":
        return read_amount(value)
    if target in aliases:
        return aliases[target].get(normalise(value), value) if isinstance(value, str) else value
    if target == "project_code" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | float):
        return str(value)
    return value


def read_date(value):
    """A date written ISO (2026-03-15) or day first (15/03/2026), or an Excel date; anything
    else is returned as it was, for the check to refuse."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return value
    match = ISO_DATE.fullmatch(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = DMY_DATE.fullmatch(value)
        if not match:
            return value
        day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return value


def read_amount(value):
    """An amount as a Decimal: Excel's numbers through their shortest text, rounded to the
    cent (a float is never kept); text with a decimal comma or point, grouped by spaces
    ("1 234,56") or by the other mark ("1,234.56", "1.234,56"). Anything else is returned as
    it was, for the check to refuse."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return value
    if not isinstance(value, str):
        return value
    text = SPACES.sub("", value).replace("€", "")
    if "," in text and "." in text:
        # The last mark is the decimal one; the other groups thousands.
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        text = text.replace(grouping, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "") if _grouped(text) else text
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return value
    return amount if amount.is_finite() else value


def _grouped(text: str) -> bool:
    """Whether "1.234.567" or "1,234,567" is digits grouped by threes."""
    return bool(re.fullmatch(r"[+-]?\d{1,3}([.,]\d{3})+", text))


def template_rows() -> list[list]:
    """The header and one example row of the downloadable templates."""
    return [
        list(TEMPLATE_HEADER),
        [
            "PRJ-001",
            "2026-03-15",
            CostKind.ACTUAL.value,
            Nature.CAPEX.value,
            CostCategory.EXTERNAL_SERVICES.value,
            "1234.56",
            "Design workshop, March",
            "ACME Consulting",
            "INV-2026-0042",
        ],
    ]


# --- an uploaded file kept between its preview and its confirmation ------------------------
# Kept through Django's storage (any process of any machine may serve the confirmation), with
# who uploaded it beside it: the confirmation reads the file again and trusts nothing the
# browser sends back but the token.

IMPORT_FOLDER = "imports"


@dataclass(frozen=True)
class StoredImport:
    """A file uploaded for import, waiting for its confirmation."""

    token: str
    name: str
    user_id: int
    uploaded_at: str

    @property
    def path(self) -> str:
        return f"{IMPORT_FOLDER}/{self.token}"

    @property
    def meta_path(self) -> str:
        return f"{self.path}.json"


def store_upload(uploaded_file, *, user) -> StoredImport:
    """Keep ``uploaded_file`` under ``imports/<uuid>`` with its name and uploader."""
    stored = StoredImport(
        token=str(uuid.uuid4()),
        name=getattr(uploaded_file, "name", "") or "",
        user_id=user.pk,
        uploaded_at=timezone.now().isoformat(),
    )
    uploaded_file.seek(0)
    default_storage.save(stored.path, uploaded_file)
    meta = {"name": stored.name, "user": stored.user_id, "uploaded_at": stored.uploaded_at}
    default_storage.save(stored.meta_path, ContentFile(json.dumps(meta).encode()))
    return stored


def stored_upload(token: str, *, user) -> StoredImport | None:
    """The file uploaded under ``token`` by ``user``; None when there is none (or it is
    someone else's, which is the same to them)."""
    stored = StoredImport(token=str(token), name="", user_id=0, uploaded_at="")
    try:
        with default_storage.open(stored.meta_path) as meta_file:
            meta = json.loads(meta_file.read())
    except (OSError, ValueError):
        return None
    if meta.get("user") != user.pk or not default_storage.exists(stored.path):
        return None
    return StoredImport(
        token=stored.token,
        name=meta.get("name", ""),
        user_id=meta["user"],
        uploaded_at=meta.get("uploaded_at", ""),
    )


def read_stored_upload(stored: StoredImport) -> list[dict]:
    """The rows of a stored upload, read again from the file."""
    with default_storage.open(stored.path) as stored_file:
        return read_cost_file(stored_file, name=stored.name)


def discard_upload(stored: StoredImport) -> None:
    """Forget a stored upload (after its import, or when it is abandoned)."""
    for path in (stored.path, stored.meta_path):
        default_storage.delete(path)
