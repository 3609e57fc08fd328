"""IM webhook kinds without I/O: which URLs each platform's group bots have, how a message
is signed, and how a platform's reply is read. `messages.py` builds the bodies; the
delivery worker sends them through the same queue, retries and egress policy as generic
webhooks: a kind changes only the URL, the body and the headers of a POST.

Signing, as the platforms document it:
- Feishu/Lark custom bot (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot,
  "签名校验"): `sign` = base64(HMAC-SHA256(key = f"{timestamp}\\n{secret}", message = empty)),
  `timestamp` in seconds; both go into the JSON body, within an hour of the platform's clock.
- DingTalk custom robot (https://open.dingtalk.com/document/group/custom-robot-access,
  "加签"): `sign` = urlencode(base64(HMAC-SHA256(key = secret, message =
  f"{timestamp}\\n{secret}"))), `timestamp` in milliseconds; both appended to the URL.
- WeCom group robots and Slack incoming webhooks carry their credential in the URL and
  are not signed.

Feishu, DingTalk and WeCom answer HTTP 200 with an error code in the JSON body (`code`, or
`errcode`): a non-zero code is a failed attempt. A code that only a person can fix (a wrong
signature or keyword, an unknown token, a malformed message) fails the delivery at once; a
rate limit or an unknown code is retried like an HTTP error."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit, urlunsplit

from services.automation import messages
from services.common.errors import FieldViolation

MAX_SECRET = 200
MAX_REPLY_BYTES = 64 * 1024
MAX_MESSAGE = 200


class Kind(StrEnum):
    GENERIC = "generic"
    FEISHU = "feishu"
    DINGTALK = "dingtalk"
    WECOM = "wecom"
    SLACK = "slack"


IM_KINDS = (Kind.FEISHU, Kind.DINGTALK, Kind.WECOM, Kind.SLACK)
SIGNED_KINDS = (Kind.FEISHU, Kind.DINGTALK)
NAMES = {
    Kind.FEISHU: "Feishu/Lark",
    Kind.DINGTALK: "DingTalk",
    Kind.WECOM: "WeCom",
    Kind.SLACK: "Slack",
}
DEFAULT_LANGUAGE = {
    Kind.GENERIC: messages.EN,
    Kind.FEISHU: messages.ZH,
    Kind.DINGTALK: messages.ZH,
    Kind.WECOM: messages.ZH,
    Kind.SLACK: messages.EN,
}
# The platforms' own hosts: a reply from one of them is the platform's, so its words may be
# shown to the project's managers. Any other host (a private deployment, or a host inside
# the deployment that a manager pointed a webhook at) gets PlanOps' words for its code.
PUBLIC_HOSTS: Mapping[Kind, tuple[str, ...]] = {
    Kind.FEISHU: ("open.feishu.cn", "open.larksuite.com"),
    Kind.DINGTALK: ("oapi.dingtalk.com",),
    Kind.WECOM: ("qyapi.weixin.qq.com",),
    Kind.SLACK: ("hooks.slack.com",),
}
_FEISHU_PATH = re.compile(r"^/open-apis/bot/v2/hook/[A-Za-z0-9_-]{1,200}\Z")
_SLACK_PATH = re.compile(r"^/(services|workflows|triggers)(/[A-Za-z0-9_-]{1,200}){2,4}\Z")
_SECRET = re.compile(r"^[\x21-\x7e]+\Z")


@dataclass(frozen=True)
class Code:
    description: str
    permanent: bool


# Error codes the platforms document for their group bots, with what PlanOps says about
# them when the reply is not from the platform's public host.
CODES: Mapping[Kind, Mapping[int, Code]] = {
    Kind.FEISHU: {
        9499: Code("bad request: the message is malformed", True),
        11232: Code("rate limited: too many messages", False),
        19021: Code("signature mismatch, or the timestamp is more than an hour off", True),
        19022: Code("this server's IP address is not allowed by the bot", True),
        19024: Code("the message lacks the bot's custom keyword", True),
    },
    Kind.DINGTALK: {
        130101: Code("rate limited: more than 20 messages a minute", False),
        300001: Code("the access_token is unknown (was the robot removed?)", True),
        310000: Code(
            "refused by the robot's security settings: signature, timestamp, keyword or IP",
            True,
        ),
    },
    Kind.WECOM: {
        40008: Code("the message type is not valid", True),
        40058: Code("a parameter of the message is not valid", True),
        44004: Code("the message is empty", True),
        45009: Code("rate limited: more than 20 messages a minute", False),
        93000: Code("the webhook URL is not valid (was the robot removed?)", True),
    },
}
# Slack answers errors with an HTTP status and a short text (`invalid_payload`,
# `no_service`, `channel_is_archived`, ...); these statuses are not cured by waiting.
SLACK_PERMANENT_STATUSES = (400, 403, 404, 410)


def kind_of(value: str) -> Kind:
    try:
        return Kind(value or Kind.GENERIC)
    except ValueError:
        return Kind.GENERIC


# ------------------------------------------------------------------------------ URLs


def url_problems(kind: Kind, url: str) -> list[FieldViolation]:
    """What keeps `url` (already an absolute http(s) URL) from being a `kind` bot's URL."""
    if kind == Kind.GENERIC:
        return []
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    name = NAMES[kind]
    found: list[str] = []
    if kind == Kind.FEISHU and not _FEISHU_PATH.match(parts.path):
        found.append(f"must be a {name} custom bot's URL, .../open-apis/bot/v2/hook/{{token}}")
    elif kind == Kind.DINGTALK:
        if parts.path != "/robot/send" or not query.get("access_token", [""])[0]:
            found.append(f"must be a {name} robot's URL, .../robot/send?access_token={{token}}")
        elif "timestamp" in query or "sign" in query:
            found.append("must not hold timestamp or sign: PlanOps signs each message itself")
    elif kind == Kind.WECOM and (
        parts.path != "/cgi-bin/webhook/send" or not query.get("key", [""])[0]
    ):
        found.append(f"must be a {name} group robot's URL, .../cgi-bin/webhook/send?key={{key}}")
    elif kind == Kind.SLACK and not _SLACK_PATH.match(parts.path):
        found.append(f"must be a {name} incoming webhook URL, .../services/T…/B…/{{secret}}")
    host = (parts.hostname or "").lower()
    if not found and host in PUBLIC_HOSTS[kind] and parts.scheme != "https":
        found.append(f"must be https:// for {host}: its URL is a credential")
    return [FieldViolation("webhook.url", problem) for problem in found]


