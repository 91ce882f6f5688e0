"""Members, households, posts and groups when an association moves or is dissolved (see
`associations.restructuring`): counted for the preview, and settled before a dissolution."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils.translation import gettext as _

from associations.models import Association
from associations.restructuring import Part, Touched, register

from . import services
from .models import (
    Household,
    LeaveReason,
    Member,
    MemberGroup,
    MembershipPeriod,
    MemberStatus,
    OfficerPosition,
)

DISSOLUTION_NOTE = "协会撤销"


@register
class MembersPart(Part):
    def touched(self, association: Association) -> list[Touched]:
        members = Member.objects.within(association)
        active = members.filter(status=MemberStatus.ACTIVE).count()
        return [
            Touched(_("在册会员"), active),
            Touched(_("已离会会员（历年记录）"), members.count() - active),
            Touched(_("户"), Household.objects.within(association).count()),
            Touched(
                _("在任理事职务"),
                OfficerPosition.objects.within(association).filter(ended_on__isnull=True).count(),
            ),
            Touched(
                _("会员小组"),
                MemberGroup.objects.within(association).filter(dissolved_on__isnull=True).count(),
            ),
        ]

    def first_year(self, association: Association) -> int | None:
        first = MembershipPeriod.objects.within(association).aggregate(first=Min("joined_on"))
        return first["first"].year if first["first"] else None

    def active_members(self, association: Association) -> int:
        return Member.objects.filter(association=association, status=MemberStatus.ACTIVE).count()

    def dissolve(
        self,
        *,
        by,
        association: Association,
        dissolved_on: dt.date,
        members_to: Association | None,
        end_memberships: bool,
    ) -> None:
        """Groups dissolve and posts end with the unit; its members in the roll move to
        `members_to` or leave on the day (a village has tens to hundreds: one service call
        each, so each keeps its history)."""
        for group in MemberGroup.objects.filter(association=association, dissolved_on=None):
            data = {"dissolved_on": max(dissolved_on, group.founded_on or dissolved_on)}
            services.member_group_update(by=by, group=group, leader=None, **data)
        last_day = dissolved_on - dt.timedelta(days=1)  # the unit is gone on its dissolution day
        for post in OfficerPosition.objects.filter(association=association, ended_on=None):
            services.position_end(by=by, position=post, ended_on=max(post.started_on, last_day))
        active = Member.objects.filter(association=association, status=MemberStatus.ACTIVE)
        if members_to is not None:
            for member in active.order_by("pk"):
                services.member_update(by=by, member=member, association=members_to)
        elif end_memberships:
            for member in active.order_by("pk"):
                services.member_leave(
                    by=by,
                    member=member,
                    left_on=dissolved_on,
                    reason=LeaveReason.OTHER,
                    note=DISSOLUTION_NOTE,
                )

    def blockers(self, association: Association) -> list[str]:
        active = self.active_members(association)
        if not active:
            return []
        return [_("还有 %(n)s 名在册会员，请把他们转到其他协会，或结束他们的会籍") % {"n": active}]
