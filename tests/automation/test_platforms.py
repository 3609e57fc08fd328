"""IM kinds without servers: URL checks, hidden credentials, signing and reading replies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from services.automation.platforms import (
    Kind,
    redacted,
    request,
    secret_problems,
    url_problems,
    verdict,
)

FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=0c23a4b5c6d7e8f9"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
SLACK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"


@pytest.mark.parametrize(
    ("kind", "url"),
    [(Kind.FEISHU, FEISHU), (Kind.DINGTALK, DINGTALK), (Kind.WECOM, WECOM), (Kind.SLACK, SLACK)],
)
def test_each_kind_takes_its_platforms_url_and_refuses_the_others(kind: Kind, url: str) -> None:
    assert url_problems(kind, url) == []
    for other in (FEISHU, DINGTALK, WECOM, SLACK):
        if other != url:
            [problem] = url_problems(kind, other)
            assert problem.field == "webhook.url"


def test_url_problems_say_what_is_missing() -> None:
    [no_token] = url_problems(Kind.DINGTALK, "https://oapi.dingtalk.com/robot/send")
    assert "access_token" in no_token.description
    [signed] = url_problems(Kind.DINGTALK, DINGTALK + "&timestamp=1&sign=x")
    assert "PlanOps signs" in signed.description
    [clear] = url_problems(Kind.WECOM, WECOM.replace("https://", "http://"))
    assert "https://" in clear.description
    # A private deployment's host, or a test's, is fine with the platform's path.
    assert url_problems(Kind.FEISHU, "http://10.0.0.5:8080/open-apis/bot/v2/hook/abc") == []
    assert url_problems(Kind.GENERIC, "https://example.com/anything") == []


def test_only_signing_kinds_take_a_secret() -> None:
    assert secret_problems(Kind.FEISHU, "nIMtb7r3N9pkXyXdtAbx6e") == []
    assert secret_problems(Kind.DINGTALK, "SEC0123456789abcdef") == []
    for kind in (Kind.WECOM, Kind.SLACK, Kind.GENERIC):
        [problem] = secret_problems(kind, "SECx")
        assert problem.field == "signing_secret"
    [spaced] = secret_problems(Kind.DINGTALK, "SEC with spaces")
    assert spaced.field == "signing_secret"


def test_listed_urls_hide_the_credential_they_carry() -> None:
    assert redacted(Kind.FEISHU, FEISHU) == "https://open.feishu.cn/open-apis/bot/v2/hook/****86fd"
    assert redacted(Kind.DINGTALK, DINGTALK) == (
        "https://oapi.dingtalk.com/robot/send?access_token=****e8f9"
    )
    assert redacted(Kind.WECOM, WECOM).endswith("?key=****5aaa")
    assert (
        redacted(Kind.SLACK, SLACK)
        == "https://hooks.slack.com/services/T00000000/B00000000/****XXXX"
    )
    assert (
        redacted(Kind.GENERIC, "https://x.example/h?token=abc") == "https://x.example/h?token=abc"
    )


def test_feishu_signs_in_the_body_and_dingtalk_in_the_url() -> None:
    body = json.dumps({"msg_type": "interactive", "card": {}}).encode()
    now = 1599360473.25
    feishu = json.loads(request(Kind.FEISHU, url=FEISHU, body=body, secret="s3", now=now).body)
    key = b"1599360473\ns3"
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert feishu == {
        "timestamp": "1599360473",
        "sign": expected,
        "msg_type": "interactive",
        "card": {},
    }
    ding = request(Kind.DINGTALK, url=DINGTALK, body=body, secret="SECs3", now=now)
    query = parse_qs(urlsplit(ding.url).query)
    assert query["timestamp"] == ["1599360473250"]
    digest = hmac.new(b"SECs3", b"1599360473250\nSECs3", hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(digest).decode()]
    assert query["access_token"] == ["0c23a4b5c6d7e8f9"] and ding.body == body
    # Without a secret (a bot guarded by a keyword or an IP list) nothing is added.
    assert request(Kind.DINGTALK, url=DINGTALK, body=body, secret="", now=now).url == DINGTALK
    assert request(Kind.FEISHU, url=FEISHU, body=body, secret="", now=now).body == body


def test_a_non_zero_code_in_a_200_is_a_failure_and_its_words_come_from_the_platform_only() -> None:
    reply = json.dumps({"errcode": 310000, "errmsg": "sign not match"}).encode()
    public = verdict(Kind.DINGTALK, status=200, body=reply, public=True)
    assert (public.ok, public.code, public.message, public.permanent) == (
        False,
        310000,
        "sign not match",
        True,
    )
    private = verdict(Kind.DINGTALK, status=200, body=reply, public=False)
    assert private.code == 310000 and "sign not match" not in private.message
    assert "signature" in private.message
    limited = verdict(
        Kind.FEISHU, status=200, body=b'{"code":11232,"msg":"frequency limited"}', public=True
    )
    assert not limited.ok and not limited.permanent
    unknown = verdict(Kind.WECOM, status=200, body=b'{"errcode":12345,"errmsg":"?"}', public=False)
    assert not unknown.ok and not unknown.permanent and unknown.message == "refused with code 12345"
    assert verdict(Kind.FEISHU, status=200, body=b'{"code":0,"msg":"success"}', public=True).ok
    assert verdict(Kind.FEISHU, status=200, body=b'{"StatusCode":0}', public=True).ok
    assert verdict(Kind.SLACK, status=200, body=b"ok", public=True).ok
    gone = verdict(Kind.SLACK, status=404, body=b"no_service", public=True)
    assert (gone.ok, gone.permanent, gone.message) == (False, True, "no_service")
    assert verdict(Kind.SLACK, status=404, body=b"no_service", public=False).message == ""
    assert not verdict(Kind.SLACK, status=503, body=b"", public=True).permanent
