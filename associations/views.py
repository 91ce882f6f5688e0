from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import restructuring, selectors, services
from .forms import (
    AssociationForm,
    DissolveForm,
    MoveForm,
    PersonalDataLogFilterForm,
    SavedFilterForm,
    TreeSearchForm,
    run_service,
)
from .models import Association, Level, SavedFilter
from .permissions import require
from .pickers import PICKER_LIMIT, association_rows, picker_response
from .records import history_of
from .scope import get_visible_or_404, perm_required, requested_scope, write_required

TREE_DEPTH = 2  # levels shown below the chosen node; deeper nodes open on their own page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("reports:dashboard")


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switcher: stored on the account (and in a cookie for the sign-in page),
    then back to the page it was chosen on."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        services.account_set_language(by=request.user, language=language)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("home")
    response = redirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@login_required
def tree(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The network two levels down; a search (`?find=<pk>`) opens the path to its match."""
    root = requested_scope(request, pk)
    search = TreeSearchForm(request.GET or None, user=request.user)
    found = search.cleaned_data["find"] if search.is_valid() else None
    if found is not None and not root.contains(found):
        return redirect(f"{reverse('associations:tree')}?find={found.pk}")  # search everywhere
    depth = root.depth + TREE_DEPTH
    nodes = list(selectors.children_with_counts_in_subtree(root, max_depth=depth, path_to=found))
    for node in nodes:
        node.on_path = found is not None and node.contains(found) and node != found
    context = {
        "root": root,
        "nodes": nodes,
        "tree": selectors.nest(nodes),
        "ancestors": _visible_ancestors(request.user, root),
        "search": search,
        "found": found,
    }
    return render(request, "associations/tree.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    context = {
        "association": association,
        "ancestors": _visible_ancestors(request.user, association),
        "children": selectors.children_with_counts(association),
        "history": history_of(association),
    }
    return render(request, "associations/detail.html", context)


@write_required
def create(request: HttpRequest, parent_pk: int) -> HttpResponse:
    parent = get_visible_or_404(Association, request.user, pk=parent_pk)
    require(request.user, "network.change", parent)
    form = AssociationForm(request.POST or None)
    create = services.association_create
    if request.method == "POST" and (
        association := run_service(form, create, by=request.user, parent=parent)
    ):
        messages.success(request, _("已创建协会“%(name)s”。") % {"name": association.name})
        return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/form.html", {"form": form, "parent": parent})


@write_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    require(request.user, "network.change", association)
    form = AssociationForm(request.POST or None, instance=association)
    if request.method == "POST" and run_service(
        form, services.association_update, by=request.user, association=association
    ):
        messages.success(request, _("已保存。"))
        return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/form.html", {"form": form, "association": association})


def _confirmed(request: HttpRequest) -> bool:
    """A restructuring form is posted twice: first for its preview, then to confirm it."""
    return request.POST.get("confirm") == "1"


@perm_required("network.restructure")
def move(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    require(request.user, "network.restructure", association)
    form = MoveForm(request.POST or None, user=request.user, association=association)
    context = {"form": form, "association": association}
    if request.method == "POST" and not _confirmed(request) and form.is_valid():
        new_parent = form.cleaned_data["new_parent"]
        context["preview"] = restructuring.move_preview(association, new_parent)
    elif request.method == "POST" and run_service(
        form, services.association_move, by=request.user, association=association
    ):
        messages.success(request, _("已移动协会及其全部下级协会和记录。"))
        return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/move.html", context)


@perm_required("network.restructure")
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    require(request.user, "network.restructure", association)
    active = restructuring.active_members(association)
    form = DissolveForm(
        request.POST or None, user=request.user, association=association, active_members=active
    )
    context = {"form": form, "association": association, "active_members": active}
    if request.method == "POST" and not _confirmed(request) and form.is_valid():
        day, to = form.cleaned_data["dissolved_on"], form.cleaned_data.get("members_to")
        context["preview"] = restructuring.dissolve_preview(association, day, to)
    elif request.method == "POST" and run_service(
        form, services.association_dissolve, by=request.user, association=association
    ):
        messages.success(request, _("已标记撤销。"))
        return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/dissolve.html", context)


def _visible_ancestors(user, association: Association):
    return association.ancestors().visible_to(user)


@require_POST
@perm_required("network.restructure")
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    try:
        services.association_restore(by=request.user, association=association)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已恢复该协会。"))
    return redirect("associations:detail", pk=association.pk)


@login_required
def pick(request: HttpRequest) -> JsonResponse:
    """The association pickers' search: `q` (name or code), `levels` (comma-separated),
    `all=1` (dissolved ones too, for lists of past records), `outside=<pk>` (not that
    subtree), `move=<pk>` (where that association may be moved). Only what the user may
    see; at most PICKER_LIMIT rows."""
    user, q = request.user, request.GET.get("q", "")[:50]
    if moving := request.GET.get("move"):
        rows = selectors.move_targets(user, get_visible_or_404(Association, user, pk=moving), q)
    else:
        levels = tuple(v for v in request.GET.get("levels", "").split(",") if v in Level.values)
        current = request.GET.get("all") != "1"
        outside = request.GET.get("outside")
        outside = get_visible_or_404(Association, user, pk=outside) if outside else None
        rows = selectors.association_search(
            user, q, levels=levels, current=current, outside=outside
        )
    return picker_response(association_rows(rows[:PICKER_LIMIT]))


def _list_url(page: str, query: str = "") -> str:
    """Back to a list (by its URL name) with its filters; an unknown name goes home."""
    try:
        url = reverse(page)
    except NoReverseMatch:
        url = reverse("home")
    return f"{url}?{query}" if query else url


@require_POST
@login_required
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    """常用筛选: keep the list's filters under a name, for this user only."""
    form = SavedFilterForm(request.POST)
    if run_service(form, services.saved_filter_save, by=request.user):
        messages.success(request, _("已保存常用筛选。"))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(_list_url(request.POST.get("page", ""), request.POST.get("query", "")))


@require_POST
@login_required
def saved_filter_remove(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, owner=request.user)  # others' are not found
    services.saved_filter_remove(by=request.user, saved=saved)
    messages.success(request, _("已删除常用筛选“%(name)s”。") % {"name": saved.name})
    return redirect(_list_url(saved.page))


@perm_required("audit.view")
def personal_data_log(request: HttpRequest) -> HttpResponse:
    """个人信息查看记录: every reveal of full personal data in the administrator's scope."""
    form = PersonalDataLogFilterForm(request.GET or None)
    entries = selectors.personal_data_accesses(
        request.user, **(form.cleaned_data if form.is_valid() else {})
    )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "associations/personal_data_log.html", {"form": form, "page_obj": page})
