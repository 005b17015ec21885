"""Word, PDF, scans, pictures and spreadsheets: read as well as plain text, with provenance.

Every fixture is built here from the project's own text (tests/formats.py): python-docx for .docx,
Debian's Chromium printing a three-column newspaper page for .pdf, Chromium screenshots for the
pictures read by OCR, openpyxl for .xlsx, LibreOffice for .doc, qpdf for an encrypted PDF.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from etl.errors import UnreadableFile
from etl.pipeline import extract_document
from etl.provenance import locate_facts
from etl.schema import Document, TextSpan
from etl.sources import iter_report_files, read, sniff
from etl.sources.cjk import normalise_cjk
from etl.sources.geometry import Line, reading_order
from tests.formats import CHROMIUM, Printer, report_text, scanned_pdf, write_docx, write_xlsx
from tests.scoring import load_gold, report_path, score

ROOT = Path(__file__).resolve().parent.parent
GENRE = ROOT / "tests" / "fixtures" / "genre"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


def _key(f) -> tuple:  # noqa: ANN001
    return (round(f.value, 6), f.unit, f.league, f.banner, f.initiative)


def _facts(path: Path):  # noqa: ANN202
    doc = read(path)
    articles, facts = extract_document(doc)
    return doc, articles, facts


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """Copies of two genre reports: .docx, three-column .pdf, page picture .png, scanned .pdf."""
    out = tmp_path_factory.mktemp("pages")
    made: dict[str, Path] = {}
    with Printer() as printer:
        for stem in ("101_xilingol_page", "106_hulunbuir_report"):
            text = report_text(GENRE / f"{stem}.txt")
            made[f"{stem}.docx"] = write_docx(text, out / f"{stem}.docx")
            made[f"{stem}.pdf"] = printer.pdf(text, out / f"{stem}.pdf")
            made[f"{stem}.png"] = printer.png(text, out / f"{stem}.png")
        made["scan.pdf"] = scanned_pdf([made["106_hulunbuir_report.png"]], out / "scan.pdf")
        jump = report_text(GENRE / "106_hulunbuir_report.txt").replace("现将有关情况汇报如下。", "现将有关情况汇报如下。（下转第4版）")
        made["jump.pdf"] = printer.pdf(jump + "\n\n⺠⻅⾛访活动中，⼈员⻓期驻村。", out / "jump.pdf")
    return made


# ---- content sniffing ---------------------------------------------------------------------

@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n", "pdf"), (b"\x89PNG\r\n\x1a\n" + bytes(30), "image"), (b"\xff\xd8\xff\xe0" + bytes(30), "image"),
    (b"II*\x00" + bytes(30), "image"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(30), "ole"),
    (b"PK\x03\x04" + bytes(40), "zip"), ("兴安盟新建服务站12个。".encode(), None), (b"<html><body>%PDF-</body>", None),
])
def test_sniff_by_magic_bytes(head, kind):
    assert sniff(head) == kind


def test_listing_includes_every_registered_format(tmp_path):
    for name in ["a.docx", "b.PDF", "c.png", "d.xlsx", "e.doc", "f.wps", "g.csv", "h.txt", "i.jpg", "j.rtf", "manifest.csv"]:
        (tmp_path / name).write_bytes(b"x")
    names = [p.name for p in iter_report_files(tmp_path)]
    assert names == ["a.docx", "b.PDF", "c.png", "d.xlsx", "e.doc", "f.wps", "g.csv", "h.txt", "i.jpg"]


# ---- Word ---------------------------------------------------------------------------------

def test_docx_paragraphs_headings_tables_merged_cells_and_text_boxes(tmp_path):
    import docx  # noqa: PLC0415
    from docx.oxml import parse_xml  # noqa: PLC0415

    text = "正蓝旗党员中心户工作\n\n全旗建成党员中心户64户。\n\n各旗县情况如下。\n\n下一步将继续推进。"
    rows = [["旗县区", "党员中心户（户）", "联系农牧户（户）"], ["正蓝旗", "64", "1210"], ["合计", None, "1210"]]
    path = write_docx(text, tmp_path / "a.docx", tables=[("表2 各旗县党员中心户情况", rows, 2)])
    d = docx.Document(str(path))  # a text box anchored in the last paragraph (VML, as WPS writes it)
    box = ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
           '<w:p><w:r><w:t>文本框：培训党员300人次。</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    d.paragraphs[-1]._p.append(parse_xml(box))
    d.save(str(path))
    doc = read(path)
    assert doc.kind == "docx"
    assert doc.text == ("正蓝旗党员中心户工作\n\n全旗建成党员中心户64户。\n\n各旗县情况如下。\n\n"
                        "表2 各旗县党员中心户情况\n旗县区 | 党员中心户（户） | 联系农牧户（户）\n正蓝旗 | 64 | 1210\n合计 | 合计 | 1210\n\n"
                        "下一步将继续推进。\n\n文本框：培训党员300人次。")
    labels = {doc.text[s.start:s.end]: s.label for s in doc.spans}
    assert labels["全旗建成党员中心户64户。"] == "第2段"
    assert labels["正蓝旗 | 64 | 1210"] == "表2 第2行"
    assert labels["下一步将继续推进。"] == "第5段"
    assert labels["文本框：培训党员300人次。"].startswith("文本框")


@pytest.mark.parametrize("stem", ["101_xilingol_page", "106_hulunbuir_report"])
def test_docx_gives_the_same_facts_as_txt_with_paragraph_locations(pages, stem):
    _d, _a, txt = _facts(GENRE / f"{stem}.txt")
    doc, _a, facts = _facts(pages[f"{stem}.docx"])
    assert Counter(map(_key, facts)) == Counter(map(_key, txt))
    assert all(f.location.startswith("第") and f.location.endswith("段") for f in facts)
    assert [f.confidence for f in facts] == [f.confidence for f in txt]


def test_doc_and_docx_that_is_really_a_doc_via_libreoffice(pages, tmp_path):
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice is missing: apt-get install libreoffice-writer-nogui (make system-deps)")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(pages["106_hulunbuir_report.docx"], src / "r.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--convert-to",
                    "doc", "--outdir", str(tmp_path), str(src / "r.docx")], check=True, capture_output=True, timeout=180)
    _d, _a, txt = _facts(GENRE / "106_hulunbuir_report.txt")
    doc, _a, facts = _facts(tmp_path / "r.doc")
    assert doc.kind == "doc"
    assert Counter(map(_key, facts)) == Counter(map(_key, txt))
    shutil.copy(tmp_path / "r.doc", tmp_path / "really_a_doc.docx")
    doc = read(tmp_path / "really_a_doc.docx")
    assert doc.kind == "doc" and "1976" in doc.text
    assert any("旧版" in reason for reason, _advice in doc.notes)


# ---- PDF with a text layer ----------------------------------------------------------------

@needs_chromium
@pytest.mark.parametrize("stem", ["101_xilingol_page", "106_hulunbuir_report"])
def test_three_column_pdf_reads_in_order_and_gives_the_same_facts(pages, stem):
    _d, _a, txt = _facts(GENRE / f"{stem}.txt")
    doc, _a, facts = _facts(pages[f"{stem}.pdf"])
    assert doc.kind == "pdf"
    squeeze = lambda t: "".join(t.split())  # noqa: E731
    source = squeeze(report_text(GENRE / f"{stem}.txt"))
    # every paragraph of the text layer is a piece of the report, in the report's order
    pos = 0
    for para in doc.text.split("\n\n"):
        found = source.find(squeeze(para), pos)
        assert found >= 0, para
        pos = found
    assert "内蒙古日报" not in doc.text and "星期一" not in doc.text  # running head gone
    assert Counter(map(_key, facts)) == Counter(map(_key, txt))
    columns = {f.location for f in facts}
    assert columns <= {"第1版 第1栏", "第1版 第2栏", "第1版 第3栏", "第2版 第1栏", "第2版 第2栏", "第2版 第3栏"}, columns
    assert len(columns) >= 2


@needs_chromium
def test_pdf_jump_lines_dropped_and_radicals_normalised(pages):
    doc = read(pages["jump.pdf"])
    assert "下转" not in doc.text and "第4版" not in doc.text
    assert "现将有关情况汇报如下。" in doc.text
    assert "民见走访活动中，人员长期驻村。" in doc.text


CONTINUED_PAGE = """达茂旗“帮办代办”让牧民少跑路

