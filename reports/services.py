"""Writes for level-by-level submission (逐级上报).

State machine of a unit's annual report:

    draft ──submit──▶ submitted ──approve──▶ approved
      ▲                 │   ▲                   │
      │              return │ submit            │ reopen
      │                 ▼   │                   ▼
      └──────────────── returned ◀──────────────┘

Who may do what is decided by the rules of `associations.permissions`, asked of
the report's association (`require(by, …)`):
- `reports.submit`: a clerk or secretary of the unit itself; or a secretary above
  it, on its behalf, when the unit has no staff account (then "由上级代填");
- `reports.review` (return / approve / reopen): a secretary above the unit, never
  the unit itself. Approval freezes a snapshot of every figure;
- `reports.enter_on_behalf` (figure overrides): a secretary above a unit without staff;
- `reports.review_children` (deadlines): a secretary of the parent or higher.
Read-only officers may view everything in scope and do nothing here.

The unit's drafted work report is written by whoever may submit its report
(`reports.submit`); each save is a version, any version can be restored, and the
version current at submission goes up with the report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association, User
from associations.permissions import require
from associations.records import field_names, model_update, record_save
from associations.years import check_year

from . import narrative, selectors
from .catalog import INDICATORS, Kind
from .models import (
    AnnualReport,
    FigureOverride,
    ReportDeadline,
    ReportStatus,
    ReportTransition,
    WorkReport,
)


# ── Transitions ───────────────────────────────────────────────────────────────
def _locked(report: AnnualReport, by: User) -> AnnualReport:
    """The report row, created as a draft on first use and locked for this transaction.

    The caller's instance is left alone until the change succeeds (see `_refresh`),
    so a refused action does not leave it pointing at a rolled-back row.
    """
    unit = {"association": report.association, "year": report.year}
    pk = report.pk or AnnualReport.objects.filter(**unit).values_list("pk", flat=True).first()
    if pk is None:
        try:
            with transaction.atomic():
                pk = record_save(AnnualReport(**unit), by=by).pk
        except IntegrityError:  # created concurrently: use the other one
            pk = AnnualReport.objects.get(**unit).pk
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
    record_save(report, by=by, update_fields=["status", *fields])
    transition.full_clean()
    record_save(transition, by=by)
    return transition


def _refresh(target: AnnualReport, source: AnnualReport) -> AnnualReport:
    """Copy the saved state back into the caller's instance."""
    for field in AnnualReport._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


@transaction.atomic
def report_submit(*, by: User, report: AnnualReport, comment: str = "") -> AnnualReport:
    """Send the report up to the parent unit for review."""
    check_year(report.year)
    require(by, "reports.submit", report.association)
    locked = _locked(report, by)
    if locked.status == ReportStatus.SUBMITTED:
        raise ValidationError(_("报表已上报，正在等待上级审核，不能重复上报。"))
    if locked.status == ReportStatus.APPROVED:
        raise ValidationError(_("报表已审核通过，不能再上报；如需修改，请上级协会先撤回审核。"))
    on_behalf = by.association_id != locked.association_id
    now = timezone.now()
    locked.submitted_at = now
    locked.first_submitted_at = locked.first_submitted_at or now
    # The work report goes up as it stands now (a later edit does not change what was sent).
    locked.work_report = selectors.attached_work_report(locked.association, locked.year)
    fields = ["submitted_at", "first_submitted_at", "work_report"]
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


def _require_comment(comment: str, message: str) -> None:
    if not comment.strip():
        raise ValidationError({"comment": message})


@transaction.atomic
def report_return(*, by: User, report: AnnualReport, comment: str) -> AnnualReport:
    """Send a submitted report back to the unit with the reason."""
    require(by, "reports.review", report.association)
    _require_comment(comment, _("退回报表时必须填写退回意见。"))
    locked = _locked(report, by)
    if locked.status == ReportStatus.APPROVED:
        raise ValidationError(_("报表已审核通过，不能直接退回；如需修改，请使用“撤回审核”。"))
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("报表尚未上报，不能退回。"))
    _move(locked, to=ReportStatus.RETURNED, by=by, comment=comment, fields=[])
    return _refresh(report, locked)


@transaction.atomic
def report_approve(*, by: User, report: AnnualReport, comment: str = "") -> AnnualReport:
    """Accept a submitted report and freeze every indicator value as it stands now."""
    require(by, "reports.review", report.association)
    locked = _locked(report, by)
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
def report_reopen(*, by: User, report: AnnualReport, comment: str) -> AnnualReport:
    """Withdraw an approval so the unit can correct its figures; the snapshot is discarded."""
    require(by, "reports.review", report.association)
    _require_comment(comment, _("撤回审核时必须填写原因。"))
    locked = _locked(report, by)
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
def deadline_set(
    *,
    by: User,
    parent: Association,
    year: int,
    due_on: dt.date,
    version: int | None = None,
) -> ReportDeadline:
    """Set (or move) the date by which the parent's direct children submit the year's report;
    `version` is the version of the deadline the user's form was read at."""
    check_year(year)
    require(by, "reports.review_children", parent)
    if due_on.year < year:
        raise ValidationError({"due_on": _("截止日期不能早于报表年度。")})
    deadline = ReportDeadline.objects.filter(association=parent, year=year).first()
    if deadline is None:
        deadline = ReportDeadline(association=parent, year=year, due_on=due_on, set_by=by)
        deadline.full_clean()
        return record_save(deadline, by=by)
    # Setting it again, even to the same day, says who confirmed it and when.
    data = {"due_on": due_on, "set_by": by, "set_at": timezone.now()}
    deadline, _changed = model_update(instance=deadline, data=data, by=by, version=version)
    return deadline


