from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import AssociationForm, DissolveForm, MoveForm, add_service_errors
from .models import Association, Level
from .scope import default_scope, get_visible_or_404, secretary_required, write_required

TREE_DEPTH = 2  # levels shown below the chosen node; deeper nodes open on their own page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("reports:dashboard")


@login_required
def tree(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        root = default_scope(request.user)
    else:
        root = get_visible_or_404(Association, request.user, pk=pk)
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
    counts = selectors.subtree_level_counts(association, current=True)
    context = {
        "association": association,
        "ancestors": _visible_ancestors(request.user, association),
        "children": selectors.children_with_counts(association),
        "level_counts": [(Level(level).label, n) for level, n in counts.items() if n],
        "subtree_total": sum(counts.values()),
    }
    return render(request, "associations/detail.html", context)


@write_required
def create(request: HttpRequest, parent_pk: int) -> HttpResponse:
    parent = get_visible_or_404(Association, request.user, pk=parent_pk)
    form = AssociationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "parent"}
        try:
            association = services.association_create(
                parent=parent, within=request.user.association, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建协会“%(name)s”。") % {"name": association.name})
            return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/form.html", {"form": form, "parent": parent})


@write_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    form = AssociationForm(request.POST or None, instance=association)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "parent"}
        try:
            services.association_update(association=association, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/form.html", {"form": form, "association": association})


@secretary_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    form = MoveForm(request.POST or None, user=request.user, association=association)
    if request.method == "POST" and form.is_valid():
        try:
            services.association_move(
                association=association,
                new_parent=form.cleaned_data["new_parent"],
                within=request.user.association,
            )
        except ValidationError as exc:
            form.add_error("new_parent", exc.message_dict.get("parent", exc.messages))
        else:
            messages.success(request, _("已移动协会及其全部下级协会和记录。"))
            return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/move.html", {"form": form, "association": association})


@secretary_required
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.association_dissolve(association=association, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("dissolved_on", exc.message_dict.get("dissolved_on", exc.messages))
        else:
            messages.success(request, _("已标记撤销。"))
            return redirect("associations:detail", pk=association.pk)
    return render(request, "associations/dissolve.html", {"form": form, "association": association})


def _visible_ancestors(user, association: Association):
    return association.ancestors().visible_to(user)