包头市达尔罕茂明安联合旗委组织部　巴音孟和

家人们😊今年开春以来，全旗新建党群服务站12个，牧民办事不再跑远路。

（上接第1版）最远的牧户要跑上百公里才能办成一件事。为此，达茂旗推行“帮办代办”服务，在苏木镇便民服务中心设立代办窗口9个。

在满都拉镇，“帮办代办”做得更细。镇里给每名代办员配了一部工作手机，平均办结时间压缩到3个工作日以内。（下转第4版）
"""


@needs_chromium
def test_pdf_keeps_continued_mark_word_gaps_emoji_and_reads_the_type_size(tmp_path):
    import pypdfium2 as pdfium  # noqa: PLC0415

    from etl.sources.pdf import page_lines  # noqa: PLC0415

    with Printer() as printer:
        path = printer.pdf(CONTINUED_PAGE, tmp_path / "continued.pdf")
    text = read(path).text
    # （上接第1版） marks a piece continued from another page (the layout reads it): kept with its line
    assert "\n\n（上接第1版）最远的牧户要跑上百公里才能办成一件事。" in text
    assert "下转" not in text and text.endswith("压缩到3个工作日以内。")  # a jump line at a line end too
    assert "组织部 巴音孟和" in text  # a full-width space between an issuer and a name is a word gap
    assert "家人们😊今年" in text  # a character beyond the BMP comes as two UTF-16 units
    pdf = pdfium.PdfDocument(str(path))
    try:
        lines, _box = page_lines(pdf[0])
    finally:
        pdf.close()
    # Chromium writes 10.5 pt type as size 14 under a 0.75 scale: the size on the page is read
    body = [ln.size for ln in lines if "满都拉镇" in ln.text or "平均办结" in ln.text]
    assert body and all(abs(size - 10.5) < 0.2 for size in body), body


TABLE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body { font-family: "Noto Serif CJK SC"; font-size: 10.5pt } td, th { padding: 2px 14px; border: 1px solid #888 }
table { border-collapse: collapse }</style></head><body>
<p>全市各旗县党员中心户建设情况如下表所示，截至2023年底全市共选树党员中心户3200余户。</p>
<p>表2 各旗县党员中心户情况</p>
<table><tr><th>旗县区</th><th>党员中心户（户）</th><th>联系农牧户（户）</th></tr>
<tr><td>正蓝旗</td><td>64</td><td>1210</td></tr><tr><td>东乌珠穆沁旗</td><td>52</td><td>980</td></tr>
<tr><td>阿巴嘎旗</td><td>31</td><td></td></tr></table>
<p>下一步，全市将继续推进党员中心户建设。</p></body></html>"""


