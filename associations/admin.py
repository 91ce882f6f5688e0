"""The Django admin: for system administrators only (only they are `is_staff`).

Staff work in the staff pages. Here every changelist, form choice, autocomplete and
look-up is limited to the administrator's subtree, every save goes through the app's
services (with the administrator as actor), nothing is deleted, and each record's
history can be read and an earlier version restored (through the same services).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .forms import add_service_errors
from .models import Association, User
from .spreadsheets.admin import RecordsAdminMixin


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin limited to the administrator's subtree: rows, counts, choices and edits.

    Other apps' admins inherit from this so scope is never re-implemented. Related
    rows are picked with `autocomplete_fields` (scoped by the related admin), never
    raw ids, whose labels would be looked up outside the scope.
    """

    def get_queryset(self, request: HttpRequest):
        manager = getattr(self.model, "all_objects", self.model._default_manager)
        return manager.get_queryset().visible_to(request.user)

    def _scoped(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        if hasattr(related._default_manager.get_queryset(), "visible_to"):
            kwargs["queryset"] = related._default_manager.get_queryset().visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request, *args) -> bool:
        return request.user.has_perm("records.change") and super().has_add_permission(
            request, *args
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("records.change", obj) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # records are withdrawn (作废) or ended through their services

    def has_change_history_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("history.restore", obj)


class _DryRun(Exception):
    """Raised inside a savepoint to undo a service call made only to validate."""


class ServiceAdmin(ScopedAdmin):
    """Saves go through a service; the form runs it in a rolled-back savepoint first,
    so every rule the service checks shows up as a form error before anything is saved.

    `service_save(request, current, data)` gets the stored row (None when adding) and
    every cleaned field: the service itself decides what changed, so restoring an
    earlier version (the history page's form) changes what differs from today.
    """

    def service_save(self, request: HttpRequest, obj: models.Model | None, data: dict) -> Any:
        raise NotImplementedError

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(base):
            def clean(self) -> dict:
                cleaned = super().clean()
                if not self.errors:
                    current = model_admin.stored(obj)
                    try:
                        with transaction.atomic():
                            model_admin.service_save(request, current, dict(self.cleaned_data))
                            raise _DryRun
                    except _DryRun:
                        pass
                    except ValidationError as exc:
                        add_service_errors(self, exc)
                return cleaned

        return ServiceForm

    def stored(self, obj: models.Model | None) -> models.Model | None:
        if obj is None or obj.pk is None:
            return None
        return self.get_queryset_for_save().get(pk=obj.pk)

    def get_queryset_for_save(self):
        return getattr(self.model, "all_objects", self.model._default_manager).all()

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        saved = self.service_save(request, self.stored(obj if change else None), form.cleaned_data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change) -> None:
        """Related rows are written by the services, not by the admin's formsets."""
        for formset in formsets:  # the change message reads what the formsets saved
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(Association)
class AssociationAdmin(RecordsAdminMixin, ServiceAdmin):
    record_kind = "associations"
    list_display = ["code", "name", "level", "parent", "founded_on", "dissolved_on"]
    list_filter = ["level", ("dissolved_on", admin.EmptyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
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

    def service_save(self, request: HttpRequest, obj: Association | None, data: dict):
        own = {name: data.get(name) for name in services.ASSOCIATION_FIELDS}
        own["address"] = own["address"] or ""
        by, parent, dissolved_on = request.user, data.get("parent"), data.get("dissolved_on")
        if obj is None:
            obj = services.association_create(by=by, parent=parent, **own)
        else:
            if obj.parent_id != (parent.pk if parent else None):
                services.association_move(by=by, association=obj, new_parent=parent)
            services.association_update(by=by, association=obj, **own)
        if dissolved_on != obj.dissolved_on:
            if dissolved_on is None:
                services.association_restore(by=by, association=obj)
            else:
                services.association_dissolve(by=by, association=obj, dissolved_on=dissolved_on)
        return obj


@admin.register(User)
class ScopedUserAdmin(UserAdmin, ScopedAdmin):
    """Accounts are made and changed through the account services, so role, groups and
    admin access never drift apart."""

    list_display = ["username", "last_name", "first_name", "association", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["association"]
    autocomplete_fields = ["association"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("协会与角色"), {"fields": ("association", "role", "is_active", "user_permissions")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("协会与角色"), {"fields": ("association", "role", "first_name")}),
    )
    readonly_fields = ["user_permissions"]

    def get_queryset(self, request):
        queryset = User.objects.select_related("association").exclude(
            username=services.SYSTEM_USERNAME
        )
        if request.user.association_id is None:
            return queryset if request.user.is_superuser else queryset.none()
        return queryset.filter(association__path__startswith=request.user.association.path)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("accounts.manage", getattr(obj, "association", None))

    def has_add_permission(self, request, *args) -> bool:
        return request.user.has_perm("accounts.manage")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("accounts.manage")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "association" and not request.user.is_superuser:
            field.required = True  # accounts made by scoped administrators stay in scope
        return field

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in ("association", "role", "first_name", "last_name", "email", "is_active")
            if name in data
        }
        try:
            if change:
                saved = services.account_update(
                    by=request.user, user=User.objects.get(pk=obj.pk), **fields
                )
            else:
                saved = services.account_create(
                    by=request.user,
                    username=data["username"],
                    password=data["password1"],
                    **fields,
                )
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change) -> None:
        """Groups and permissions follow the role (account services)."""
