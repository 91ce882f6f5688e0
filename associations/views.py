from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import (
    AssociationForm,
    DissolveForm,
    MoveForm,
    PersonalDataLogFilterForm,
    run_service,
)
from .models import Association
from .permissions import require
from .records import history_of
from .scope import get_visible_or_404, perm_required, requested_scope, write_required

TREE_DEPTH = 2  # levels shown below the chosen node; deeper nodes open on their own page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("reports:dashboard")


@login_required
def tree(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    root = requested_scope(request, pk)
    nodes = list(selectors.children_with_counts_in_subtree(root, max_depth=root.depth + TREE_DEPTH))
    context = {
        "root": root,
        "nodes": nodes,
        "tree": selectors.nest(nodes),
        "ancestors": _visible_ancestors(request.user, root),
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


@perm_required("network.restructure")
def move(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    require(request.user, "network.restructure", association)
    form = MoveForm(request.POST or None, user=request.user, association=association)
    if request.method == "POST" and run_service(
        form, services.association_move, by=request.user, association=association
    ):
        messages.success(request, _("已移动协会及其全部下级协会和记录。"))
        return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/move.html", {"form": form, "association": association})


@perm_required("network.restructure")
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    require(request.user, "network.restructure", association)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and run_service(
        form, services.association_dissolve, by=request.user, association=association
    ):
        messages.success(request, _("已标记撤销。"))
        return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/dissolve.html", {"form": form, "association": association})


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


@perm_required("audit.view")
def personal_data_log(request: HttpRequest) -> HttpResponse:
    """个人信息查看记录: every reveal of full personal data in the administrator's scope."""
    form = PersonalDataLogFilterForm(request.GET or None)
    entries = selectors.personal_data_accesses(
        request.user, **(form.cleaned_data if form.is_valid() else {})
    )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "associations/personal_data_log.html", {"form": form, "page_obj": page})
