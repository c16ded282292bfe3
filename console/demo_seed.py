"""A few weeks of believable history for the demo team: visits with the needs and
concerns customers raised, follow-ups (done, open, overdue), KPI entries and answered
questions. Deterministic (a fixed random seed), anchored on the demo's "today".
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services import knowledge, team_config
from services.knowledge import EntryFields
from storage.models import (
    Customer,
    Followup,
    KpiEntry,
    Member,
    Question,
    QuestionEvent,
    Team,
    Topic,
    Visit,
)

DEMO_TEAM_FILE = Path(__file__).resolve().parent.parent / "demo" / "team.yaml"

NEEDS = [
    "新增 20 条物联网卡用于冷链车辆", "总部到苏州分厂的 MPLS 专线扩容到 200M", "希望年底前完成 5G 专网试点",
    "需要一份云专线+IDC 的整体报价", "分支机构 SD-WAN 组网方案", "新园区 12 个点位的宽带接入",
    "视频会议专线，要求低时延", "希望统一月结账单", "物流车队定位流量包", "备份链路，要求不同路由",
]
CONCERNS = [
    "价格比友商高 8%", "上次故障恢复用了 6 小时", "开通周期太长", "发票抬头多次出错", "担心 5G 专网覆盖不到车间",
    "合同条款里的违约金", "客户经理换得太频繁", "账单看不懂", "", "",
]
NOTES = [
    "信息中心王主任参加，态度积极", "需要与采购部再沟通一次", "客户提出月底前给方案", "竞争对手上周刚来拜访过",
    "客户对上次售后服务表示满意", "确定了下一次技术交流的人选", "",
]
FOLLOWUPS = [
    "发送正式报价", "安排技术人员现场勘查", "确认资源核查结果", "整理故障复盘报告给客户", "提交折扣审批",
    "寄送纸质合同", "安排 5G 专网演示", "核对上月账单差异",
]
QUESTIONS = [
    ("circuit", "苏州到上海的跨域 MPLS 专线 100M，资源核查要多久？", "资源核查 3 个工作日；核查通过后开通一般 10 个工作日，跨省需再加 5 个工作日。"),
    ("billing", "客户发票抬头错了，能不能重开？", "可以。作废原发票后在计费系统提交更正单，1 个工作日内重开；跨月需附情况说明。"),
    ("iot", "物联网卡能不能批量设置定向流量？", "可以，批量开卡时选择定向流量包模板，2 个工作日内完成；已开卡的需走变更流程。"),
    ("5g", "5G 专网切片能保证车间的上行带宽吗？", "可以按切片签 SLA，上行保障需现场勘查后确定，一般 10 个工作日出方案。"),
    ("pricing", "客户要求 85 折，需要谁审批？", "85 折以下需省公司审批，走合同审批流程，约 3 个工作日。"),
    ("cloud", "How long does a cloud private line to the IDC take?", "Solution assessment takes 5 working days; delivery after that depends on the site survey."),
]


def load_demo_team(session: Session, now: datetime) -> Team:
    return team_config.load(session, DEMO_TEAM_FILE.read_text("utf-8"), now)


def seed_history(session: Session, team: Team, today: date, *, weeks: int = 6) -> bool:
    """Add the demo history once; False when the team already has visits."""
    if session.scalar(select(func.count(Visit.id)).where(Visit.team_id == team.id)):
        return False
    rng = random.Random(7)
    tz = ZoneInfo(team.timezone)
    members = session.scalars(select(Member).where(Member.team_id == team.id)).all()
    reps = [m for m in members if m.has_role("rep")]
    customers = session.scalars(select(Customer).where(Customer.team_id == team.id).order_by(Customer.id)).all()
    by_owner: dict[int | None, list[Customer]] = {}
    for customer in customers:
        by_owner.setdefault(customer.owner_id, []).append(customer)

    def at(day: date, hour: int = 17) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)

    for rep in reps:
        owned = by_owner.get(rep.id, [])
        # Some customers are deliberately neglected so cadence warnings have something to say.
        visited = owned[: max(1, len(owned) - 1)]
        for week in range(weeks):
            for _ in range(rng.randint(1, 3)):
                customer = rng.choice(visited)
                day = today - timedelta(days=7 * week + rng.randint(0, 4) + 1)
                if day.weekday() >= 5:
                    day -= timedelta(days=2)
                visit = Visit(
                    team_id=team.id, customer_id=customer.id, rep_id=rep.id, logged_by_id=rep.id, visit_date=day,
                    type=rng.choice(["onsite", "onsite", "phone", "video"]), purpose="季度回访与需求沟通",
                    needs=rng.choice(NEEDS), concerns=rng.choice(CONCERNS) or None, notes=rng.choice(NOTES) or None,
                    next_visit=day + timedelta(days=rng.choice([7, 14, 21])), logged_at=at(day),
                )
                session.add(visit)
                session.flush()
                if rng.random() < 0.7:
                    due = day + timedelta(days=rng.randint(2, 10))
                    if due.weekday() >= 5:  # promises are made for working days
                        due += timedelta(days=7 - due.weekday())
                    done = due < today and rng.random() < 0.6
                    session.add(Followup(
                        team_id=team.id, visit_id=visit.id, customer_id=customer.id, text=rng.choice(FOLLOWUPS),
                        owner_id=rep.id, due=due, status="done" if done else "open",
                        done_at=at(due, 15) if done else None, done_by_id=rep.id if done else None, created_at=at(day),
                    ))
        for metric, low, high in (("new_customers", 0, 2), ("revenue", 20000, 150000), ("praise", 0, 1), ("complaints", 0, 1)):
            for week in range(weeks):
                value = rng.randint(low, high)
                if value:
                    day = today - timedelta(days=7 * week + 2)
                    session.add(KpiEntry(
                        team_id=team.id, member_id=rep.id, metric=metric, value=Decimal(value), occurred_on=day,
                        customer_id=rng.choice(owned).id if owned else None, source="import", entered_by_id=rep.id,
                        entered_at=at(day),
                    ))
    _seed_questions(session, team, reps, today, at, rng)
    session.flush()
    return True


def _seed_questions(session: Session, team: Team, reps: list[Member], today: date, at, rng: random.Random) -> None:
    topics = {t.key: t for t in session.scalars(select(Topic).where(Topic.team_id == team.id))}
    for index, (key, text, answer) in enumerate(QUESTIONS):
        topic = topics.get(key)
        if topic is None or not topic.responders:
            continue
        responder = topic.responders[0]
        asked = at(today - timedelta(days=3 + 4 * index), 10)
        question = Question(
            team_id=team.id, asker_id=reps[index % len(reps)].id, topic_id=topic.id, level=responder.level, text=text,
            status="answered", assignee_id=responder.member_id, asked_at=asked, routed_at=asked,
            claimed_at=asked + timedelta(minutes=rng.randint(10, 90)), answered_at=asked + timedelta(hours=rng.randint(2, 6)),
            answered_by_id=responder.member_id, answer=answer,
        )
        session.add(question)
        session.flush()
        session.add_all([
            QuestionEvent(question_id=question.id, kind="routed", assignee_id=responder.member_id, level=responder.level, at=asked),
            QuestionEvent(question_id=question.id, kind="answered", actor_id=responder.member_id, level=responder.level, at=question.answered_at, detail={"answer": answer}),
        ])
        # The answerer added it to the knowledge base.
        knowledge.seed_entry(session, team.id, question.id, EntryFields(text, answer, key, ()), responder.member_id, question.answered_at or asked)
