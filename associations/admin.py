from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import add_service_errors
from .models import Association, User
from .spreadsheets.admin import RecordsAdminMixin


class ScopedAdmin(admin.ModelAdmin):
    """Admin limited to the user's subtree: rows, counts, dropdowns and edits.

    Other apps' admins inherit from this so scope is never re-implemented.
    """

    def get_queryset(self, request: HttpRequest):
        return self.model._default_manager.get_queryset().visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related._default_manager.get_queryset(), "visible_to"):
            kwargs["queryset"] = related._default_manager.get_queryset().visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related._default_manager.get_queryset(), "visible_to"):
            kwargs["queryset"] = related._default_manager.get_queryset().visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _writable(self, request: HttpRequest) -> bool:
        return request.user.can_write

    def has_add_permission(self, request, *args) -> bool:
        return self._writable(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._writable(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._writable(request) and super().has_delete_permission(request, obj)


class _DryRun(Exception):
    """Raised inside a savepoint to undo a service call made only to validate."""


class ServiceAdmin(ScopedAdmin):
    """Saves go through a service; the form runs it in a rolled-back savepoint first,
    so every rule the service checks shows up as a form error before anything is saved."""

    def service_save(self, request: HttpRequest, obj: models.Model | None, form) -> Any:
        raise NotImplementedError

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):
            def clean(self) -> dict:
                cleaned = super().clean()
                if not self.errors:
                    current = type(obj).objects.get(pk=obj.pk) if obj is not None else None
                    try:
                        with transaction.atomic():
                            model_admin.service_save(request, current, self)
                            raise _DryRun
                    except _DryRun:
                        pass
                    except ValidationError as exc:
                        add_service_errors(self, exc)
                return cleaned

        return ServiceForm

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        current = type(obj).objects.get(pk=obj.pk) if change else None
        saved = self.service_save(request, current, form)
        obj.pk = saved.pk
        obj.refresh_from_db()

    @staticmethod
    def within(request: HttpRequest):
        return request.user.association

    @staticmethod
    def changed(form, names: tuple[str, ...]) -> dict[str, Any]:
        return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


class LevelFilter(admin.SimpleListFilter):
    title = _("上级协会")
    parameter_name = "parent"

    def lookups(self, request, model_admin):
        parents = (
            Association.objects.visible_to(request.user)
            .filter(level__in=["province", "city", "county", "town", "branch"])
            .only("id", "name")
        )
        return [(str(a.pk), a.name) for a in parents[:300]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


@admin.register(Association)
class AssociationAdmin(RecordsAdminMixin, ServiceAdmin):
    record_kind = "associations"
    list_display = ["code", "name", "level", "parent", "founded_on", "dissolved_on"]
    list_filter = ["level", LevelFilter, ("dissolved_on", admin.EmptyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth"]
    fields = [
        "code",
        "name",
        "level",
        "parent",
        "founded_on",
        "dissolved_on",
        "population",
        "address",
        "path",
        "depth",
    ]
    list_per_page = 50

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # associations are dissolved, never deleted

    def service_save(self, request: HttpRequest, obj: Association | None, form) -> Association:
        data = form.cleaned_data
        own = {name: data.get(name) for name in services.UPDATABLE_FIELDS}
        own["address"] = own["address"] or ""
        parent, dissolved_on = data.get("parent"), data.get("dissolved_on")
        if obj is None:
            obj = services.association_create(parent=parent, within=self.within(request), **own)
        else:
            if obj.parent_id != (parent.pk if parent else None):
                services.association_move(
                    association=obj, new_parent=parent, within=self.within(request)
                )
            services.association_update(association=obj, **own)
        if dissolved_on and dissolved_on != obj.dissolved_on:
            services.association_dissolve(association=obj, dissolved_on=dissolved_on)
        return obj


@admin.register(User)
class ScopedUserAdmin(UserAdmin, ScopedAdmin):
    list_display = ["username", "last_name", "first_name", "association", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["association"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("协会与角色"), {"fields": ("association", "role")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("协会与角色"), {"fields": ("association", "role")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # A superuser has every permission: only a superuser may make one.
            readonly.append("is_superuser")
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "association" and not request.user.is_superuser:
            field.required = True  # accounts made by scoped users stay inside their scope
        return field

    def get_queryset(self, request):
        queryset = User.objects.select_related("association")
        if request.user.association_id is None:
            return queryset if request.user.is_superuser else queryset.none()
        return queryset.filter(association__path__startswith=request.user.association.path)
