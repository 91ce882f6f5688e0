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
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from activities import services as activities_services
from activities.models import Assessment, AssessmentItem, AssessmentTemplate
from activities.services import ItemScore
from associations.models import Association, User, active_during
from associations.permissions import require
from associations.records import (
    field_names,
    model_update,
    record_restore,
    record_save,
    record_withdraw,
)
from associations.years import check_year

from . import assessments, catalog, inbox, narrative, selectors
from .catalog import INDICATORS, Kind
from .context import populations_for
from .models import (
    AnnualReport,
    FigureOverride,
    InboxState,
    ReportDeadline,
    ReportStatus,
    ReportTransition,
    Target,
    UnitContext,
    WorkPlan,
    WorkReport,
)
from .rankings import CHILDREN, units_of
from .targets import split

CENT = Decimal("0.01")


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


# ── Yearly context (基本情况) ──────────────────────────────────────────────────
class ContextFields(TypedDict, total=False):
    association: Association
    year: int
    population: int | None
    households: int | None
    married_women: int | None
    villager_groups: int | None
    fp_budget: Decimal | None
    notes: str


CONTEXT_FIELDS = field_names(ContextFields)


def _stripped(fields: Mapping[str, Any], texts: Iterable[str]) -> dict[str, Any]:
    """Text fields stripped (None is the empty text)."""
    cleaned = dict(fields)
    for name in texts:
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    return cleaned


def _money(value: Any, field: str, label: str) -> Decimal | None:
    """An amount of at most two decimals (never rounded silently), or None."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("%(label)s须为数字。") % {"label": label}}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("%(label)s须为数字。") % {"label": label}})
    if number != number.quantize(CENT):
        raise ValidationError(
            {
                field: _("%(label)s最多保留两位小数（填写的是 %(value)s）。")
                % {"label": label, "value": value}
            }
        )
    return number.quantize(CENT)


def _require_change(by: User, record: Any, fields: Mapping[str, Any]) -> None:
    """The actor may change the record, and the unit it would move to (refused on the field)."""
    require(by, "records.change", record)
    if "association" in fields:
        require(by, "records.change", fields["association"], field="association")


def _area_overlap(record: UnitContext, by: User) -> dict[str, str]:
    """An area figure (population …) that a unit above or below already records for the year
    would be counted twice when figures add up: refused, naming the other unit only when the
    actor may see it."""
    errors = {}
    ancestors = [a.path for a in record.association.ancestors()]
    others = UnitContext.objects.filter(year=record.year).exclude(pk=record.pk)
    for name in UnitContext.AREA_FIELDS:
        if getattr(record, name) is None:
            continue
        label = UnitContext._meta.get_field(name).verbose_name
        filled = others.filter(**{f"{name}__isnull": False}).select_related("association")
        above = filled.filter(association__path__in=ancestors).first()
        below = (
            filled.filter(association__path__startswith=record.association.path)
            .exclude(association=record.association)
            .order_by("association__path")
            .first()
        )
        if above is not None:
            visible = by.has_perm("scope.view", above.association)
            where = (
                _("上级单位“%(name)s”") % {"name": above.association.name}
                if visible
                else _("上级单位")
            )
        elif below is not None:
            where = _("下级单位“%(name)s”") % {"name": below.association.name}
        else:
            continue
        errors[name] = _(
            "%(where)s已填报%(year)s年的%(label)s；%(label)s按各单位自身范围填报、逐级相加，"
            "上下级都填会重复计算，请只在一级填报。"
        ) % {"where": where, "year": record.year, "label": label}
    return errors


def _check_context(record: UnitContext, by: User) -> None:
    errors: dict[str, Any] = {}
    try:
        record.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if record.association_id and isinstance(record.year, int):
        for name, message in _area_overlap(record, by).items():
            errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _context_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    values = _stripped(fields, ("notes",))
    if "fp_budget" in values:
        label = str(UnitContext._meta.get_field("fp_budget").verbose_name)
        values["fp_budget"] = _money(values["fp_budget"], "fp_budget", label)
    return values


@transaction.atomic
def context_create(*, by: User, **fields: Unpack[ContextFields]) -> UnitContext:
    """A unit's 基本情况 for a year (one a year)."""
    require(by, "records.change", fields.get("association"), field="association")
    record = UnitContext(**_context_values(fields))
    _check_context(record, by)
    return record_save(record, by=by)


