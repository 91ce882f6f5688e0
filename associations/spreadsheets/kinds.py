"""Kinds of records the spreadsheets carry, and the registry apps fill.

A kind is a django-import-export Resource whose fields are `Column`s. Each app
lists its kinds in `<app>/imports.py` with `@register`; the registry imports
those modules on first use, so lower apps never import higher ones.

A kind module declares its columns and four methods: `export_queryset`,
`prepare` (batch look-ups for a chunk of rows), `create` and `update` (both
through the app's services). Everything else — reading the file, header
matching (traditional characters too), all-or-nothing, duplicate rows, scope of
existing rows, unchanged detection, masking, the documentation sheet — is here
and in `importing.py` / `exporting.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from associations.models import Association

from .cells import Cell, simplified

PERSONAL_DATA_PERMISSION = "members.view_personal_data"


class Column(Field):
    """One spreadsheet column: its header (a stable contract), widget and documentation."""

    def __init__(
        self,
        header: str,
        attribute: str,
        widget: Cell,
        *,
        required: bool = False,
        key: bool = False,
        personal: bool = False,
        readonly: bool = False,
        help: str = "",
        example: Any = None,
        aliases: Iterable[str] = (),
    ) -> None:
        super().__init__(attribute=attribute, column_name=header, widget=widget, readonly=readonly)
        self.required = (required or key) and not readonly
        self.key = key
        self.personal = personal
        self.help = help
        self.example = example
        self.aliases = tuple(aliases)

    def header_forms(self) -> set[str]:
        return {simplified(self.column_name), *(simplified(a) for a in self.aliases)}


class RowError(Exception):
    """A problem with one cell (field name) or the whole row (field None)."""

    def __init__(self, field_name: str | None, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message


@dataclass
class Row:
    """One data row: its Excel row number, cleaned values by field name, and problems."""

    number: int
    values: dict[str, Any]
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    obj: Any = None  # the stored row once written
    raw: dict[str, Any] = field(default_factory=dict)  # the cells as typed, by field name

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def given(self, names: Iterable[str]) -> dict[str, Any]:
        """The cells of these fields that hold a value (empty cells take the defaults)."""
        return {name: self.values[name] for name in names if self.values.get(name) is not None}

    def error(self, field_name: str | None, message: str) -> None:
        self.errors.append((field_name, str(message)))


def scope_path_of(obj: models.Model, lookup: str) -> str | None:
    """Follow a queryset's `scope_path_lookup` ("household__association__path") on one object."""
    value: Any = obj
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


class Lookup:
    """Rows referred to by a natural key in the file (an association's code, a member's ID),
    fetched a chunk at a time and checked against the importing user's scope."""

    def __init__(
        self,
        queryset: models.QuerySet,
        attribute: str,
        within: Association | None,
        *,
        display: Callable[[Any], str] = str,
    ) -> None:
        self.queryset = queryset.annotate(_scope_path=F(queryset.scope_path_lookup))
        self.attribute = attribute
        self.within = within
        self.display = display  # how a value may appear in a message (ID numbers masked)
        self.cache: dict[Any, models.Model | None] = {}

    def prefetch(self, values: Iterable[Any]) -> None:
        missing = {v for v in values if v is not None and v not in self.cache}
        if not missing:
            return
        found = self.queryset.filter(**{f"{self.attribute}__in": missing})
        for obj in found:
            self.cache[getattr(obj, self.attribute)] = obj
        for value in missing:
            self.cache.setdefault(value, None)

    def remember(self, obj: models.Model) -> None:
        """A row created by this import: later rows may refer to it."""
        obj._scope_path = scope_path_of(obj, self.queryset.scope_path_lookup)
        self.cache[getattr(obj, self.attribute)] = obj

    def forget(self) -> None:
        self.cache.clear()

    def visible(self, obj: models.Model) -> bool:
        path = getattr(obj, "_scope_path", None)
        return self.within is None or (path is not None and path.startswith(self.within.path))

    def get(self, value: Any, field_name: str, label: str) -> models.Model:
        """The row for `value`, or a RowError that does not reveal rows outside the scope."""
        if value not in self.cache:
            self.prefetch([value])
        obj = self.cache.get(value)
        if obj is not None and self.visible(obj):
            return obj
        if self.within is None:
            message = _("%(label)s“%(value)s”不存在。")
        else:
            message = _("%(label)s“%(value)s”不存在，或不在您的管辖范围内。")
        raise RowError(field_name, message % {"label": label, "value": self.display(value)})


