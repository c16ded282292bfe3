"""Visit and follow-up use cases: store once, edit, Done, Snooze, who is reminded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from domain.refusal import Refusal
from domain.visit_form import FollowupRow, VisitDraft
from services import followups, visit_access, visits
from storage.models import Customer, Followup, Handover, Member, Team, Visit
from tests.e2e import visits_fixtures
from tests.e2e.visits_fixtures import NOW
from tests.helpers import db

visit_team = visits_fixtures.visit_team  # the fixture, shared by the visit tests


def access_for(session, slack_id: str, now: datetime) -> visit_access.VisitAccess:
    access = visit_access.access_for(session, slack_id, now)
    assert access is not None, slack_id
    return access

DRAFT = VisitDraft(visit_date=date(2026, 11, 18), type="onsite", needs="more lines", followups=(FollowupRow("send quote", date(2026, 11, 20)),))


def log(user: str = "U0A1", customer: str = "华东制造集团", draft: VisitDraft = DRAFT, *, key: str = "k1", now: datetime = NOW, fingerprint: str | None = None):
    with db.session_scope() as session:
        access = access_for(session, user, now)
        cust = session.scalar(select(Customer).where(Customer.name == customer))
        return visits.log_visit(session, access, cust, draft, source_key=key, now=now, fingerprint=fingerprint)


def count(model) -> int:
    with db.session_scope() as session:
        return session.scalar(select(func.count(model.id))) or 0


def test_the_same_request_stores_one_visit(visit_team):
    first, again = log(key="view:V1"), log(key="view:V1")
    assert (first.created, again.created) == (True, False)
    assert again.visit.id == first.visit.id and (count(Visit), count(Followup)) == (1, 1)


def test_an_identical_quick_log_within_two_minutes_is_the_same_visit(visit_team):
    fingerprint = visits.quick_log_fingerprint("U0A1", 1, "华东制造集团; needs: more lines")
    first = log(key="cmd:a", fingerprint=fingerprint)
    twin = log(key="cmd:b", fingerprint=fingerprint, now=NOW + timedelta(seconds=90))
    later = log(key="cmd:c", fingerprint=fingerprint, now=NOW + timedelta(minutes=5))
    assert (first.created, twin.created, later.created) == (True, False, True)
    assert twin.visit.id == first.visit.id != later.visit.id
    assert count(Visit) == 2


def test_the_rep_is_whoever_visited_and_a_manager_credits_the_owner(visit_team):
    by_rep = log("U0A1").visit
    by_manager = log("U0MGR", key="k2").visit
    assert (by_rep.rep_slack_id, by_rep.logged_by_slack_id) == ("U0A1", "U0A1")
    assert (by_manager.rep_slack_id, by_manager.logged_by_slack_id) == ("U0A1", "U0MGR")
    assert by_manager.followups[0].owner_slack_id == "U0MGR"  # the logger, unless someone is named


def test_a_rep_may_not_log_for_someone_elses_customer(visit_team):
    with pytest.raises(Refusal) as refused:
        log("U0A1", "Beta Bank")
    assert refused.value.code == "customer_hidden" and refused.value.params["owner"] == "U0B1"
    with pytest.raises(Refusal) as unowned:
        log("U0A1", "Orphan Ltd")
    assert unowned.value.code == "customer_unowned"
    assert count(Visit) == 0


def test_a_follow_up_owner_must_be_on_the_team(visit_team):
    draft = VisitDraft(visit_date=date(2026, 11, 18), type="phone", followups=(FollowupRow("a"), FollowupRow("b", owner_slack_id="U0STRANGER")))
    with pytest.raises(Refusal) as refused:
        log(draft=draft)
    assert (refused.value.code, refused.value.beside) == ("owner_not_member", "owner_2")
    assert count(Visit) == 0


def test_an_edit_updates_keeps_adds_and_withdraws_follow_ups_once(visit_team):
    draft = VisitDraft(visit_date=date(2026, 11, 18), type="onsite", needs="x", followups=(FollowupRow("keep"), FollowupRow("drop"), FollowupRow("finished")))
    stored = log(draft=draft).visit
    keep, drop, finished = stored.followups
    with db.session_scope() as session:
        session.get(Followup, finished.id).status = "done"
    edited = VisitDraft(
        visit_date=date(2026, 11, 17), type="video", needs="y", concerns="price",
        followups=(FollowupRow("kept, reworded", date(2026, 11, 30), "U0B1", keep.id), FollowupRow(None, None, None, drop.id), FollowupRow("new one")),
    )  # fmt: skip
    with db.session_scope() as session:
        access = access_for(session, "U0A1", NOW)
        customer = session.get(Customer, stored.customer_id)
        seen = visits.Seen.of(visits.visit_for_edit(session, access, stored.id, NOW))  # the form opens after the done
        result = visits.update_visit(session, access, stored.id, customer, edited, seen=seen, edit_key="edit:view:V9", now=NOW)
        again = visits.update_visit(session, access, stored.id, customer, edited, seen=seen, edit_key="edit:view:V9", now=NOW)
    assert (result.created, again.created) == (True, False)
    view = result.visit
    assert (view.visit_date, view.type, view.needs, view.concerns) == (date(2026, 11, 17), "video", "y", "price")
    assert sorted((f.text, f.status, f.owner_slack_id) for f in view.followups) == [
        ("finished", "done", "U0A1"), ("kept, reworded", "open", "U0B1"), ("new one", "open", "U0A1"),
    ]  # fmt: skip
    assert count(Visit) == 1 and count(Followup) == 3
    with db.session_scope() as session:
        dropped = session.scalars(select(Followup).where(Followup.id == drop.id).execution_options(include_withdrawn=True)).one()
        assert (dropped.text, dropped.withdrawn_at, dropped.withdrawn_by_id is not None) == ("drop", NOW, True)  # kept, withdrawn


def test_done_twice_is_done_once(visit_team):
    followup_id = log().visit.followups[0].id
    with db.session_scope() as session:
        access = access_for(session, "U0A1", NOW)
        first = followups.complete(session, access, followup_id, NOW)
        second = followups.complete(session, access, followup_id, NOW + timedelta(minutes=1))
    assert (first.changed, second.changed) == (True, False)
    with db.session_scope() as session:
        done = session.get(Followup, followup_id)
        assert (done.status, done.done_at) == ("done", NOW)


@pytest.mark.parametrize(
    ("due", "today", "length", "expected"),
    [
        (date(2026, 11, 20), datetime(2026, 11, 18, 2, tzinfo=UTC), "day", date(2026, 11, 23)),  # due Fri → Mon
        (date(2026, 11, 10), datetime(2026, 11, 18, 2, tzinfo=UTC), "day", date(2026, 11, 19)),  # overdue: from today
        (date(2026, 11, 10), datetime(2026, 11, 18, 2, tzinfo=UTC), "week", date(2026, 11, 25)),
        (date(2026, 9, 30), datetime(2026, 9, 30, 2, tzinfo=UTC), "day", date(2026, 10, 8)),  # National Day week
        (date(2026, 10, 3), datetime(2026, 10, 3, 2, tzinfo=UTC), "week", date(2026, 10, 10)),  # a make-up Saturday
    ],
)
def test_snooze_lands_on_a_working_day(visit_team, due, today, length, expected):
    draft = VisitDraft(visit_date=date(2026, 9, 1), type="onsite", followups=(FollowupRow("call back", due),))
    followup_id = log(draft=draft).visit.followups[0].id
    with db.session_scope() as session:
        outcome = followups.snooze(session, access_for(session, "U0A1", today), followup_id, length, today)
    assert outcome.followup.due == expected


def test_only_the_owner_their_cover_or_a_manager_may_close_a_follow_up(visit_team):
    followup_id = log().visit.followups[0].id
    with db.session_scope() as session:
        with pytest.raises(Refusal) as refused:
            followups.complete(session, access_for(session, "U0B1", NOW), followup_id, NOW)
        assert refused.value.code == "followup_not_yours"
        assert followups.complete(session, access_for(session, "U0MGR", NOW), followup_id, NOW).changed


def test_reminders_go_to_the_cover_during_a_handover_and_survive_a_departure(visit_team):
    draft = VisitDraft(visit_date=date(2026, 11, 10), type="onsite", followups=(
        FollowupRow("due today", date(2026, 11, 18)), FollowupRow("overdue", date(2026, 11, 12)), FollowupRow("later", date(2026, 11, 30)),
    ))  # fmt: skip
    log(draft=draft)
    log("U0B1", "Beta Bank", VisitDraft(visit_date=date(2026, 11, 10), type="phone", followups=(FollowupRow("b's", date(2026, 11, 18)),)), key="k2")
    with db.session_scope() as session:
        members = {m.slack_id: m for m in session.scalars(select(Member))}
        session.add(Handover(team_id=visit_team, member_id=members["U0A1"].id, cover_id=members["U0B1"].id, status="active",
                             starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=2), created_at=NOW))  # fmt: skip
    with db.session_scope() as session:
        team = session.get(Team, visit_team)
        batches = followups.reminders(session, team, NOW)
    assert [(b.recipient.slack_id, [f.text for f in b.due_today], [f.text for f in b.overdue]) for b in batches] == [
        ("U0B1", ["due today", "b's"], ["overdue"]),
    ]
    with db.session_scope() as session:
        session.execute(delete(Handover))
        session.scalar(select(Member).where(Member.slack_id == "U0B1")).active = False  # 李娜 leaves; Beta Bank stays hers
        session.scalar(select(Customer).where(Customer.name == "Beta Bank")).owner_id = members["U0A1"].id
    with db.session_scope() as session:
        batches = followups.reminders(session, session.get(Team, visit_team), NOW)
    # The departed one's follow-up comes in a message of its own, marked as meant for them.
    assert [(b.recipient.slack_id, b.meant_for, sorted(f.text for f in b.due_today)) for b in batches] == [
        ("U0A1", None, ["due today"]), ("U0A1", "U0B1", ["b's"]),
    ]



def test_no_reminders_on_a_day_off(visit_team):
    log(draft=VisitDraft(visit_date=date(2026, 11, 10), type="onsite", followups=(FollowupRow("x", date(2026, 11, 12)),)))
    with db.session_scope() as session:
        team = session.get(Team, visit_team)
        assert followups.reminders(session, team, datetime(2026, 11, 21, 1, tzinfo=UTC)) == []  # Saturday
        assert followups.reminders(session, team, datetime(2026, 10, 1, 1, tzinfo=UTC)) == []  # National Day
        assert len(followups.reminders(session, team, datetime(2026, 11, 23, 1, tzinfo=UTC))) == 1


def test_an_edit_leaves_alone_the_follow_ups_the_form_did_not_show(visit_team):
    rows = tuple(FollowupRow(f"promise {i}") for i in range(10))
    stored = log(draft=VisitDraft(visit_date=date(2026, 11, 18), type="onsite", followups=rows)).visit
    shown = tuple(FollowupRow(f.text, f.due, f.owner_slack_id, f.id) for f in stored.followups[:8])
    with db.session_scope() as session:
        access = access_for(session, "U0A1", NOW)
        customer = session.get(Customer, stored.customer_id)
        edited = VisitDraft(visit_date=date(2026, 11, 18), type="onsite", followups=(FollowupRow(None, None, None, shown[0].followup_id), *shown[1:]))
        visits.update_visit(session, access, stored.id, customer, edited, seen=visits.Seen.of(stored), edit_key="edit:view:V10", now=NOW)
    assert count(Followup) == 9  # the emptied row is withdrawn; promises 8 and 9 were not on the form and stay