def _clean_figure(code: str, value: object) -> int | Decimal:
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
    *, by: User, report: AnnualReport, code: str, value: object, note: str = ""
) -> FigureOverride:
    """Enter or correct one figure for a unit without staff; the report becomes "由上级代填"."""
    check_year(report.year)
    require(by, "reports.enter_on_behalf", report.association)
    number = _clean_figure(code, value)
    locked = _locked(report, by)
    # What was submitted stays as it was while under review: return it first to correct it.
    if locked.status == ReportStatus.APPROVED:
        raise ValidationError(_("报表已审核通过，数据已冻结；如需更正，请先撤回审核。"))
    if not locked.is_editable:
        raise ValidationError(_("报表已上报、正在审核，不能代填；如需更正，请先退回。"))
    stored = int(number) if isinstance(number, int) else str(number)
    override = FigureOverride(report=locked, code=code, value=stored, by=by, note=note.strip())
    override.full_clean()
    record_save(override, by=by)
    if not locked.entered_by_parent:
        locked.entered_by_parent = True
        record_save(locked, by=by, update_fields=["entered_by_parent"])
    _refresh(report, locked)
    return override


# ── The drafted work report (工作报告) ──────────────────────────────────────────
class WorkReportFields(TypedDict):
    title: str
    salutation: str
    texts: dict[str, str]  # section key → its text, a paragraph per line


WORK_REPORT_FIELDS = field_names(WorkReportFields)


def _work_report_create(
    *, by: User, association: Association, year: int, draft: narrative.Draft, reason: str
) -> WorkReport:
    report = WorkReport(
        association=association,
        year=year,
        title=draft.title,
        salutation=draft.salutation,
        content=draft.content(),
        figures=draft.figures,
        generated_at=timezone.now(),
    )
    report.full_clean(validate_constraints=False)  # the unique row is the database's to keep
    report._change_reason = reason
    try:
        with transaction.atomic():
            return record_save(report, by=by)
    except IntegrityError:  # someone saved the unit's first version at the same moment
        raise ValidationError(
            _("本单位本年度的工作报告刚刚已由他人保存。您填写的内容保留在下方，请核对后再保存。")
        ) from None


def _work_report_locked(association: Association, year: int) -> WorkReport | None:
    return (
        WorkReport.objects.select_for_update()
        .filter(association=association, year=year)
        .select_related("association")
        .first()
    )


@transaction.atomic
def work_report_save(
    *,
    by: User,
    association: Association,
    year: int,
    version: int | None = None,
    **fields: Unpack[WorkReportFields],
) -> WorkReport:
    """Save the secretary's text of the unit's work report as a new version. Lines equal to
    a generated paragraph stay linked to their figures; every other line is their own."""
    check_year(year)
    require(by, "reports.submit", association)
    report = _work_report_locked(association, year)
    base = selectors.work_report_draft(report) if report else narrative.generate(association, year)
    draft = narrative.edited(
        base, title=fields["title"], salutation=fields["salutation"], texts=fields["texts"]
    )
    if report is None:
        return _work_report_create(
            by=by, association=association, year=year, draft=draft, reason=_("保存")
        )
    report._change_reason = _("修改正文")
    data = {"title": draft.title, "salutation": draft.salutation, "content": draft.content()}
    report, _changed = model_update(instance=report, data=data, by=by, version=version)
    return report


@transaction.atomic
def work_report_regenerate(
    *, by: User, association: Association, year: int, version: int | None = None
) -> WorkReport:
    """Put the latest figures into the unit's work report: generated paragraphs are redrawn,
    the secretary's own paragraphs kept, and the figures that changed since are marked."""
    check_year(year)
    require(by, "reports.submit", association)
    fresh = narrative.generate(association, year)
    report = _work_report_locked(association, year)
    if report is None:
        return _work_report_create(
            by=by, association=association, year=year, draft=fresh, reason=_("生成草稿")
        )
    draft = narrative.regenerated(selectors.work_report_draft(report), fresh)
    report._change_reason = _("用最新数据更新数字")
    data = {"content": draft.content(), "figures": draft.figures, "generated_at": timezone.now()}
    report, _changed = model_update(instance=report, data=data, by=by, version=version)
    return report


@transaction.atomic
def work_report_revert(
    *, by: User, report: WorkReport, history_id: int, version: int | None = None
) -> WorkReport:
    """Make an earlier version of the work report the current one (a new version, so the
    one replaced can be restored in turn)."""
    require(by, "reports.submit", report.association)
    earlier = report.history.filter(history_id=history_id).first()
    if earlier is None:
        raise ValidationError({"history_id": _("该工作报告没有这个版本。")})
    data = {
        field: getattr(earlier, field)
        for field in ("title", "salutation", "content", "figures", "generated_at")
    }
    report._change_reason = _("恢复为第%(n)s版") % {"n": earlier.version}
    report, _changed = model_update(instance=report, data=data, by=by, version=version)
    return report