class RecordResource(resources.Resource):
    """Base of every kind. Subclasses declare Columns and `Meta.model`."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""
    # Lines added to the documentation sheet under the column table.
    notes: ClassVar[tuple[str, ...]] = ()
    # Service error keys that are not column attributes, mapped to field names.
    error_fields: ClassVar[dict[str, str]] = {}
    # True: new rows are written a chunk at a time by `create_rows` (a bulk service).
    creates_in_bulk: ClassVar[bool] = False

    def __init__(self, by=None, reveal: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The actor: every row is written through the services as `by`, within its scope.
        self.by = by
        # False: personal columns are masked even for an actor allowed to see them (the
        # everyday export); a full export is a logged reveal with a purpose.
        self.reveal = reveal
        self.within: Association | None = getattr(by, "association", None) if by else None

    @classmethod
    def has_personal_columns(cls) -> bool:
        return any(getattr(field, "personal", False) for field in cls.fields.values())

    @classmethod
    def get_display_name(cls) -> str:
        return str(cls.label or cls.__name__)

    # ── columns ──────────────────────────────────────────────────────────────

    def columns(self) -> list[tuple[str, Column]]:
        return list(self.fields.items())

    def key_names(self) -> list[str]:
        keys = self.__dict__.get("_keys")
        if keys is None:
            keys = self._keys = [name for name, column in self.columns() if column.key]
        return keys

    def field_for_error(self, key: str) -> str | None:
        """Which column a service's error key belongs to (None: the whole row)."""
        if key in self.error_fields:
            return self.error_fields[key]
        for name, column in self.columns():
            if column.attribute == key or column.attribute.startswith(key + "__"):
                return name
        return None

    # ── export ───────────────────────────────────────────────────────────────

    @property
    def may_see_personal(self) -> bool:
        """Full personal data only with the permission (commands act as the system actor)."""
        return self.reveal and self.by is not None and self.by.has_perm(PERSONAL_DATA_PERMISSION)

    def export_field(self, field: Field, instance: models.Model, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        if getattr(field, "personal", False) and not self.may_see_personal:
            return field.widget.mask(value)
        return value

    def export_row(self, obj: models.Model) -> list[Any]:
        """One exported row (the same values `export_resource` gives, without its per-row
        field-order bookkeeping, which matters at 100,000 rows)."""
        plan = self.__dict__.get("_export_plan")
        if plan is None:
            plan = []
            for name, column in self.columns():
                method = getattr(self, f"dehydrate_{name}", None)
                masked = column.personal and not self.may_see_personal
                plan.append((column, method, masked))
            self._export_plan = plan
        values = []
        for column, method, masked in plan:
            value = method(obj) if method else column.export(obj)
            values.append(column.widget.mask(value) if masked else value)
        return values

    def export_queryset(self, scope: Association) -> models.QuerySet:
        """Rows under `scope` in an order that imports back (parents first), relations joined."""
        raise NotImplementedError

    def scoped_export_queryset(self, scope: Association) -> models.QuerySet:
        queryset = self.export_queryset(scope)
        return queryset.visible_to(self.by)

    def filtered(self, queryset: models.QuerySet, filters: dict[str, Any]) -> models.QuerySet:
        """The rows a staff list shows with `filters` (its selector's keyword arguments, as
        JSON values), so an export is exactly the filtered list. Kinds whose list filters
        override this; by default every row of the scope."""
        return queryset

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        """The admin's export queryset, joined like ours so it does not query per row."""
        related = self.export_queryset_related()
        return queryset.select_related(*related) if related else queryset

    def export_queryset_related(self) -> list[str]:
        paths = set()
        for _name, column in self.columns():
            if "__" in column.attribute:
                paths.add(column.attribute.rsplit("__", 1)[0])
        return sorted(paths)

    # ── import hooks ─────────────────────────────────────────────────────────

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        """Rows already stored, by natural key (one query on the first key column)."""
        names = self.key_names()
        attributes = [self.fields[name].attribute for name in names]
        first = {row.values.get(names[0]) for row in rows} - {None}
        if not first:
            return {}
        queryset = self._meta.model._default_manager.all()
        queryset = queryset.annotate(_scope_path=F(queryset.scope_path_lookup))
        related = {a.rsplit("__", 1)[0] for a in attributes if "__" in a}
        related |= set(self.export_queryset_related())
        queryset = queryset.select_related(*sorted(related)) if related else queryset
        found = queryset.filter(**{f"{attributes[0]}__in": first})
        return {tuple(self.fields[n].get_value(obj) for n in names): obj for obj in found}

    def in_scope(self, obj: models.Model) -> bool:
        return self.within is None or obj._scope_path.startswith(self.within.path)

    def prepare(self, rows: list[Row]) -> None:
        """Fetch, a chunk at a time, whatever `create`/`update` will look up."""

    def check(self, row: Row, obj: models.Model | None) -> None:
        """Checks across cells of one row, before anything is written (add to row.errors)."""

    def current(self, obj: models.Model, name: str) -> Any:
        """The stored value a cell is compared with to tell "unchanged"."""
        return self.fields[name].get_value(obj)

    def changes(self, obj: models.Model, row: Row) -> dict[str, Any]:
        """Cells that differ from what is stored; an empty cell keeps the stored value."""
        keys = set(self.key_names())
        return {
            name: value
            for name, value in row.values.items()
            if value is not None and name not in keys and self.current(obj, name) != value
        }

    def create(self, row: Row) -> models.Model:
        raise NotImplementedError

    def update(self, obj: models.Model, row: Row, changed: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def create_rows(self, rows: list[Row]) -> None:
        """With `creates_in_bulk`: write a chunk's new rows, adding errors to the bad ones."""
        raise NotImplementedError

    # ── django-import-export entry point (the admin) ─────────────────────────

    def import_data(self, dataset, dry_run: bool = False, raise_errors: bool = False, **kwargs):
        """The admin's import goes through the same all-or-nothing engine as the pages."""
        from .importing import admin_import

        return admin_import(self, dataset, dry_run=dry_run, by=kwargs.get("user") or self.by)


_registry: dict[str, type[RecordResource]] = {}
_discovered = False


def register(resource: type[RecordResource]) -> type[RecordResource]:
    """Class decorator for kinds in `<app>/imports.py`."""
    if not resource.kind:
        raise ValueError(f"{resource.__name__} has no kind name")
    _registry[resource.kind] = resource
    return resource


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("imports")
        _discovered = True


def kinds() -> list[type[RecordResource]]:
    """Every kind, the lower apps' first (the network, then people, then their work), each
    app's in the order it registers them."""
    _discover()
    from django.apps import apps

    order = [config.name for config in apps.get_app_configs()]
    registered = list(_registry.values())

    def rank(kind: type[RecordResource]) -> tuple[int, int]:
        app = kind.__module__.split(".")[0]
        return (order.index(app) if app in order else len(order), registered.index(kind))

    return sorted(registered, key=rank)


def get_kind(name: str) -> type[RecordResource]:
    _discover()
    try:
        return _registry[name]
    except KeyError as exc:
        raise LookupError(name) from exc


def messages_of(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {key: messages} (key "__all__" without a field)."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}