@needs_chromium
def test_pdf_table_becomes_rows_with_its_caption(tmp_path):
    with Printer() as printer:
        path = printer.pdf_html(TABLE_PAGE, tmp_path / "table.pdf")
    doc = read(path)
    assert ("\n\n表2各旗县党员中心户情况\n旗县区 | 党员中心户（户） | 联系农牧户（户）\n正蓝旗 | 64 | 1210\n"
            "东乌珠穆沁旗 | 52 | 980\n阿巴嘎旗 | 31 | \n\n下一步") in doc.text
    labels = {doc.text[s.start:s.end]: s.label for s in doc.spans}
    assert labels["东乌珠穆沁旗 | 52 | 980"] == "第1页 表2 第3行"


def test_normalise_cjk_only_touches_radicals_and_compatibility_ideographs():
    assert normalise_cjk("⺠⻅⾛⼈⻓，１２个（户）\uf907") == "民见走人长，１２个（户）龜"


def test_reading_order_headline_over_three_columns_then_next_column():
    em = 10.0

    def ln(x, y, text, size=em):  # noqa: ANN001, ANN202
        return Line(x, y, x + len(text) * size, y + size, text, size)

    lines = [ln(120, 0, "标题横跨三栏", 20)]
    for col, x in enumerate((0, 110, 220)):
        for row in range(4):
            lines.append(ln(x + (20 if row == 0 else 0), 40 + row * 15, f"{'第' + str(col + 1)}栏第{row + 1}行" + "字" * (3 if row else 1)))
    blocks = reading_order(lines, (0, 0, 320, 120))
    texts = [b.text for b in blocks]
    assert texts[0] == "标题横跨三栏"
    # column 1 continues into column 2 (no indent at its head): one paragraph across the columns
    assert texts[1].startswith("第1栏第1行") and "第1栏第4行" in texts[1]
    assert [b.columns[0] for b in blocks[1:]] == [1, 2, 3][: len(blocks) - 1]