@transaction.atomic
def context_update(
    *,
    by: User,
    context: UnitContext,
    version: int | None = None,
    **fields: Unpack[ContextFields],
) -> UnitContext:
    """Edit a unit's 基本情况; only the fields passed change (None clears a figure)."""
    _require_change(by, context, fields)
    context, _changed = model_update(
        instance=context,
        data=_context_values(fields),
        by=by,
        version=version,
        validate=lambda record, _changed: _check_context(record, by),
    )
    return context


def context_withdraw(*, by: User, context: UnitContext, reason: str) -> UnitContext:
    return _withdrawn(by, context, reason)


def context_restore(*, by: User, context: UnitContext) -> UnitContext:
    return _restored(by, context, lambda record: _check_context(record, by))


def _withdrawn(by: User, record: Any, reason: str) -> Any:
    require(by, "records.withdraw", record)
    record_withdraw(instance=record, by=by, reason=reason)
    return record


def _restored(by: User, record: Any, check: Callable[[Any], None]) -> Any:
    """Restored, unless it no longer validates as a live record (a live one may have taken
    its key since)."""
    require(by, "records.withdraw", record)
    withdrawn_at = record.withdrawn_at
    record.withdrawn_at = None
    try:
        check(record)
    finally:
        record.withdrawn_at = withdrawn_at
    record_restore(instance=record, by=by)
    return record


# ── Work plans (工作计划) ──────────────────────────────────────────────────────
class PlanFields(TypedDict, total=False):
    association: Association
    year: int
    title: str
    document_number: str
    issued_on: dt.date | None
    tasks: str


PLAN_FIELDS = field_names(PlanFields)
_PLAN_TEXTS = ("title", "document_number", "tasks")


def _check_plan(plan: WorkPlan, _changed: Sequence[str] = ()) -> None:
    plan.full_clean()


@transaction.atomic
def plan_create(*, by: User, **fields: Unpack[PlanFields]) -> WorkPlan:
    """A unit's yearly work plan (one a year); its targets are set with `target_create`."""
    require(by, "records.change", fields.get("association"), field="association")
    plan = WorkPlan(**_stripped(fields, _PLAN_TEXTS))
    _check_plan(plan)
    return record_save(plan, by=by)


@transaction.atomic
def plan_update(
    *, by: User, plan: WorkPlan, version: int | None = None, **fields: Unpack[PlanFields]
) -> WorkPlan:
    _require_change(by, plan, fields)
    plan, _changed = model_update(
        instance=plan,
        data=_stripped(fields, _PLAN_TEXTS),
        by=by,
        version=version,
        validate=_check_plan,
    )
    return plan


def plan_withdraw(*, by: User, plan: WorkPlan, reason: str) -> WorkPlan:
    return _withdrawn(by, plan, reason)


def plan_restore(*, by: User, plan: WorkPlan) -> WorkPlan:
    return _restored(by, plan, _check_plan)


# ── Targets (目标) ─────────────────────────────────────────────────────────────
class TargetFields(TypedDict, total=False):
    association: Association
    year: int
    code: str
    value: Decimal
    note: str


TARGET_FIELDS = field_names(TargetFields)


def _target_value(code: str, value: Any) -> Decimal:
    """A target for indicator `code`: a known indicator; a count whole, an amount to the fen,
    a rate a percentage within 0–100."""
    spec = INDICATORS.get((code or "").strip())
    if spec is None:
        raise ValidationError({"code": _("没有编码为“%(code)s”的指标。") % {"code": code}})
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"value": _("目标值须为数字。")}) from exc
    if not number.is_finite():
        raise ValidationError({"value": _("目标值须为数字。")})
    named = {"value": value, "name": spec.name}
    if number < 0:
        message = _("目标值不能为负数（填写的是 %(value)s）。")
    elif spec.kind == Kind.RATE and number > 100:
        message = _("“%(name)s”是比率，目标值须在 0–100（%%）之间（填写的是 %(value)s）。")
    elif spec.kind == Kind.COUNT and number != number.to_integral_value():
        message = _("“%(name)s”是计数，目标值须为整数（填写的是 %(value)s）。")
    elif number != number.quantize(CENT):
        message = _("目标值最多保留两位小数（填写的是 %(value)s）。")
    else:
        return number.quantize(CENT)
    raise ValidationError({"value": message % named})


def year_closed(association: Association, year: int) -> bool:
    """The unit's year is closed once its annual report is approved (its figures frozen)."""
    return AnnualReport.objects.filter(
        association=association, year=year, status=ReportStatus.APPROVED
    ).exists()


def _closed_reason(target: Target, what: str) -> None:
    """A change to a target of a closed year says so in its history."""
    if year_closed(target.association, target.year):
        target._change_reason = (
            _("%(year)s年度报表已审核通过后%(what)s") % {"year": target.year, "what": what}
        )[:100]


