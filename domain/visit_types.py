"""Kinds of visit (SPEC §4.1 `type`/`方式`): the words people use for each, and which a team offers.

A team lists the kinds it uses (`team: visit_types: [onsite, phone, wechat]` in its YAML);
without a list it offers all of `DEFAULT_TEAM_TYPES`. `other` stays known so visits stored
with it keep their meaning, but a team may leave it out of what it offers.
"""

from __future__ import annotations

import unicodedata

VISIT_TYPES = ("onsite", "phone", "wechat", "video", "email", "meeting", "other")
DEFAULT_TEAM_TYPES = VISIT_TYPES
DEFAULT_VISIT_TYPE = "onsite"

# Word as typed (after NFKC, lowercase, single spaces) → kind.
_WORDS = {
    "onsite": "onsite", "on-site": "onsite", "on site": "onsite", "in person": "onsite",
    "in-person": "onsite", "face to face": "onsite", "face-to-face": "onsite", "f2f": "onsite",
    "visit": "onsite", "面访": "onsite", "上门": "onsite", "拜访": "onsite", "现场": "onsite",
    "当面": "onsite", "面谈": "onsite", "见面": "onsite",
    "phone": "phone", "call": "phone", "phone call": "phone", "tel": "phone",
    "电话": "phone", "打电话": "phone", "通话": "phone",
    "wechat": "wechat", "weixin": "wechat", "wx": "wechat", "微信": "wechat",
    "企业微信": "wechat", "企微": "wechat", "微信沟通": "wechat", "微信聊天": "wechat",
    "video": "video", "video call": "video", "zoom": "video", "视频": "video",
    "视频会议": "video", "视频通话": "video", "腾讯会议": "video",
    "email": "email", "e-mail": "email", "mail": "email", "邮件": "email",
    "电子邮件": "email", "电邮": "email",
    "meeting": "meeting", "会议": "meeting", "开会": "meeting", "会面": "meeting",
    "other": "other", "其他": "other", "其它": "other",
}  # fmt: skip


def visit_type_of(word: str) -> str | None:
    """The kind a typed word names (`微信` → `wechat`), or None."""
    folded = " ".join(unicodedata.normalize("NFKC", word or "").lower().split())
    return _WORDS.get(folded)


def team_types(configured: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The kinds a team offers, in the canonical order."""
    chosen = set(configured or DEFAULT_TEAM_TYPES)
    return tuple(kind for kind in VISIT_TYPES if kind in chosen)
