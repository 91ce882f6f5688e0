"""Writes for level-by-level submission (逐级上报).

State machine of a unit's annual report:

    draft ──submit──▶ submitted ──approve──▶ approved
      ▲                 │   ▲                   │
      │              return │ submit            │ reopen
      │                 ▼   │                   ▼
      └──────────────── returned ◀──────────────┘

Who may do what:
- submit: a clerk or secretary of the unit itself; or a secretary above it,
  on its behalf, when the unit has no staff account (then "由上级代填").
- return / approve / reopen: a secretary of the parent unit or higher (within
  scope), never the unit itself. Approval freezes a snapshot of every figure.
- figure overrides and deadlines: a secretary above the unit (the parent or higher).
Read-only officers may view everything in scope and do nothing here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association, User

from . import selectors
from .catalog import INDICATORS, Kind
from .models import (
    AnnualReport,
    FigureOverride,
    ReportDeadline,
    ReportStatus,
    ReportTransition,
)


# ── Rights (also used by views to decide which buttons to show) ───────────────
def _is_own_unit(user: User, association: Association) -> bool:
    return user.association_id is not None and user.association_id == association.pk


def _is_above(user: User, association: Association) -> bool:
    """The user's scope strictly contains the unit (a superuser without a unit is above all)."""
    return user.sees(association) and not _is_own_unit(user, association)


def may_submit(user: User, report: AnnualReport, *, staffed: bool | None = None) -> bool:
    if not user.can_write:
        return False
    if _is_own_unit(user, report.association):
        return True
    return may_enter_on_behalf(user, report, staffed=staffed)


def may_enter_on_behalf(user: User, report: AnnualReport, *, staffed: bool | None = None) -> bool:
    if not (user.can_write and user.is_secretary and _is_above(user, report.association)):
        return False
    staffed = selectors.has_staff(report.association) if staffed is None else staffed
    return not staffed


def may_review(user: User, report: AnnualReport) -> bool:
    return user.can_write and user.is_secretary and _is_above(user, report.association)


def may_review_children(user: User, parent: Association) -> bool:
    """Review the parent's children and set their deadline: its secretary or one above."""
    return user.can_write and user.is_secretary and user.sees(parent)


may_set_deadline = may_review_children


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# ── Transitions ───────────────────────────────────────────────────────────────
def _locked(report: AnnualReport) -> AnnualReport:
    """The report row, created as a draft on first use and locked for this transaction.

    The caller's instance is left alone until the change succeeds (see `_refresh`),
    so a refused action does not leave it pointing at a rolled-back row.
    """
    pk = report.pk
    if pk is None:
        try:
            with transaction.atomic():
                saved, _created = AnnualReport.objects.get_or_create(
                    association=report.association, year=report.year
                )
        except IntegrityError:  # created concurrently: use the other one
            saved = AnnualReport.objects.get(association=report.association, year=report.year)
        pk = saved.pk
    return AnnualReport.objects.select_for_update().select_related("association").get(pk=pk)


def _move(
    report: AnnualReport,
    *,
    to: str,
    by: User,
    comment: str,
    fields: list[str],
    on_behalf: bool = False,
) -> ReportTransition:
    transition = ReportTransition(
        report=report,
        from_status=report.status,
        to_status=to,
        by=by,
        comment=comment.strip(),
        on_behalf=on_behalf,
    )
    report.status = to
    report.full_clean()
    report.save(update_fields=["status", "updated_at", *fields])
    transition.full_clean()
    transition.save()
    return transition


def _refresh(target: AnnualReport, source: AnnualReport) -> AnnualReport:
    """Copy the saved state back into the caller's instance."""
    for field in AnnualReport._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _check_year(year: int) -> None:
    if not 1949 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("年度 %(year)s 不在可填报的范围内。") % {"year": year}})


@transaction.atomic
def report_submit(*, report: AnnualReport, by: User, comment: str = "") -> AnnualReport:
    """Send the report up to the parent unit for review."""
    _check_year(report.year)
    _require(
        may_submit(by, report),
        _("只有本单位的录入员或秘书长可以上报；本单位没有工作人员账号时，可由上级秘书长代为上报。"),
    )
    locked = _locked(report)
    if locked.status == ReportStatus.SUBMITTED:
        raise ValidationError(_("报表已上报，正在等待上级审核，不能重复上报。"))
    if locked.status == ReportStatus.APPROVED:
        raise ValidationError(_("报表已审核通过，不能再上报；如需修改，请上级协会先撤回审核。"))
    on_behalf = not _is_own_unit(by, locked.association)
    now = timezone.now()
    locked.submitted_at = now
    locked.first_submitted_at = locked.first_submitted_at or now
    fields = ["submitted_at", "first_submitted_at"]
    if on_behalf:
        locked.entered_by_parent = True
        fields.append("entered_by_parent")
    _move(
        locked,
        to=ReportStatus.SUBMITTED,
        by=by,
        comment=comment,
        fields=fields,
        on_behalf=on_behalf,
    )
    return _refresh(report, locked)


def _review_rights(by: User, report: AnnualReport) -> None:
    _require(
        may_review(by, report),
        _("只有上级协会的秘书长可以审核或退回报表，本单位不能审核自己的报表。"),
    )


def _require_comment(comment: str, message: str) -> None:
    if not comment.strip():
        raise ValidationError({"comment": message})