def _check_target(target: Target, _changed: Sequence[str] = ()) -> None:
    target.full_clean()


@transaction.atomic
def target_create(*, by: User, **fields: Unpack[TargetFields]) -> Target:
    """A unit's target for a year on one catalog indicator (one per indicator a year)."""
    require(by, "records.change", fields.get("association"), field="association")
    values = _stripped(fields, ("code", "note"))
    values["value"] = _target_value(values.get("code", ""), values.get("value"))
    target = Target(**values)
    _check_target(target)
    _closed_reason(target, _("补设目标"))
    return record_save(target, by=by)


@transaction.atomic
def target_update(
    *, by: User, target: Target, version: int | None = None, **fields: Unpack[TargetFields]
) -> Target:
    """Change a target; after the unit's year is closed the history says so."""
    _require_change(by, target, fields)
    values = _stripped(fields, ("code", "note"))
    code = values.get("code", target.code)
    values["value"] = _target_value(code, values.get("value", target.value))
    if values["value"] != target.value:
        _closed_reason(
            target,
            _("修改目标：%(old)s → %(new)s") % {"old": target.value, "new": values["value"]},
        )
    try:
        target, _changed = model_update(
            instance=target, data=values, by=by, version=version, validate=_check_target
        )
    finally:
        target.__dict__.pop("_change_reason", None)
    return target


def target_withdraw(*, by: User, target: Target, reason: str) -> Target:
    return _withdrawn(by, target, reason)


def target_restore(*, by: User, target: Target) -> Target:
    return _restored(by, target, _check_target)


class SplitRule(models.TextChoices):
    SAME = "same", _lazy("各单位相同")
    EVEN = "even", _lazy("总数平均分解")
    POPULATION = "population", _lazy("总数按人口分解")
    LAST_YEAR = "last_year", _lazy("总数按上年实绩分解")


def _weights(
    rule: str, parent: Association, children: list[Association], year: int, code: str
) -> list[tuple[Association, Decimal]]:
    if rule == SplitRule.EVEN:
        return [(child, Decimal(1)) for child in children]
    if rule == SplitRule.POPULATION:
        # A unit's people: its area's context records added up, else its register's figure.
        recorded = dict(catalog.evaluate_children(parent, year, ["context.population"]))
        register = populations_for(children, year)
        known = {
            child.pk: (recorded[child]["context.population"] if child in recorded else 0)
            or register[child.pk]
            for child in children
        }
        missing = [child.name for child in children if not known[child.pk]]
        if missing:
            raise ValidationError(
                {
                    "rule": _(
                        "%(names)s没有人口数，不能按人口分解：请先填写基本情况或改用其他方式。"
                    )
                    % {"names": "、".join(missing)}
                }
            )
        return [(child, Decimal(known[child.pk])) for child in children]
    last = dict(catalog.evaluate_children(parent, year - 1, [code]))
    weights = [
        (child, Decimal(last[child][code]) if child in last else Decimal(0)) for child in children
    ]
    if not any(weight for _child, weight in weights):
        raise ValidationError({"rule": _("各下级单位上年的该项指标都为零，不能按上年实绩分解。")})
    return weights


@transaction.atomic
def targets_set_for_children(
    *,
    by: User,
    parent: Association,
    year: int,
    code: str,
    value: Decimal,
    rule: str = SplitRule.SAME,
    level: str = "",
    note: str = "",
) -> list[Target]:
    """Set one indicator's target for every child unit active in `year` (or those of `level`
    only, e.g. the towns and not the district's floating-population association): the same
    value for each (`SplitRule.SAME`), or `value` as a total shared out (evenly, by
    population, by last year's figure; counts in whole units, amounts to the fen, the parts
    adding up to the total, which also becomes the parent's own target). Each target is
    written through `target_create` / `target_update`, so each has its own history."""
    require(by, "records.change", parent)
    check_year(year)
    total = _target_value(code, value)
    spec = INDICATORS[code.strip()]
    if rule not in SplitRule.values:
        raise ValidationError({"rule": _("请选择分解方式。")})
    children = parent.children.filter(active_during(year)).order_by("path")
    children = list(children.filter(level=level) if level else children)
    if not children:
        raise ValidationError(_("“%(name)s”没有这样的下级协会。") % {"name": parent.name})
    if rule == SplitRule.SAME:
        values = dict.fromkeys(children, total)
    elif spec.kind == Kind.RATE:
        raise ValidationError({"rule": _("比率目标不能分解，请选择“各单位相同”。")})
    else:
        places = 0 if spec.kind == Kind.COUNT else 2
        values = split(total, _weights(rule, parent, children, year, spec.code), places)
        values = {parent: total, **values}
    stored = {
        target.association_id: target
        for target in Target.objects.filter(association__in=list(values), year=year, code=spec.code)
    }
    written = []
    for unit, amount in values.items():
        current = stored.get(unit.pk)
        if current is None:
            written.append(
                target_create(
                    by=by, association=unit, year=year, code=spec.code, value=amount, note=note
                )
            )
        else:
            written.append(target_update(by=by, target=current, value=amount, note=note))
    return written


