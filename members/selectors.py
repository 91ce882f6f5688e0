"""Reads over members, officers, households and liaison pairs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from associations.models import Association, live
from associations.selectors import LARGE_LEVELS, association_choices, in_subtree

from .models import (
    HOUSEHOLD_CATEGORIES,
    DuesPayment,
    Household,
    HouseholdCertificate,
    IntegrityGroup,
    LiaisonPair,
    Member,
    MemberGroup,
    MembershipPeriod,
    MemberStatus,
    OfficerPosition,
    OfficerTitle,
)

# Member flags the list can filter by, in display order.
MEMBER_FLAGS = ("is_volunteer", "is_publicity_worker", "is_industry_leader", "is_newlywed_recruit")
ID_TAIL = re.compile(r"^\d{3,5}[\dXx]$")  # the last 4–6 characters of an ID number
DIGITS = re.compile(r"^\d+$")


def member_search(members: QuerySet[Member], q: str, *, anywhere: bool = True) -> QuerySet[Member]:
    """Name, the tail of an ID number (4–6 characters) or a phone number (whole or start).

    A name is matched anywhere in it (秀英 finds 王秀英) when `anywhere`, for a town or
    smaller; else from its start (王秀 finds 王秀英), through the name's prefix index, so a
    search over a city's 500,000 members reads only the names that match.

    The caller (the search form) has already refused anything longer that looks
    like a full ID, so a full number never travels in a URL.
    """
    q = q.strip()
    if ID_TAIL.match(q):
        by_tail = members.with_id_tail(q).values("pk")
        return members.filter(Q(pk__in=by_tail) | Q(phone__endswith=q))
    if DIGITS.match(q) and len(q) >= 7:
        return members.filter(phone__startswith=q)
    return members.filter(name__contains=q) if anywhere else members.filter(name__startswith=q)


# The member list's sortable columns: key → order (the last field unique, for stable pages).
MEMBER_SORTS = {
    "name": ("name", "id"),
    "birth_date": ("birth_date", "id"),
    "joined_on": ("joined_on", "id"),
    "association": ("association__path", "name", "id"),
}


def filter_members(
    members: QuerySet[Member],
    *,
    q: str = "",
    group: MemberGroup | int | None = None,
    status: str | None = None,
    flags: Iterable[str] = (),
    anywhere: bool = True,
) -> QuerySet[Member]:
    """The member list's filters (also its export's, with JSON values); `anywhere`: see
    `member_search`."""
    if group:
        members = members.filter(group=group)
    if status:
        members = members.filter(status=status)
    for flag in flags:
        if flag in MEMBER_FLAGS:
            members = members.filter(**{flag: True})
    if q.strip():
        members = member_search(members, q, anywhere=anywhere)
    return members


def member_list(
    user, *, scope: Association, order: Iterable[str] = MEMBER_SORTS["name"], **filters
) -> QuerySet[Member]:
    """Members of the scope's subtree the user may see, filtered, in `order`; a page's
    associations and groups are fetched for its rows only."""
    filters.setdefault("anywhere", scope.level not in LARGE_LEVELS)
    queryset = in_subtree(Member.objects.all(), user, scope)
    queryset = filter_members(queryset, **filters).order_by(*order)
    return queryset.prefetch_related("association", "group")


def member_picks(
    user, q: str = "", *, within: Association | None = None, active: bool = False
) -> QuerySet[Member]:
    """Members a picker offers: visible to the user, under `within`, in the roll if `active`,
    matching `q` like the list's search (name, ID tail, phone)."""
    scope = within if within is not None else user.association
    if scope is not None:
        members = in_subtree(Member.objects.all(), user, scope)
    else:
        members = Member.objects.visible_to(user)
    if active:
        members = members.filter(status=MemberStatus.ACTIVE)
    if q.strip():
        anywhere = scope is not None and scope.level not in LARGE_LEVELS
        members = member_search(members, q, anywhere=anywhere)
    return members.select_related("association").order_by("name", "id")


def household_picks(user, q: str = "", *, within: Association | None = None):
    """Households a picker offers: code (start) or head's name (part)."""
    scope = within if within is not None else user.association
    if scope is None:
        households = Household.objects.visible_to(user)
    else:
        households = in_subtree(Household.objects.all(), user, scope)
    anywhere = scope is not None and scope.level not in LARGE_LEVELS
    households = household_search(households, q, anywhere=anywhere)
    return households.select_related("association").order_by("code")


def group_picks(user, association_pk: int, q: str = "") -> QuerySet[MemberGroup]:
    """The current member groups of one association the user may see."""
    groups = MemberGroup.objects.visible_to(user).filter(
        association_id=association_pk, dissolved_on__isnull=True
    )
    if q := q.strip():
        groups = groups.filter(name__icontains=q)
    return groups.order_by("name")


