# SPDX-License-Identifier: MIT
"""Tests for `gkbg.align.metadata`: title, agency and year read from a report's text.

The last section checks that the shortcuts the metadata takes give what the line-by-line work
gives: its one substitution over all lines, its search for split titles and its skipping of
lines without 年 and 报, each compared with the plain computation written out as the definition.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gkbg.align.metadata import (
    _BLANK,
    _MAX_AGENCY,
    _TITLE_RE,
    _TITLE_YEAR_FIRST_RE,
    Metadata,
    _compact,
    _compact_lines,
    _is_agency,
    _join_split_titles,
    _wrapped,
    _wrapped_three,
    extract_metadata,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def _seed_text(prefix: str) -> str:
    (path,) = (seed for seed in SEEDS if seed.name.startswith(prefix))
    return path.read_text(encoding="utf-8")


# --- the five real reports ---------------------------------------------------------------


def test_all_seeds_are_present() -> None:
    assert [seed.name[:3] for seed in SEEDS] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("seed", SEEDS, ids=[seed.name[:3] for seed in SEEDS])
def test_seed_matches_golden(seed: Path) -> None:
    golden = json.loads((FIXTURES / "golden" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    metadata = extract_metadata(seed.read_text(encoding="utf-8"))
    assert metadata.year == golden["year"]
    assert metadata.agency == golden["agency"]


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("000", None),
        ("001", None),
        ("002", "瑶海区人民政府2019年政府信息公开工作年度报告"),
        ("003", "兴安区2024年政府信息公开工作年度报告"),
        ("004", "北京市门头沟区科学技术和信息化局2022年政府信息公开工作年度报告"),
    ],
)
def test_seed_title(prefix: str, title: str | None) -> None:
    assert extract_metadata(_seed_text(prefix)).title == title


# --- titles -------------------------------------------------------------------------------


def test_empty_text() -> None:
    assert extract_metadata("") == Metadata(None, None, None)


def test_title_on_the_first_line() -> None:
    text = "兴安区2024年政府信息公开工作年度报告\n一、总体情况\n2023年以来,兴安区……\n"
    assert extract_metadata(text) == Metadata(
        "兴安区2024年政府信息公开工作年度报告", "兴安区", 2024
    )


def test_title_on_the_last_line() -> None:
    text = (
        "一、总体情况\n2022年,区科信局……\n六、其他需要报告的事项\n无。\n"
        "北京市门头沟区科学技术和信息化局2022年政府信息公开工作年度报告\n"
    )
    metadata = extract_metadata(text)
    assert metadata.agency == "北京市门头沟区科学技术和信息化局"
    assert metadata.year == 2022


def test_title_in_a_table_cell_line() -> None:
    metadata = extract_metadata("兴安区2024年政府信息公开工作年度报告 |\n|||\n信息内容 |\n")
    assert metadata == Metadata("兴安区2024年政府信息公开工作年度报告", "兴安区", 2024)


def test_title_with_spaces_and_full_width_digits() -> None:
    text = (
        "瑶海区人民政府 ２０１９ 年政府信息公开 工作年度报告 本报告根据《中华人民共和国政府"
        "信息公开条例》撰写。 本报告中使用数据统计期限为 ２０１９ 年 1 月 1 日至 12 月 31 日。"
    )
    assert extract_metadata(text) == Metadata(
        "瑶海区人民政府2019年政府信息公开工作年度报告", "瑶海区人民政府", 2019
    )


def test_title_after_junk_with_a_space_inside_the_name() -> None:
    text = "下载后继续阅读 北京市 门头沟区 科学技术和信息 化局 2022 年政务公开工作年度报告 一、"
    metadata = extract_metadata(text)
    assert metadata.agency == "北京市门头沟区科学技术和信息化局"
    assert metadata.title == "北京市门头沟区科学技术和信息化局2022年政务公开工作年度报告"
    assert metadata.year == 2022


def test_year_first_title() -> None:
    metadata = extract_metadata("2023年度海淀区人民政府信息公开工作年度报告\n一、总体情况\n")
    assert metadata.agency == "海淀区人民政府"
    assert metadata.year == 2023


def test_clean_title_is_preferred_to_a_file_name() -> None:
    text = (
        "DOC文库 - 千万精品文档\n"
        "朝阳区人民政府2018年政府信息公开工作年报告.docx\n"
        "海淀区人民政府2019年政府信息公开工作年度报告\n"
    )
    assert extract_metadata(text) == Metadata(
        "海淀区人民政府2019年政府信息公开工作年度报告", "海淀区人民政府", 2019
    )


def test_file_name_alone_still_names_the_report() -> None:
    metadata = extract_metadata("当前文档共12页\n瑶海区人民政府2019年政府信息公开工作年报告.docx\n")
    assert metadata == Metadata(
        "瑶海区人民政府2019年政府信息公开工作年报告", "瑶海区人民政府", 2019
    )


def test_title_inside_guillemets_is_not_the_title() -> None:
    text = "参照《朝阳区2020年政府信息公开工作年度报告》的格式编写。"
    metadata = extract_metadata(text)
    assert metadata.title is None
    assert metadata.agency is None


def test_sentence_mentioning_the_report_is_not_a_title() -> None:
    text = (
        "现将我局2021年度政府信息公开工作年度报告如下:\n"
        "特向社会公布2021年政府信息公开工作年度报告。"
    )
    metadata = extract_metadata(text)
    assert metadata.title is None
    assert metadata.agency is None
    assert metadata.year == 2021


# --- agency without a title ---------------------------------------------------------------


def test_agency_from_prepared_by() -> None:
    text = "本报告由青山区人民政府办公室根据《中华人民共和国政府信息公开条例》编制。"
    assert extract_metadata(text).agency == "青山区人民政府办公室"
    assert extract_metadata("本报告由青山区教育局编制。").agency == "青山区教育局"


def test_the_government_whose_office_compiled_the_report_when_it_does_the_years_work() -> None:
    """Without a title, 本报告由…办公室编制 names the government when the text opens a year's
    work with it (trafilatura's text of a county page drops the page's title); the office when
    it is the office that acts, or nothing says which."""
    by = "本报告由某某县人民政府办公室根据《条例》编制。\n一、总体情况\n"
    assert extract_metadata(by + "2020年，某某县人民政府认真贯彻落实《条例》。").agency == (
        "某某县人民政府"
    )
    assert extract_metadata(by + "2020年，某某县人民政府办公室认真贯彻落实。").agency == (
        "某某县人民政府办公室"
    )
    assert extract_metadata(by + "全年主动公开政府信息3215条。").agency == "某某县人民政府办公室"


def test_agency_from_electronic_edition() -> None:
    text = "本报告电子版可在东城区人民政府门户网站下载。如有疑问,请联系。"
    assert extract_metadata(text).agency == "东城区人民政府"


def test_title_outranks_the_other_agency_rules() -> None:
    text = (
        "东城区2021年政府信息公开工作年度报告\n"
        "本报告由东城区人民政府办公室编制,电子版可在东城区政务服务局网站下载。\n"
    )
    assert extract_metadata(text).agency == "东城区"


@pytest.mark.parametrize(
    "ending",
    [
        "沙河市发展和改革局\n2022年1月20日\n",
        "沙河市发展和改革局 2022年1月20日 |\n",
        "沙河市发展和改革局\n二〇二二年一月二十日\n",
        "2022年1月20日\n沙河市发展和改革局\n",
        "无 沙河市 发展和改革局 2022 年 1 月 20 日",
    ],
    ids=["two-lines", "one-line", "chinese-numerals", "date-first", "pdf-paste"],
)
def test_agency_from_signature(ending: str) -> None:
    metadata = extract_metadata("六、其他需要报告的事项\n无。\n" + ending)
    assert metadata.agency == "沙河市发展和改革局"
    assert metadata.year is None  # the signature date is not the report year


def test_no_agency_named() -> None:
    text = "一、总体情况\n2021年,我局认真贯彻落实《条例》。\n六、其他需要报告的事项\n无。\n"
    assert extract_metadata(text) == Metadata(None, None, 2021)


def test_agency_only_inside_guillemets() -> None:
    text = (
        "????一、总体情况\n2020年,我办进一步完善《忠县扶贫办政务信息审核报送制度》,"
        "明确具体人员。\n《忠县扶贫办》\n"
    )
    assert extract_metadata(text).agency is None


@pytest.mark.parametrize(
    "text",
    [
        "本报告由区政府办公室编制。",
        "报告电子版可在本局门户网站下载。",
        "报告的电子版可在“合肥市政务公开网”下载。",
        "本报告由总体情况、主动公开政府信息情况等六个部分组成。",
        "我局\n2022年1月20日\n",
    ],
)
def test_generic_or_quoted_names_are_not_agencies(text: str) -> None:
    assert extract_metadata(text).agency is None


# --- year without a title -----------------------------------------------------------------


def test_period_year_beats_a_more_frequent_year() -> None:
    text = (
        "本报告中所列数据的统计期限为2021年1月1日至12月31日。\n"
        "2022年1月完成备案,2022年2月再次备案,2022年3月第三次备案。\n"
    )
    assert extract_metadata(text).year == 2021


@pytest.mark.parametrize(
    "statement",
    [
        "所列数据截止日期为2021年12月31日",
        "本报告所列数据统计期限自2021年1月1日起至2021年12月31日止",
        "数据统计时限为2021 年 1 月 1 日至 2021 年 12 月 31 日",
    ],
)
def test_period_statements(statement: str) -> None:
    assert extract_metadata(f"{statement}。2022年计划……2022年继续。").year == 2021


def test_overview_year() -> None:
    text = "一、总体情况\n2020年,我办在县委领导下开展工作。2021年继续推进,2021年再上台阶。"
    assert extract_metadata(text).year == 2020


def test_most_frequent_year_and_ties() -> None:
    assert extract_metadata("2019年如何,2019年如何,2020年如何。").year == 2019
    assert extract_metadata("2021年如何,2022年如何。").year is None


def test_implausible_years_are_ignored() -> None:
    assert extract_metadata("统计期限为2005年1月1日至12月31日。1999年如何。").year is None


# --- robustness ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "瑶海区 2019 年政府信息公开工作年度报告 " * 5000,
        "2019年度瑶海区人民 " * 10000,
        ("电子版可在" + "政" * 60) * 2000,
        ("本报告由" + "局" * 60) * 2000,
        " " * 200_000 + "局",
        "2 0 1 9 " * 25_000,
        "一、总体情况" * 20_000,
        "《" * 100_000 + "瑶海区2019年政府信息公开工作年度报告",
        "沙河市发展和改革局\n2022年1月20日\n" * 5000,
    ],
    ids=lambda text: f"{text[:8]!r}",
)
def test_adversarial_input_is_read_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    extract_metadata(text)
    assert time.perf_counter() - start < 5.0


_ALPHABET = st.sampled_from(
    [
        *"局区县市政府人民办公室年度报告统计期限截止由电子版网站《》“”,。、 |\n0129２０",
        *("2019年", "政府信息公开工作年度报告", "本报告由", "电子版可在", "一、总体情况"),
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_results_are_always_plausible(text: str) -> None:
    metadata = extract_metadata(text)
    if metadata.agency is not None:
        assert 2 <= len(metadata.agency) <= 40
        assert not set(metadata.agency) & set("《》“”,。、 |\n0123456789")
    if metadata.year is not None:
        assert 2008 <= metadata.year <= 2100
    if metadata.title is not None:
        assert metadata.year is not None
        assert str(metadata.year) in metadata.title


def test_title_over_two_lines_qualified_by_the_compiling_office() -> None:
    """PDF exports (洪泽区 2023): the agency alone on a line; its office compiles the report."""
    text = (
        "- 1 -\n洪泽区人民政府\n2023 年政府信息公开工作年度报告\n"
        "本报告由淮安市洪泽区人民政府办公室根据《中华人民共和\n国政府信息公开条例》要求编制此报告。\n"
    )
    found = extract_metadata(text)
    assert found.year == 2023
    assert found.agency == "淮安市洪泽区人民政府"
    assert found.title == "洪泽区人民政府2023年政府信息公开工作年度报告"


def test_the_office_of_the_title_agency_gives_the_title_agency() -> None:
    text = (
        "淮安市人民政府\n2024 年政府信息公开工作年度报告\n"
        "本报告由淮安市人民政府办公室根据条例规定编制。\n"
    )
    assert extract_metadata(text).agency == "淮安市人民政府"


def test_an_office_reporting_for_itself_keeps_its_name() -> None:
    text = (
        "某某县人民政府办公室2022年政府信息公开工作年度报告\n本报告由某某县人民政府办公室编制。\n"
    )
    assert extract_metadata(text).agency == "某某县人民政府办公室"


# --------------------------------------------------------------------------------------------
# The shortcuts the metadata takes for speed give what the line-by-line work gives.


# --------------------------------------------------------------------------------------------
# Metadata: all lines compacted in one substitution.

_LINE_PIECES = ["a", "本局", " ", "\u3000", "\t", "\u200b", "\ufeff", "\x00", "2021年", "|"]

lines_strategy = st.lists(st.lists(st.sampled_from(_LINE_PIECES), max_size=8).map("".join))


@given(lines_strategy)
def test_lines_are_compacted_as_one_by_one(lines: list[str]) -> None:
    assert _compact_lines(lines) == [_compact(line) for line in lines]


def _plain_join(lines: list[str]) -> list[str]:
    """The definition: line by line, an agency alone on its line joined to a title after it,
    or a title wrapped over two lines, or over three when the last two are not one; blank
    lines between them are passed over (and dropped)."""
    heads = [_compact(line) for line in lines]
    real = [index for index, head in enumerate(heads) if head]

    def pair(at: int) -> bool:
        if at + 1 >= len(real):
            return False
        head, following = heads[real[at]], heads[real[at + 1]]
        alone = bool(
            head and len(head) <= _MAX_AGENCY and _is_agency(head) and _TITLE_RE.match(following)
        )
        return alone or bool(head and _wrapped(head, following))

    joined: list[str] = []
    position = 0
    at = 0
    while at < len(real):
        if pair(at):
            parts = real[at : at + 2]
        elif (
            at + 2 < len(real)
            and not pair(at + 1)
            and heads[real[at + 2]].endswith(("报告", "年报"))
            and _wrapped_three(heads[real[at]], heads[real[at + 1]], heads[real[at + 2]])
        ):
            parts = real[at : at + 3]
        else:
            at += 1
            continue
        joined.extend(lines[position : parts[0]])
        joined.append("".join(lines[part].strip(_BLANK) for part in parts))
        position = parts[-1] + 1
        at += len(parts)
    joined.extend(lines[position:])
    return joined


_TITLE_LINES = [
    "延边州政务服务和数字化建设管理局",
    "2021年度政府信息公开工作年度报告",
    " 2021 年度政府信息公开工作年度报告 |",
    "沛县人民政府",
    "淮安市洪泽区人民",
    "政府2023年政府信息公开工作年度报告",
    "淮安市洪泽区人民政府2023年政府信息",
    "公开工作年度报告",
    "洪泽区人民政府2023年政府信息公开工作年度报告",
    "内蒙古自治区呼和浩特市赛罕区科学",
    "技术和工业和信息化局2023年政",
    "府信息公开工作年度报告",
    "2019年",
    "2021年,我局",
    "正文",
    "",
]


@given(st.lists(st.sampled_from([*_TITLE_LINES, *_LINE_PIECES]), max_size=12))
def test_split_titles_joined_as_line_by_line(lines: list[str]) -> None:
    joined, compacts = _join_split_titles(lines)
    assert joined == _plain_join(lines)
    assert compacts == [_compact(line) for line in joined]


def test_a_split_title_is_joined() -> None:
    joined, _ = _join_split_titles(["正文", *_TITLE_LINES[:2], "正文"])
    assert joined == ["正文", "".join(_TITLE_LINES[:2]), "正文"]


_TITLE_PIECES = [
    "2021",
    "2",
    "0",
    "年",
    "度",
    "报",
    "告",
    "政府信息公开",
    "工作",
    "本局",
    " ",
    "《",
]


@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=14).map("".join))
def test_a_line_without_nian_or_bao_holds_no_title(line: str) -> None:
    """`_find_title` skips such lines: neither title pattern can match in them."""
    assert _TITLE_RE.search("本局2021年度政府信息公开工作年度报告") is not None
    for missing in ("年", "报"):
        without = line.replace(missing, "")
        assert _TITLE_RE.search(without) is None
        assert _TITLE_YEAR_FIRST_RE.search(without) is None


# --------------------------------------------------------------------------------------------
# A title wrapped over two lines, wherever the line breaks; unrelated lines never joined.

_BODY = "\n一、总体情况\n本年度我区政务公开工作稳步推进。"


@pytest.mark.parametrize(
    ("lines", "agency"),
    [
        ("淮安市洪泽区人民\n政府2023年政府信息公开工作年度报告", "淮安市洪泽区人民政府"),
        ("淮安市洪泽区人民政府2023年政府信息\n公开工作年度报告", "淮安市洪泽区人民政府"),
        ("淮安市洪泽区人民政府2023年\n政府信息公开工作年度报告", "淮安市洪泽区人民政府"),
        ("淮安市洪泽区人民政府 2023 年政\n府信息公开工作年度报告", "淮安市洪泽区人民政府"),
        ("淮安市洪泽区\n人民政府2023年度政府信息公开工作年度报告", "淮安市洪泽区人民政府"),
        (
            "内蒙古自治区呼和浩特市赛罕区科学技术和工业\n和信息化局2023年政府信息公开工作年度报告",
            "内蒙古自治区呼和浩特市赛罕区科学技术和工业和信息化局",
        ),
        ("2023年度淮安市洪泽区人民政府\n政府信息公开工作年度报告", "淮安市洪泽区人民政府"),
        # Over three lines.
        (
            (
                "内蒙古自治区呼和浩特市赛罕区科学\n"
                "技术和工业和信息化局 2023 年政\n"
                "府信息公开工作年度报告"
            ),
            "内蒙古自治区呼和浩特市赛罕区科学技术和工业和信息化局",
        ),
        ("淮安市洪泽\n区人民政府2023年政府\n信息公开工作年度报告", "淮安市洪泽区人民政府"),
    ],
)
def test_a_title_wrapped_over_two_or_three_lines_names_its_agency(lines: str, agency: str) -> None:
    found = extract_metadata(lines + _BODY)
    assert found.agency == agency
    assert found.year == 2023


@pytest.mark.parametrize(
    ("lines", "agency"),
    [
        # A heading above a whole title: the title's own agency, not the two joined.
        ("淮安市\n洪泽区人民政府2023年政府信息公开工作年度报告", "洪泽区人民政府"),
        ("政务公开\n洪泽区人民政府2023年政府信息公开工作年度报告", "洪泽区人民政府"),
        ("首页 > 政务公开\n洪泽区人民政府2023年政府信息公开工作年度报告", "洪泽区人民政府"),
        ("淮安市\n洪泽区人民政府\n2023年政府信息公开工作年度报告", "洪泽区人民政府"),
        # A sentence that ends in a place, above a title that has no agency.
        ("本报告由区政府办公室编制，发布于洪泽区\n2023年度政府信息公开工作年度报告", None),
    ],
)
def test_unrelated_lines_are_not_joined_to_a_title(lines: str, agency: str | None) -> None:
    assert extract_metadata(lines + _BODY).agency == agency


def test_a_wrapped_title_is_joined_once() -> None:
    lines = ["正文", "淮安市洪泽区人民", "政府2023年政府信息公开工作年度报告", "正文"]
    joined, _ = _join_split_titles(lines)
    assert joined == ["正文", "淮安市洪泽区人民政府2023年政府信息公开工作年度报告", "正文"]
    assert not _wrapped("淮安市洪泽区人民政府2023年政府信息公开工作年度报告", "正文")
    assert not _wrapped("", "政府2023年政府信息公开工作年度报告")