def _ln(x0, y0, x1, text, size=10.0, base=0.0):  # noqa: ANN001, ANN202
    return Line(x0, y0, x1, y0 + size, text, size, base=base)


def test_reading_order_wrapped_headline_and_lines_that_start_with_a_colon():
    lines = [
        _ln(0, 0, 100, "戈壁深处的", 20), _ln(0, 26, 120, "党群服务中心", 20),  # a headline wrapped ragged
        _ln(20, 60, 150, "巴音乌兰苏木的服务队有个"),
        _ln(0, 75, 150, "保留节目：每到一个嘎查先开课"),  # running text that happens to start "…：…"
        _ln(0, 90, 80, "讲政策讲法律。"),
        _ln(20, 105, 150, "全旗今年新建党群服务站十二个。"),
        _ln(0, 120, 90, "翁牛特旗：新建17个"),  # a name：value row after a finished sentence
        _ln(0, 135, 90, "敖汉旗：新建9个"),
    ]
    assert [b.text for b in reading_order(lines, (0, 0, 150, 145))] == [
        "戈壁深处的党群服务中心", "巴音乌兰苏木的服务队有个保留节目：每到一个嘎查先开课讲政策讲法律。",
        "全旗今年新建党群服务站十二个。", "翁牛特旗：新建17个", "敖汉旗：新建9个"]


def test_reading_order_paragraph_gaps_that_line_up_across_the_columns_are_no_band():
    lines = []
    for col, x in enumerate((0, 120, 240), start=1):
        for para, top in ((1, 0), (2, 64)):  # every column has a paragraph break at the same height
            for row in range(4):
                x0 = x + (20 if row == 0 else 0)
                x1 = x + (60 if row == 3 else 100)
                lines.append(_ln(x0, top + 15 * row, x1, f"第{col}栏第{para}段第{row + 1}行的文字"))
    blocks = reading_order(lines, (0, 0, 340, 110))
    assert [b.text[:6] for b in blocks] == ["第1栏第1段", "第1栏第2段", "第2栏第1段", "第2栏第2段", "第3栏第1段", "第3栏第2段"]
    assert [b.columns[0] for b in blocks] == [1, 1, 2, 2, 3, 3]