def secret_problems(kind: Kind, secret: str) -> list[FieldViolation]:
    if not secret:
        return []
    if kind not in SIGNED_KINDS:
        what = (
            "generic webhooks get one from PlanOps"
            if kind == Kind.GENERIC
            else (f"{NAMES[kind]} carries its credential in the URL")
        )
        return [FieldViolation("signing_secret", f"is only for Feishu and DingTalk; {what}")]
    if len(secret) > MAX_SECRET or not _SECRET.match(secret):
        return [
            FieldViolation(
                "signing_secret",
                f"must be the bot's secret: 1 to {MAX_SECRET} printable characters, no spaces",
            )
        ]
    return []


def redacted(kind: Kind, url: str) -> str:
    """`url` with the credential an IM kind carries in it hidden but for its last 4
    characters, so a listing still tells two bots apart."""
    if kind == Kind.GENERIC:
        return url
    parts = urlsplit(url)

    def hide(value: str) -> str:
        return "****" + value[-4:] if len(value) > 8 else "****"

    if kind in (Kind.FEISHU, Kind.SLACK):
        head, _, last = parts.path.rpartition("/")
        return urlunsplit(parts._replace(path=f"{head}/{hide(last)}", query="", fragment=""))
    secret_key = "access_token" if kind == Kind.DINGTALK else "key"
    pairs = [p.partition("=") for p in parts.query.split("&") if p]
    query = "&".join(
        f"{k}={hide(v) if k == secret_key else v}" if sep else k for k, sep, v in pairs
    )
    return urlunsplit(parts._replace(query=query, fragment=""))