# ── Scored assessments filled from indicators (目标管理考核) ───────────────────
def _indicator_items(template: AssessmentTemplate) -> list[AssessmentItem]:
    """The template's indicator items, every one scorable from the catalog."""
    items = assessments.indicator_items(template)
    problems = [problem for item in items if (problem := assessments.mismatch(item))]
    if problems:
        raise ValidationError(problems)
    return items


def _fill(by: User, assessment: Assessment, items, figures) -> bool:
    """Hand the indicator items' scores to the activities service; whether anything changed."""
    scores = {
        number: ItemScore(score, evidence)
        for number, (score, evidence) in assessments.item_scores(items, figures).items()
    }
    before = assessment.version
    activities_services.assessment_update(by=by, assessment=assessment, scores=scores)
    return assessment.version != before


@transaction.atomic
def assessments_fill(
    *,
    by: User,
    scope: Association,
    template: AssessmentTemplate,
    year: int,
    level: str = CHILDREN,
) -> int:
    """Score the indicator items of every assessment of `template` and `year` among the units
    `scope` assesses (its children, or every unit of `level` below it) from the catalog's
    figures for each unit; each assessment is updated through the activities service (the
    filler becomes its assessor). Returns how many assessments changed."""
    require(by, "records.change", scope)
    check_year(year)
    items = _indicator_items(template)
    if not items:
        raise ValidationError(
            _("“%(name)s”没有按指标计分的考核项，无需自动计分。") % {"name": template.name}
        )
    units = units_of(scope, year, level)
    found = list(
        Assessment.objects.filter(template=template, year=year, association__in=units)
        .select_related("association", "template")
        .order_by("association__path")
    )
    codes = sorted({item.indicator_code for item in items})
    figures = dict(catalog.evaluate_units(scope, [a.association for a in found], year, codes))
    return sum(_fill(by, a, items, figures[a.association]) for a in found)


def assessment_fill(*, by: User, assessment: Assessment) -> bool:
    """Score one assessment's indicator items from its unit's figures of its year."""
    items = _indicator_items(assessment.template)
    if not items:
        return False
    codes = sorted({item.indicator_code for item in items})
    figures = catalog.evaluate(assessment.association, assessment.year, codes)
    return _fill(by, assessment, items, figures)


# ── 待办: what the user has seen, the daily digest ────────────────────────────
def inbox_mark_seen(*, by: User, now: dt.datetime | None = None) -> InboxState:
    """The user opened 待办: jobs finished before now are no longer news."""
    state, _created = InboxState.objects.get_or_create(user=by)
    state.seen_at = now or timezone.now()
    state.save(update_fields=["seen_at"])
    return state


@transaction.atomic
def digest_send(*, user: User, by: User, now: dt.datetime | None = None) -> bool:
    """Mail `user` the 待办 items that are new since their last digest: at most one a day,
    never an empty one, never to an account without an e-mail address. True when sent.

    Only the system (the `send_digests` command, the scheduled task) sends digests."""
    if not by.is_superuser:
        raise PermissionDenied(_("只有系统可以发送待办摘要。"))
    if not user.email or not user.is_active:
        return False
    now = now or timezone.now()
    state, _created = InboxState.objects.select_for_update().get_or_create(user=user)
    if state.digest_sent_at and timezone.localdate(state.digest_sent_at) == timezone.localdate(now):
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        items = inbox.inbox_items(user, now=now, seen_at=state.seen_at)
        sent = set(state.digest_keys)
        new = [item for item in items if item.key not in sent]
        # Keys of items since closed are dropped, so an item that opens again is news again.
        state.digest_keys = [item.key for item in items]
        if not new:
            state.save(update_fields=["digest_keys"])
            return False
        context = {"user": user, "items": new, "open": len(items), "site": settings.SITE_URL}
        subject = _("计生协工作管理系统：%(count)s 项新待办") % {"count": len(new)}
        body = render_to_string("reports/inbox/digest.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    state.digest_sent_at = now
    state.save(update_fields=["digest_keys", "digest_sent_at"])
    return True