def test_reading_order_joins_the_pieces_of_a_line_and_a_rule_may_run_across_a_gutter():
    # a table row set with tabs, whose cells the text layer gives as pieces of one line
    lines = [_ln(20, 0, 150, "各苏木镇中心户设立情况如下"), _ln(0, 15, 60, "见表。"),
             _ln(0, 30, 60, "乌里雅斯太镇"), _ln(100, 30, 115, "38"), _ln(135, 30, 150, "305")]
    assert "乌里雅斯太镇\t38\t305" in [b.text for b in reading_order(lines, (0, 0, 150, 40))]
    # a rule of characters (━━━━) that runs on into the next column does not join the columns
    lines = [_ln(0, 15 * r, 100, f"左栏第{r + 1}行的一些正文文字") for r in range(3)] + [_ln(0, 45, 160, "━" * 16)]
    lines += [_ln(0, 60 + 15 * r, 100 if r < 2 else 60, f"左栏第{r + 4}行的一些正文文字") for r in range(3)]
    lines += [_ln(140 if r == 0 else 120, 15 * r, 220, f"右栏第{r + 1}行的一些正文文字") for r in range(7)]
    blocks = reading_order(lines, (0, 0, 220, 100))
    assert [b.text[:4] for b in blocks] == ["左栏第1", "右栏第1"]
    assert set(blocks[0].columns) == {1} and set(blocks[1].columns) == {2}
    assert "左栏第3行的一些正文文字━━━━" in blocks[0].text and blocks[0].text.endswith("左栏第6行的一些正文文字")


def test_reading_order_paragraph_spacing_from_baselines():
    # lines 18 apart within a paragraph, 21 between two: a new paragraph even under a full line
    lines = [_ln(20, 0, 150, "第一段第一行", base=9), _ln(0, 18, 150, "第一段第二行占满一整行", base=27),
             _ln(0, 39, 150, "第二段首行没有缩进", base=48), _ln(0, 57, 80, "第二段末行。", base=66)]
    assert [b.text for b in reading_order(lines, (0, 0, 150, 70))] == [
        "第一段第一行第一段第二行占满一整行", "第二段首行没有缩进第二段末行。"]


def test_pdf_running_head_row_leaves_the_first_line_of_a_column_beside_it():
    from etl.sources.pdf import _drop_furniture  # noqa: PLC0415

    head = [_ln(40, 20, 80, "内蒙古日报", 8), _ln(250, 20, 330, "2024年1月15日 星期一", 8), _ln(520, 20, 540, "第2版", 8)]
    text = _ln(400, 22, 556, "辆，把党课车开到每一个边境牧点，让党的声音传")
    kept, label = _drop_furniture(head + [text, _ln(400, 40, 556, "遍边境线上的每一座蒙古包。")], (0, 0, 595, 842), 0, set())
    assert label == "第2版"
    assert [ln.text for ln in kept] == ["辆，把党课车开到每一个边境牧点，让党的声音传", "遍边境线上的每一座蒙古包。"]


def test_three_hundred_page_pdf_streams_in_bounded_memory(pages, tmp_path):
    import psutil  # noqa: PLC0415
    import pypdfium2 as pdfium  # noqa: PLC0415

    src = pdfium.PdfDocument(str(pages["106_hulunbuir_report.pdf"]))
    big = pdfium.PdfDocument.new()
    big.import_pages(src, [0] * 300)
    big.save(str(tmp_path / "big.pdf"))
    big.close()
    src.close()
    proc = psutil.Process()
    before = proc.memory_info().rss
    doc = read(tmp_path / "big.pdf")
    grown = (proc.memory_info().rss - before) / 1e6
    assert doc.text.count("全市共有嘎查村") == 300
    assert len(doc.spans) >= 300 * 10  # every line of every page is labelled (the copies all say 第1版)
    assert grown < 200, f"memory grew {grown:.0f} MB"


# ---- OCR ----------------------------------------------------------------------------------

def _scores(stem: str, path: Path):  # noqa: ANN202
    gold = next(g for g in load_gold() if g["source_file"] == f"{stem}.txt")
    doc, articles, facts = _facts(path)
    return doc, facts, score([dataclasses.asdict(f) for f in facts], gold, {a.article_id: a.text for a in articles})