def is_public(kind: Kind, host: str) -> bool:
    return host.lower().rstrip(".") in PUBLIC_HOSTS.get(kind, ())


# ------------------------------------------------------------------------------ signing


def feishu_sign(secret: str, *, timestamp: int) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def dingtalk_sign(secret: str, *, timestamp_ms: int) -> str:
    """The signature before URL encoding."""
    message = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: Mapping[str, str]


HEADERS = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "PlanOps-Webhooks/1"}


def request(kind: Kind, *, url: str, body: bytes, secret: str, now: float) -> Request:
    """The POST for an IM kind's stored (unsigned) message at `now` (Unix seconds)."""
    if kind == Kind.FEISHU and secret:
        timestamp = int(now)
        signed = {
            "timestamp": str(timestamp),
            "sign": feishu_sign(secret, timestamp=timestamp),
            **json.loads(body),
        }
        body = json.dumps(signed, ensure_ascii=False, separators=(",", ":")).encode()
    elif kind == Kind.DINGTALK and secret:
        timestamp_ms = int(now * 1000)
        sign = quote_plus(dingtalk_sign(secret, timestamp_ms=timestamp_ms))
        joiner = "&" if urlsplit(url).query else "?"
        url = f"{url}{joiner}timestamp={timestamp_ms}&sign={sign}"
    return Request(url=url, body=body, headers=HEADERS)


def message(kind: Kind, notice: messages.Notice, *, language: str) -> bytes:
    """The body an IM kind receives for `notice`, before signing."""
    chosen = messages.language_of(language, default=DEFAULT_LANGUAGE[kind])
    render = {
        Kind.FEISHU: messages.feishu,
        Kind.DINGTALK: messages.dingtalk,
        Kind.WECOM: messages.wecom,
        Kind.SLACK: messages.slack,
    }[kind]
    return json.dumps(render(notice, chosen), ensure_ascii=False, separators=(",", ":")).encode()


# ------------------------------------------------------------------------------ replies


@dataclass(frozen=True)
class Verdict:
    """How an answered POST went: `ok`, or the platform's code and words and whether
    trying again could help."""

    ok: bool
    code: int = 0
    message: str = ""
    permanent: bool = False


def verdict(kind: Kind, *, status: int, body: bytes, public: bool) -> Verdict:
    """Read an IM platform's answer; `public` when it came from the platform's own host."""
    code, said = _error_code(kind, body)
    if code:
        known = CODES.get(kind, {}).get(code)
        words = said if public and said else (known.description if known else "")
        return Verdict(
            ok=False,
            code=code,
            message=messages.plain(words or f"refused with code {code}", limit=MAX_MESSAGE),
            permanent=known.permanent if known else False,
        )
    if 200 <= status < 300:
        return Verdict(ok=True)
    text = body[:MAX_MESSAGE].decode(errors="replace") if public else ""
    return Verdict(
        ok=False,
        message=messages.plain(text, limit=MAX_MESSAGE),
        permanent=kind == Kind.SLACK and status in SLACK_PERMANENT_STATUSES,
    )


def _error_code(kind: Kind, body: bytes) -> tuple[int, str]:
    if kind == Kind.SLACK:
        return 0, ""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return 0, ""
    if not isinstance(data, dict):
        return 0, ""
    # Feishu answers `code`/`msg`, or in older bots `StatusCode`/`StatusMessage`.
    keys: tuple[tuple[str, str], ...] = (("errcode", "errmsg"),)
    if kind == Kind.FEISHU:
        keys = (("code", "msg"), ("StatusCode", "StatusMessage"))
    for code_key, message_key in keys:
        value = data.get(code_key)
        if isinstance(value, int) and not isinstance(value, bool) and value != 0:
            said = data.get(message_key)
            return value, said if isinstance(said, str) else ""
    return 0, ""
