"""Sources: listing, manifest, encodings, HTML main text, and every kind of bad input."""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from etl.errors import UnreadableFile
from etl.sources import (
    decode_text,
    document_from_bytes,
    iter_report_files,
    load_manifest,
    normalise_date,
    read_document,
)

from conftest import BAD_INPUT, REPORTS_SMALL, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


def test_iter_report_files_sorted_and_filtered(tmp_path):
    for name in ["b.txt", "a.HTML", "c.htm", "manifest.csv", ".hidden.txt", "notes.md", "sub/d.txt", ".git/x.txt"]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("内容", encoding="utf-8")
    names = [p.relative_to(tmp_path).as_posix() for p in iter_report_files(tmp_path)]
    assert names == ["a.HTML", "b.txt", "c.htm", "sub/d.txt"]


@pytest.mark.parametrize(("raw", "encoding"), [
    (SEED_TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"), "utf-8-sig"),
    (SEED_TEXT.encode("gb18030"), "gb18030"),
    (SEED_TEXT.encode("gbk", errors="ignore"), "gb18030"),
    (SEED_TEXT.encode("utf-16"), "utf-16"),
])
def test_decodes_common_encodings(raw, encoding):
    text, enc = decode_text(raw, "x.txt")
    assert enc == encoding
    assert "陈巴尔虎旗" in text


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "文件是空的"),
    (b" \r\n\t\n", "文件是空的"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG"),
    (b"%PDF-1.7\n" + bytes(50), "PDF"),
    (b"PK\x03\x04" + bytes(50), "docx"),
    (b"abc\x00\x00\x01\x02" * 50, "二进制"),
    (SEED_TEXT.encode("utf-8")[:-2] if SEED_TEXT.encode("utf-8")[-1] >= 0x80 else SEED_TEXT.rstrip().encode()[:-1],
     "截断"),
    (SEED_TEXT[:400].encode("gb18030")[:-1], "截断"),
    (SEED_TEXT[:300].encode("utf-8") + SEED_TEXT[300:600].encode("gb18030"), "混用"),
    (bytes(range(0x80, 0x100)) * 4, "编码无法识别"),
])
def test_bad_bytes_raise_unreadable_with_reason_and_advice(raw, reason):
    with pytest.raises(UnreadableFile, match=reason) as info:
        decode_text(raw, "bad.txt")
    assert info.value.file == "bad.txt"
    assert info.value.advice  # every error says what to do


def test_newlines_normalised_nfc_and_fullwidth_kept():
    raw = "第一段１２３个\r\n\r\n第二段e\u0301\r".encode("utf-8")
    doc = document_from_bytes(raw, "x.txt")
    assert doc.text == "第一段１２３个\n\n第二段\u00e9\n"
    assert doc.content_hash == hashlib.sha256(raw).hexdigest()
    assert doc.published == "" and doc.published_how == "none"


