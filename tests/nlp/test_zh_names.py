from __future__ import annotations

from collections.abc import Callable

import pytest

from services.nlp.zh_names import find_names
from tests.security import linear


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("汤磊负责供应商年审，本周五前", ["汤磊"]),
        ("请王芳周五前把报价单发出来", ["王芳"]),
        ("范冰会跟物流商对接赔付规则", ["范冰"]),
        ("好，蓝天今天下班前一定要有答复", ["蓝天"]),
        ("HRBP 储红 负责入职材料", ["储红"]),
        ("欧阳琳说埋点验收她来", ["欧阳琳"]),
        ("- 殷杰 2月27日前完成供应商准入审核", ["殷杰"]),
        ("参会：贝宁、强军、黄海涛\n黄海涛 确认灰度比例", ["贝宁", "强军", "黄海涛"]),
        ("【10:02】夏雯：iOS 的崩溃我今晚修掉", ["夏雯"]),
        ("| 阎锋 | 服务器续费 | 月底 |", ["阎锋"]),
    ],
)
def test_names_written_where_owners_are_written(text: str, names: list[str]) -> None:
    assert find_names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "方案：周五前定稿",  # 方 and 周 are surnames, 方案 and 周五 are not names
        "时间：2025年8月6日 14:00",
        "张经理负责门店验收",  # a title, not a given name
        "麻烦你周三前发一下",
        "高优先级：华东仓打包产能 3.2 万单/天",
        "陈列方案需要重新调整",
        "- 孙悦：展柜明天到",  # 展 is a surname; the thing due comes after the label
        # Guessed on the blind batches before 2026-12-06: a file, a door card, a shift, a
        # region, a surname before a title.
        "logo 文件今天下午发过来。门禁卡要录证件照。白班请吴师傅再调。下午交给区域 @孙悦",
        # A surname character before a word: 原 + 计划 is the original plan.
        "离线数仓迁移进度 72%，原计划 2/13 完成，延期到 2/27",
        # School years, not 初 or 高 and a given name.
        "初一、初二命题：各学科备课组长1月8日前交 A、B 两套卷。高三：模拟考 1 月 20 日",
    ],
)
def test_words_that_start_with_a_surname_are_not_names(text: str) -> None:
    assert find_names(text) == (["孙悦"] if "孙悦" in text else [])


def test_one_weak_place_is_not_enough_but_two_are() -> None:
    assert find_names("文静，") == []
    assert find_names("文静，\n文静。") == ["文静"]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda n: "王" * n + "x", id="a run of surnames"),
        pytest.param(lambda n: "请王芳" * n, id="one name over and over"),
        pytest.param(lambda n: "参会：" + "王芳、" * n, id="a long attendee line"),
        pytest.param(
            lambda n: "".join(
                f"王{chr(0x4E00 + i % 20000)}{chr(0x4E00 + i // 20000)}负责" for i in range(n)
            ),
            id="many different names",
        ),
    ],
)
def test_finding_names_is_linear(make: Callable[[int], str]) -> None:
    # Long enough that a scan takes milliseconds: shorter runs time the machine's load.
    assert linear.ratio_in_child(find_names, make, limit=8.0, short=8_000, long=32_000) < 8.0