@transaction.atomic
def report_return(*, report: AnnualReport, by: User, comment: str) -> AnnualReport:
    """Send a submitted report back to the unit with the reason."""
    _review_rights(by, report)
    _require_comment(comment, _("退回报表时必须填写退回意见。"))
    locked = _locked(report)
    if locked.status == ReportStatus.APPROVED:
        raise ValidationError(_("报表已审核通过，不能直接退回；如需修改，请使用“撤回审核”。"))
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("报表尚未上报，不能退回。"))
    _move(locked, to=ReportStatus.RETURNED, by=by, comment=comment, fields=[])
    return _refresh(report, locked)


@transaction.atomic
def report_approve(*, report: AnnualReport, by: User, comment: str = "") -> AnnualReport:
    """Accept a submitted report and freeze every indicator value as it stands now."""
    _review_rights(by, report)
    locked = _locked(report)
    if locked.status == ReportStatus.APPROVED:
        raise ValidationError(_("报表已审核通过，无需重复审核。"))
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            _("报表尚未上报（当前为“%(status)s”），不能审核通过。")
            % {"status": ReportStatus(locked.status).label}
        )
    overridden = selectors.overrides_in_effect(locked)
    figures = selectors.live_figures(locked)
    now = timezone.now()
    locked.snapshot = selectors.snapshot_payload(figures, overridden)
    locked.snapshot_taken_at = now
    locked.catalog_version = selectors.catalog_version()
    locked.approved_at = now
    _move(
        locked,
        to=ReportStatus.APPROVED,
        by=by,
        comment=comment,
        fields=["snapshot", "snapshot_taken_at", "catalog_version", "approved_at"],
    )
    return _refresh(report, locked)


@transaction.atomic
def report_reopen(*, report: AnnualReport, by: User, comment: str) -> AnnualReport:
    """Withdraw an approval so the unit can correct its figures; the snapshot is discarded."""
    _review_rights(by, report)
    _require_comment(comment, _("撤回审核时必须填写原因。"))
    locked = _locked(report)
    if locked.status != ReportStatus.APPROVED:
        raise ValidationError(_("只有已审核通过的报表才能撤回审核。"))
    locked.snapshot = None
    locked.snapshot_taken_at = None
    locked.catalog_version = ""
    locked.approved_at = None
    _move(
        locked,
        to=ReportStatus.RETURNED,
        by=by,
        comment=comment,
        fields=["snapshot", "snapshot_taken_at", "catalog_version", "approved_at"],
    )
    return _refresh(report, locked)


# ── Deadlines and entering on behalf ──────────────────────────────────────────
@transaction.atomic
def deadline_set(*, parent: Association, year: int, due_on: dt.date, by: User) -> ReportDeadline:
    """Set (or move) the date by which the parent's direct children submit the year's report."""
    _check_year(year)
    _require(
        may_set_deadline(by, parent),
        _("只有本级或上级协会的秘书长可以设置下级的上报截止日期。"),
    )
    if due_on.year < year:
        raise ValidationError({"due_on": _("截止日期不能早于报表年度。")})
    deadline = ReportDeadline.objects.filter(association=parent, year=year).first()
    if deadline is None:
        deadline = ReportDeadline(association=parent, year=year, due_on=due_on, set_by=by)
        deadline.full_clean()
        deadline.save()
        return deadline
    deadline.due_on, deadline.set_by = due_on, by
    deadline.full_clean()
    deadline.save(update_fields=["due_on", "set_by", "set_at"])
    return deadline


def _clean_figure(code: str, value) -> int | Decimal:
    spec = INDICATORS.get(code)
    if spec is None:
        raise ValidationError({"code": _("没有编码为“%(code)s”的指标。") % {"code": code}})
    if spec.kind == Kind.RATE:
        raise ValidationError(
            {"code": _("比率类指标由分子、分母计算得出，请填报其分子和分母指标。")}
        )
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"value": _("填报值必须是数字。")}) from exc
    if not number.is_finite() or number < 0:
        raise ValidationError({"value": _("填报值不能为负数。")})
    if spec.kind == Kind.COUNT:
        if number != number.to_integral_value():
            raise ValidationError({"value": _("该指标为计数，填报值必须是整数。")})
        return int(number)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def figure_override(
    *, report: AnnualReport, code: str, value, by: User, note: str = ""
) -> FigureOverride:
    """Enter or correct one figure for a unit without staff; the report becomes "由上级代填"."""
    _check_year(report.year)
    _require(
        may_enter_on_behalf(by, report),
        _("只有上级协会的秘书长可以代填，且仅限没有工作人员账号的单位。"),
    )
    number = _clean_figure(code, value)
    locked = _locked(report)
    # What was submitted stays as it was while under review: return it first to correct it.
    if locked.status == ReportStatus.APPROVED:
        raise ValidationError(_("报表已审核通过，数据已冻结；如需更正，请先撤回审核。"))
    if not locked.is_editable:
        raise ValidationError(_("报表已上报、正在审核，不能代填；如需更正，请先退回。"))
    stored = int(number) if isinstance(number, int) else str(number)
    override = FigureOverride(report=locked, code=code, value=stored, by=by, note=note.strip())
    override.full_clean()
    override.save()
    if not locked.entered_by_parent:
        locked.entered_by_parent = True
        locked.save(update_fields=["entered_by_parent", "updated_at"])
    _refresh(report, locked)
    return override