@needs_chromium
def test_page_picture_by_ocr_close_to_txt_with_confidence(pages):
    fields = ("league", "banner")
    for stem in ("101_xilingol_page", "106_hulunbuir_report"):
        _d, txt_facts, base = _scores(stem, report_path(f"{stem}.txt"))
        doc, facts, s = _scores(stem, pages[f"{stem}.png"])
        assert doc.kind == "image"
        assert s.f1 >= 0.85 * base.f1, (stem, s.summary())
        for name in fields:
            assert abs(s.accuracy(name) - base.accuracy(name)) <= 0.10, (stem, name, s.summary())
        assert all(f.location.startswith("第1页") for f in facts)
        assert all(0 < f.confidence < 1 for f in facts)
        # OCR confidence lowers each fact's confidence below the same fact read from text
        by_key = {_key(f): f.confidence for f in txt_facts}
        lowered = [f.confidence < by_key[_key(f)] for f in facts if _key(f) in by_key]
        assert lowered and sum(lowered) >= 0.8 * len(lowered)


@needs_chromium
def test_scanned_pdf_is_read_by_ocr(pages):
    doc, facts, s = _scores("106_hulunbuir_report", pages["scan.pdf"])
    assert doc.kind == "scan"
    assert s.recall >= 0.8, s.summary()
    assert {f.location.split()[0] for f in facts} == {"第1页"}


def test_picture_without_text_is_reported(tmp_path):
    from PIL import Image  # noqa: PLC0415

    Image.new("L", (1200, 900), 255).save(tmp_path / "blank.png")
    with pytest.raises(UnreadableFile, match="没有识别出文字") as info:
        read(tmp_path / "blank.png")
    assert info.value.advice


# ---- spreadsheets -------------------------------------------------------------------------

def test_xlsx_table_with_title_merged_cells_units_and_cell_addresses(tmp_path):
    import openpyxl  # noqa: PLC0415

    rows = [["盟市", "旗县区", "党员中心户（户）", "联系农牧户（户）", "覆盖率"],
            ["锡林郭勒盟", "正蓝旗", 64, 1210.0, 0.875], [None, "东乌珠穆沁旗", 52, 980, 0.9]]
    path = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": ("表2 各旗县党员中心户情况", rows)})
    wb = openpyxl.load_workbook(path)
    ws = wb["Sheet1"]
    ws.merge_cells("A3:A4")  # the league spans its banners
    for r in (3, 4):
        ws.cell(r, 5).number_format = "0.0%"
    ws.cell(6, 1, "注：数据截至2024年6月底。")
    hidden = wb.create_sheet("草稿")
    hidden["A1"] = "不读"
    hidden.sheet_state = "hidden"
    wb.save(path)
    doc = read(path)
    assert doc.kind == "xlsx"
    assert doc.text == ("表2 各旗县党员中心户情况\n盟市 | 旗县区 | 党员中心户（户） | 联系农牧户（户） | 覆盖率\n"
                        "锡林郭勒盟 | 正蓝旗 | 64 | 1210 | 87.5%\n锡林郭勒盟 | 东乌珠穆沁旗 | 52 | 980 | 90%\n\n"
                        "注：数据截至2024年6月底。")
    labels = {(s.start, s.end): s.label for s in doc.spans}
    at = doc.text.index("1210")
    assert labels[(at, at + 4)] == "Sheet1!D3"
    at = doc.text.index("东乌珠穆沁旗")
    assert labels[(at - len("锡林郭勒盟 | "), at - 3)] == "Sheet1!A4"
    assert any("草稿" in reason for reason, _a in doc.notes)


def test_csv_table_in_gb18030(tmp_path):
    (tmp_path / "t.csv").write_bytes("旗县区,服务站（个）\n科左中旗,60\n奈曼旗,52\n".encode("gb18030"))
    doc = read(tmp_path / "t.csv")
    assert (doc.kind, doc.encoding) == ("csv", "gb18030")
    assert doc.text == "旗县区 | 服务站（个）\n科左中旗 | 60\n奈曼旗 | 52"
    at = doc.text.index("52")
    assert [s.label for s in doc.spans if s.start == at] == ["B3"]


# ---- provenance ---------------------------------------------------------------------------