def test_fifty_megabyte_single_line_reads_fast(tmp_path):
    line = "陈巴尔虎旗建成嘎查社区联合体15个，" * 1_000  # 18,000 characters, 50 kB
    raw = (line * 1_000).encode("utf-8")  # 50 MB, no newline
    path = tmp_path / "huge.txt"
    path.write_bytes(raw)
    t0 = time.perf_counter()
    doc = read_document(path, tmp_path)
    assert len(raw) >= 50_000_000
    n_newlines, n_chars = doc.text.count("\n"), len(doc.text)  # (no 50 MB repr on failure)
    assert n_newlines == 0
    assert n_chars == 18_000_000
    assert time.perf_counter() - t0 < 20


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; see the monkeypatched test below")
def test_unreadable_permissions_real_file(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text("内容", encoding="utf-8")
    p.chmod(0)
    with pytest.raises(UnreadableFile, match="权限"):
        read_document(p, tmp_path)


def test_unreadable_permissions(tmp_path, monkeypatch):
    p = tmp_path / "secret.txt"
    p.write_text("内容", encoding="utf-8")

    def deny(self):  # noqa: ANN001
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(UnreadableFile, match="没有读取该文件的权限"):
        read_document(p, tmp_path)


def test_directory_named_like_a_report(tmp_path):
    (tmp_path / "dir.txt").mkdir()
    assert iter_report_files(tmp_path) == []
    with pytest.raises(UnreadableFile, match="目录"):
        read_document(tmp_path / "dir.txt", tmp_path)


# ---- HTML ---------------------------------------------------------------------------------

def test_html_main_text_only_entities_and_table_rows():
    doc = read_document(REPORTS_SMALL / "030_ordos_web.html", REPORTS_SMALL)
    assert doc.kind == "html"
    assert doc.title == "鄂尔多斯市“红色小马甲”服务队伍壮大"
    text = doc.text
    for gone in ["首页", "99999", "8888", "版权所有", "ICP", "color: red", "dataLayer", "欢迎访问", "36期", "当前位置",
                 "分享到", "1563", "相关阅读", "2万余名"]:
        assert gone not in text
    assert "全区注册志愿者达到8600名" in text  # inline <b> does not split the sentence
    assert "——覆盖社区45个" in text  # &mdash; decoded
    assert "“积分兑换”机制" in text
    # a table becomes rows of cells joined by " | ", header first (read by etl.tables)
    lines = text.split("\n")
    header = next(i for i, ln in enumerate(lines) if "服务站" in ln and " | " in ln)
    assert lines[header].count(" | ") >= 1 and "东胜区 | 45 | 8600" in lines[header + 2:header + 6]
    assert "准格尔旗 | 38 | 5100" in lines
    assert "\n\n" in text and "\n\n\n" not in text
    assert text.startswith("鄂尔多斯市“红色小马甲”服务队伍壮大\n\n")  # the headline heads the text


def test_html_gbk_declared_charset():
    html = '<html><head><meta charset="gb2312"><title>标题_网站</title></head><body><p>兴安盟新建服务站12个。</p></body></html>'
    doc = document_from_bytes(html.encode("gb18030"), "x.html")
    assert doc.encoding == "gb18030"
    assert "兴安盟新建服务站12个" in doc.text
    assert doc.title == "标题"


def test_a_sites_logo_in_h1_is_not_the_headline():
    html = ('<html><head><meta charset="utf-8"><title>全市观摩会召开_组工动态_赤峰市委组织部</title></head><body>'
            '<div class="header"><h1 class="logo">赤峰组工网</h1></div><div class="article">'
            '<h2 class="art-title">全市观摩会召开</h2><p>共80余人参加观摩，实地察看了12个观摩点。</p></div></body></html>')
    doc = document_from_bytes(html.encode("utf-8"), "x.html")
    assert doc.title == "全市观摩会召开"
    assert doc.text.startswith("全市观摩会召开\n\n") and "赤峰组工网" not in doc.text


def test_a_page_of_several_articles_keeps_them_all():
    # a 专题 page: two articles one after the other, each with its <h2> and date line; a main-text
    # extractor keeps the first only
    path = Path(__file__).resolve().parent / "fixtures" / "genre" / "268_bayannaoer_zhuanti_hanghouqi_wuqianqi.html"
    doc = read_document(path, path.parent)
    assert "杭锦后旗：21个“村村联建”联合体" in doc.text and "乌拉特前旗：沟道里的党员中心户成了牧民“主心骨”" in doc.text
    assert "接羔互助队" in doc.text and "1259" in doc.text


def test_malformed_html_is_read_best_effort():
    doc = read_document(BAD_INPUT / "broken_but_readable.html", BAD_INPUT)
    assert "科右前旗新建党群服务中心12个" in doc.text
    assert "服务群众3000余人次" in doc.text


def test_html_without_text_is_unreadable():
    with pytest.raises(UnreadableFile, match="没有找到正文"):
        read_document(BAD_INPUT / "empty_page.html", BAD_INPUT)


# ---- manifest ----------------------------------------------------------------------------

def test_manifest_dates_sources_and_titles():
    manifest, problems = load_manifest(REPORTS_SMALL)
    assert problems == []
    assert manifest["000_seed.txt"] == {"published": "2024-01-15", "source": "内蒙古日报", "title": ""}
    assert manifest["010_tongliao_gbk.txt"]["published"] == "2024-03-02"
    doc = read_document(REPORTS_SMALL / "000_seed.txt", REPORTS_SMALL, manifest)
    assert (doc.published, doc.published_how, doc.source) == ("2024-01-15", "manifest", "内蒙古日报")
    doc = read_document(REPORTS_SMALL / "020_xilingol_bom_crlf.txt", REPORTS_SMALL, manifest)
    assert (doc.published, doc.published_how) == ("", "none")


def test_manifest_bad_date_and_unknown_file_are_reported():
    manifest, problems = load_manifest(BAD_INPUT)
    assert manifest["good_utf8.txt"]["published"] == ""
    by_file = {p.file: p for p in problems}
    assert "2024-13-45" in by_file["good_utf8.txt"].reason
    assert "输入目录中没有它" in by_file["missing_file.txt"].reason
    assert all(p.advice for p in problems)


def test_manifest_in_gb18030_and_missing_file_column(tmp_path):
    (tmp_path / "a.txt").write_text("内容", encoding="utf-8")
    (tmp_path / "manifest.csv").write_bytes("file,published,source,title\na.txt,2024年1月9日,通辽日报,标题甲\n".encode("gb18030"))
    manifest, problems = load_manifest(tmp_path)
    assert problems == []
    assert manifest["a.txt"] == {"published": "2024-01-09", "source": "通辽日报", "title": "标题甲"}
    (tmp_path / "manifest.csv").write_text("name,date\na.txt,2024-01-01\n", encoding="utf-8")
    manifest, problems = load_manifest(tmp_path)
    assert manifest == {} and "缺少 file 列" in problems[0].reason


def test_no_manifest_is_fine(tmp_path):
    assert load_manifest(tmp_path) == ({}, [])


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-01-15", "2024-01-15"), ("2024/1/5", "2024-01-05"), ("２０２４-０１-１５", "2024-01-15"),
    ("2024.1.5", "2024-01-05"), ("", ""), ("2024-02-30", None), ("昨天", None), ("15/01/2024", None),
])
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected


# A repost in traditional characters (a mirror site, 人民网's BIG5 pages): read in simplified, positions kept
TRADITIONAL = ("錫林郭勒盟黨員中心戶紮根邊境\n\n新華社呼和浩特電 內蒙古錫林郭勒盟有黨員中心戶1842戶，服務農牧民7.79萬戶。"
               "二連浩特市格日勒敖都蘇木的黨員中心戶聯絡周邊18戶。")


@pytest.mark.parametrize("encoding, suffix", [("utf-8", "txt"), ("big5", "txt"), ("utf-8", "html")])
def test_a_text_in_traditional_characters_is_read_in_simplified_ones(encoding, suffix):
    body = TRADITIONAL if suffix == "txt" else (
        f"<html><head><meta charset='utf-8'><title>{TRADITIONAL.split(chr(10))[0]}</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in TRADITIONAL.split("\n\n")) + "</article></body></html>")
    doc = document_from_bytes(body.encode(encoding), f"repost.{suffix}")
    assert "锡林郭勒盟有党员中心户1842户，服务农牧民7.79万户" in doc.text
    assert "錫" not in doc.text and "黨" not in doc.text
    assert any("繁体" in reason for reason, _advice in doc.notes)


def test_traditional_facts_get_their_places_and_programme():
    from etl.pipeline import extract_document  # noqa: PLC0415

    _arts, facts = extract_document(document_from_bytes(TRADITIONAL.encode("utf-8"), "repost.txt"))
    by_value = {f.value: f for f in facts}
    assert by_value[1842].league == "锡林郭勒盟" and by_value[1842].initiative == "党员中心户"
    assert by_value[18].banner == "二连浩特市"


def test_simplified_text_with_rare_traditional_looking_characters_is_left_as_written():
    text = "乾隆年间建成的著名古村，全村著有村志1部，现有党员32名，干部5名。"
    doc = document_from_bytes(text.encode("utf-8"), "plain.txt")
    assert doc.text == text and not doc.notes