@dataclass(frozen=True)
class WithdrawnRecord:
    kind: str  # the withdraw/restore pages' kind ("position", "liaison", "dues")
    label: str
    record: OfficerPosition | LiaisonPair | DuesPayment


@dataclass
class MemberDetail:
    member: Member
    periods: list[MembershipPeriod]
    positions: list[OfficerPosition]
    liaisons: list[LiaisonPair]
    dues: list[DuesPayment]
    groups_led: list[MemberGroup]
    # Posts, pairs and dues withdrawn (作废), for those who may restore them.
    withdrawn: list[WithdrawnRecord]


def member_detail(member: Member, *, with_withdrawn: bool = False) -> MemberDetail:
    """A member with status history, posts, liaison households and dues (a handful of queries)."""
    positions = OfficerPosition.all_objects.filter(member=member).select_related("association")
    liaisons = LiaisonPair.all_objects.filter(member=member, household__withdrawn_at__isnull=True)
    liaisons = liaisons.select_related("household", "household__association")
    dues = DuesPayment.all_objects.filter(member=member)
    withdrawn = []
    if with_withdrawn:
        for kind, queryset in (("position", positions), ("liaison", liaisons), ("dues", dues)):
            label = str(queryset.model._meta.verbose_name)
            for record in queryset.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at"):
                withdrawn.append(WithdrawnRecord(kind, label, record))
    return MemberDetail(
        member=member,
        periods=list(member.periods.order_by("joined_on")),
        positions=list(positions.filter(live()).order_by("-started_on", "title")),
        liaisons=list(liaisons.filter(live()).order_by("ended_on", "-started_on")),
        dues=list(dues.filter(live()).order_by("-year")),
        groups_led=list(member.groups_led.all()),
        withdrawn=withdrawn,
    )


def _with_withdrawn(model, user) -> QuerySet:
    """Detail pages: withdrawn rows are shown (to be restored) to those who may withdraw."""
    manager = model.all_objects if user.has_perm("records.withdraw") else model.objects
    return manager.visible_to(user)


def member_in_scope(user) -> QuerySet[Member]:
    """The member queryset detail pages fetch from (association and group joined)."""
    return _with_withdrawn(Member, user).select_related("association", "group", "withdrawn_by")


def withdrawn_members(user, scope: Association) -> QuerySet[Member]:
    """Withdrawn (作废) members of the scope's subtree, latest first."""
    queryset = Member.all_objects.visible_within(user, scope).filter(withdrawn_at__isnull=False)
    return queryset.select_related("association", "withdrawn_by").order_by("-withdrawn_at")


# ── membership history ────────────────────────────────────────────────────────


def roll_on(scope: Association, day: dt.date) -> QuerySet[Member]:
    """Members of the scope's subtree in the roll on `day` (e.g. 31 December of a year)."""
    return Member.objects.within(scope).active_on(day)


def joined_during(scope: Association, year: int) -> QuerySet[MembershipPeriod]:
    """Membership periods begun in `year` (a rejoin counts as a join)."""
    return MembershipPeriod.objects.within(scope).filter(joined_on__year=year)


def left_during(scope: Association, year: int) -> QuerySet[MembershipPeriod]:
    return MembershipPeriod.objects.within(scope).filter(left_on__year=year)


# ── officers ──────────────────────────────────────────────────────────────────

_TITLE_ORDER = Case(
    *[When(title=value, then=Value(i)) for i, value in enumerate(OfficerTitle.values)],
    default=Value(99),
    output_field=IntegerField(),
)


def positions_held_on(
    scope: Association, day: dt.date, *, title: str | None = None
) -> QuerySet[OfficerPosition]:
    """Who held what on `day` in the scope's subtree, by association then rank of post."""
    queryset = OfficerPosition.objects.within(scope).held_on(day).filter(live("member"))
    if title:
        queryset = queryset.filter(title=title)
    return queryset.select_related("member", "association").order_by(
        "association__path", _TITLE_ORDER, "member__name", "id"
    )


def position_association_choices(user, member: Member) -> QuerySet[Association]:
    """Where a member may hold a post: their association or one above it, within the user's view."""
    association = member.association
    return (
        association_choices(user)
        .filter(Q(pk=association.pk) | Q(pk__in=association.ancestors().values("pk")))
        .order_by("path")
    )


# ── households ────────────────────────────────────────────────────────────────


HOUSEHOLD_SORTS = {
    "code": ("code",),
    "head_name": ("head_name", "id"),
    "association": ("association__path", "code"),
}