def test_locate_facts_by_text_around_the_number_and_ocr_confidence():
    text = "标题\n\n第一段：科右前旗新建服务站12个。\n\n第二段：科右前旗新建服务站12个，\n培训党员300人次。"
    a = text.index("第二段")
    spans = (TextSpan(0, a - 2, "第1页 第1栏", 0.9), TextSpan(a, len(text), "第1页 第2栏", 0.5))
    doc = Document("x.png", text, "h", kind="image", spans=spans)
    articles, facts = extract_document(doc)
    got = {(f.value, f.location) for f in facts}
    assert got == {(12.0, "第1页 第1栏"), (12.0, "第1页 第2栏"), (300.0, "第1页 第2栏")}
    plain, _ = extract_document(dataclasses.replace(doc, spans=()))[1], None
    base = {(f.value, f.span_start): f.confidence for f in plain}
    for f in facts:
        factor = 0.9 if f.location.endswith("第1栏") else 0.5
        assert f.confidence == round(base[(f.value, f.span_start)] * factor, 2)
    assert locate_facts(dataclasses.replace(doc, spans=()), articles, plain) == plain


# ---- bad input ----------------------------------------------------------------------------

def _encrypted_pdf(src: Path, dst: Path) -> Path:
    if shutil.which("qpdf") is None:
        pytest.fail("qpdf is missing: apt-get install qpdf (make system-deps)")
    subprocess.run(["qpdf", "--encrypt", "secret", "secret", "256", "--", str(src), str(dst)], check=True)
    return dst


