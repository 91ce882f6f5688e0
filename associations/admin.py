from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
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
class AssociationAdmin(RecordsAdminMixin, ScopedAdmin):
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

    def save_model(self, request, obj: Association, form, change: bool) -> None:
        data = {f: form.cleaned_data.get(f) for f in ("code", "name", "level", "founded_on")}
        data.update(population=obj.population, address=obj.address)
        try:
            if not change:
                created = services.association_create(
                    parent=obj.parent, within=request.user.association, **data
                )
                obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
                return
            current = Association.objects.get(pk=obj.pk)
            if current.parent_id != obj.parent_id:
                services.association_move(
                    association=current, new_parent=obj.parent, within=request.user.association
                )
            services.association_update(association=current, **data)
            if obj.dissolved_on != current.dissolved_on and obj.dissolved_on:
                services.association_dissolve(association=current, dissolved_on=obj.dissolved_on)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))


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

    def get_queryset(self, request):
        queryset = User.objects.select_related("association")
        if request.user.association_id is None:
            return queryset if request.user.is_superuser else queryset.none()
        return queryset.filter(association__path__startswith=request.user.association.path)