def household_search(
    households: QuerySet[Household], q: str, *, anywhere: bool = True
) -> QuerySet[Household]:
    """By code (start, as typed or in capitals) or head's name (anywhere in it for a town
    or smaller, else from its start: see `member_search`); each through an index."""
    if not (q := q.strip()):
        return households
    by_code = Q(code__startswith=q) | Q(code__startswith=q.upper())
    by_head = Q(head_name__contains=q) if anywhere else Q(head_name__startswith=q)
    return households.filter(by_code | by_head)


def filter_households(
    households: QuerySet[Household],
    *,
    q: str = "",
    category: str | None = None,
    anywhere: bool = True,
) -> QuerySet[Household]:
    """The household list's filters (also its export's)."""
    if category in HOUSEHOLD_CATEGORIES:
        households = households.filter(**{category: True})
    return household_search(households, q, anywhere=anywhere)


def household_list(
    user, *, scope: Association, order: Iterable[str] = HOUSEHOLD_SORTS["code"], **filters
) -> QuerySet[Household]:
    """Households of the scope's subtree the user may see, filtered, in `order`."""
    filters.setdefault("anywhere", scope.level not in LARGE_LEVELS)
    queryset = in_subtree(Household.objects.all(), user, scope)
    return filter_households(queryset, **filters).order_by(*order).prefetch_related("association")


@dataclass
class HouseholdDetail:
    household: Household
    certificates: list[HouseholdCertificate]
    liaisons: list[LiaisonPair]


def household_detail(household: Household) -> HouseholdDetail:
    return HouseholdDetail(
        household=household,
        certificates=list(household.certificates.order_by("kind")),
        liaisons=list(
            household.liaisons.filter(live("member"))
            .select_related("member", "member__association")
            .order_by("ended_on", "-started_on")
        ),
    )


def household_in_scope(user) -> QuerySet[Household]:
    return _with_withdrawn(Household, user).select_related(
        "association", "integrity_group", "withdrawn_by"
    )


def withdrawn_households(user, scope: Association) -> QuerySet[Household]:
    queryset = Household.all_objects.visible_within(user, scope)
    queryset = queryset.filter(withdrawn_at__isnull=False)
    return queryset.select_related("association", "withdrawn_by").order_by("-withdrawn_at")


# ── liaison ───────────────────────────────────────────────────────────────────


@dataclass
class LiaisonCandidates:
    members: list[Member]
    households: list[Household]
    pairs: list[LiaisonPair]


def liaison_candidates(village: Association) -> LiaisonCandidates:
    """Active members and households of a village, and the pairs now open there.

    Each member carries `open_pairs` and each household `open_pairs`, the number
    of open pairs, so the page can show who already liaises with whom.
    """
    open_pair = Q(liaisons__ended_on__isnull=True) & live("liaisons")
    members = (
        Member.objects.filter(association=village, status=MemberStatus.ACTIVE)
        .annotate(open_pairs=Count("liaisons", filter=open_pair & live("liaisons__household")))
        .order_by("name", "id")
    )
    households = Household.objects.filter(association=village).annotate(
        open_pairs=Count("liaisons", filter=open_pair & live("liaisons__member"))
    )
    pairs = (
        LiaisonPair.objects.filter(household__association=village, ended_on__isnull=True)
        .filter(live("member"), live("household"))
        .select_related("member", "household")
        .order_by("member__name", "household__code")
    )
    return LiaisonCandidates(
        members=list(members), households=list(households.order_by("code")), pairs=list(pairs)
    )


# ── groups ────────────────────────────────────────────────────────────────────


def member_groups(association: Association) -> QuerySet[MemberGroup]:
    """A village's member groups with their leader and active member count."""
    return (
        MemberGroup.objects.filter(association=association)
        .select_related("leader")
        .annotate(
            member_count=Count(
                "members", filter=Q(members__status=MemberStatus.ACTIVE) & live("members")
            )
        )
        .order_by("dissolved_on", "name")
    )


def integrity_groups(association: Association) -> QuerySet[IntegrityGroup]:
    return (
        IntegrityGroup.objects.filter(association=association)
        .prefetch_related(Prefetch("households", queryset=Household.objects.order_by("code")))
        .order_by("dissolved_on", "name")
    )


def integrity_group_candidates(
    association: Association, group: IntegrityGroup | None = None
) -> QuerySet[Household]:
    """Floating households of the village that are free (or already in `group`);
    those of a dissolved group are free again."""
    free = Q(integrity_group__isnull=True) | Q(integrity_group__dissolved_on__isnull=False)
    if group is not None:
        free |= Q(integrity_group=group)
    return Household.objects.filter(free, association=association, is_floating=True).order_by(
        "code"
    )