@pytest.mark.parametrize(("name", "make", "reason"), [
    ("locked.pdf", "encrypted_pdf", "密码"),
    ("locked.docx", "encrypted_ooxml", "密码"),
    ("corrupt.docx", "truncated_docx", "损坏"),
    ("corrupt.pdf", "truncated_pdf", "损坏"),
    ("empty.pdf", "empty", "空"),
    ("photo.jpg", "not_an_image", "不是图片"),
])
def test_bad_office_and_pdf_files_raise_with_reason_and_advice(pages, tmp_path, name, make, reason):
    pdf = pages["106_hulunbuir_report.pdf"].read_bytes()
    docx_bytes = pages["106_hulunbuir_report.docx"].read_bytes()
    path = tmp_path / name
    if make == "encrypted_pdf":
        _encrypted_pdf(pages["106_hulunbuir_report.pdf"], path)
    elif make == "encrypted_ooxml":  # what Office writes for a password: an OLE container with EncryptedPackage
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le"))
    elif make == "truncated_docx":
        path.write_bytes(docx_bytes[: len(docx_bytes) // 2])
    elif make == "truncated_pdf":
        path.write_bytes(pdf[:2000])
    elif make == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes("不是图片".encode())
    with pytest.raises(UnreadableFile, match=reason) as info:
        read(path)
    assert info.value.advice


def test_mixed_folder_in_one_run_with_summary_per_format(pages, tmp_path):
    """txt, html, docx, doc, pdf, scanned pdf, png, xlsx and broken files: one `python -m etl run`."""
    data = tmp_path / "in"
    data.mkdir()
    shutil.copy(GENRE / "101_xilingol_page.txt", data / "a.txt")
    shutil.copy(GENRE / "102_tongliao_web.html", data / "b.html")
    shutil.copy(pages["106_hulunbuir_report.docx"], data / "c.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--convert-to",
                    "doc", "--outdir", str(data), str(data / "c.docx")], check=True, capture_output=True, timeout=180)
    (data / "c.doc").rename(data / "d.doc")
    shutil.copy(pages["101_xilingol_page.pdf"], data / "e.pdf")
    shutil.copy(pages["scan.pdf"], data / "f.pdf")
    shutil.copy(pages["101_xilingol_page.png"], data / "g.png")
    write_xlsx(data / "h.xlsx", {"Sheet1": ("表1 服务站", [["旗县区", "服务站（个）"], ["科左中旗", 60], ["奈曼旗", 52]])})
    (data / "broken.docx").write_bytes(pages["106_hulunbuir_report.docx"].read_bytes()[:3000])
    _encrypted_pdf(pages["106_hulunbuir_report.pdf"], data / "locked.pdf")
    (data / "notes.rtf").write_text("{\\rtf1 x}")
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    env = dict(os.environ, COLUMNS="160")
    proc = subprocess.run([sys.executable, "-m", "etl", "run", str(data), "-d", db, "--export", str(tmp_path / "out"),
                           "-j", "2"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    for label in ("文本 .txt", "网页 .html", "Word .docx", "旧版 Word .doc", "PDF（文字）", "PDF（扫描件，OCR）", "图片（OCR）",
                  "Excel .xlsx"):
        assert label in out, label
    for name in ("broken.docx", "locked.pdf", "notes.rtf"):
        assert name in out, name
    assert "密码" in out and "损坏" in out
    import csv  # noqa: PLC0415

    with open(tmp_path / "out" / "facts.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    by_file = Counter(r["source_file"] for r in rows)
    assert all(by_file[n] > 0 for n in ("a.txt", "b.html", "c.docx", "d.doc", "e.pdf", "f.pdf", "g.png")), by_file
    locations = {r["source_file"]: r["location"] for r in rows}
    assert locations["a.txt"] == "" and locations["c.docx"].endswith("段") and "栏" in locations["e.pdf"]


def test_missing_tesseract_and_libreoffice_name_the_packages_others_still_load(pages, tmp_path):
    data = tmp_path / "in"
    data.mkdir()
    shutil.copy(GENRE / "101_xilingol_page.txt", data / "a.txt")
    shutil.copy(pages["101_xilingol_page.png"], data / "g.png")
    (data / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    shutil.copy(pages["scan.pdf"], data / "scan.pdf")
    env = dict(os.environ, ETL_TESSERACT="no-such-tesseract", ETL_SOFFICE="no-such-soffice", COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "etl", "run", str(data), "-d", f"sqlite:///{tmp_path / 'db.sqlite'}",
                           "--no-export"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "tesseract-ocr-chi-sim" in proc.stdout and "libreoffice-writer-nogui" in proc.stdout
    assert "已读取并入库 loaded" in proc.stdout and " 1 " in proc.stdout.split("已读取并入库 loaded")[1].splitlines()[0]


# ---- dashboard source view ----------------------------------------------------------------

def test_source_view_shows_the_location_when_present(tmp_path):
    from dashboard import callbacks  # noqa: PLC0415
    from dashboard.data import FactSource  # noqa: PLC0415
    from dashboard.sample import write_sample_database  # noqa: PLC0415

    source = FactSource(write_sample_database(f"sqlite:///{tmp_path / 's.db'}"), cache_dir=str(tmp_path / "c"))
    snap = source.get()
    fid = snap.facts["fact_id"].iloc[0]
    assert "原文位置" not in repr(callbacks.compute_article(source, snap, fid))  # plain text: no location
    facts = snap.facts.copy()
    facts["location"] = facts["location"].astype(object)
    facts.loc[facts["fact_id"] == fid, "location"] = "第2版 第3栏"
    children = callbacks.compute_article(source, dataclasses.replace(snap, facts=facts), fid)
    assert "原文位置：第2版 第3栏" in repr(children)
    assert "Mark(" in repr(children)  # the number is still highlighted


@needs_chromium
def test_fifty_megabyte_scan_is_reduced_and_read(pages, tmp_path):
    import psutil  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    page = Image.open(pages["106_hulunbuir_report.png"]).convert("L")
    canvas = Image.new("L", (7000, 7200), 255)  # an uncompressed 300 dpi-ish scan of a large sheet
    canvas.paste(page.resize((page.width * 3, page.height * 3)), (100, 100))
    path = tmp_path / "scan.tif"
    canvas.save(path, compression=None)
    del canvas, page
    assert path.stat().st_size >= 50_000_000
    before = psutil.Process().memory_info().rss
    doc, facts, s = _scores("106_hulunbuir_report", path)
    grown = (psutil.Process().memory_info().rss - before) / 1e6
    assert doc.kind == "image" and s.recall >= 0.8, s.summary()
    assert grown < 600, f"memory grew {grown:.0f} MB"
