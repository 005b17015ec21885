"""Document → Articles: headlines, bylines, captions, quotation columns and broken lines.

A newspaper page saved as text is a sequence of blocks separated by blank lines. Each block is
classified (headline-like, byline, photo credit, quotation, paragraph), words broken across lines
by the layout are joined again, and the blocks are grouped into articles:

* a run of headline-like blocks followed by a byline or by body text opens an article; its last
  headline is the title, a long headline just before it is kept as the subtitle, shorter ones
  (page mottos, section labels such as 掠影 / 北疆党旗红) are dropped;
* a block ending in "… 摄" closes a photo caption (kind ``caption``);
* a column of quotations (★ …, ——2017年10月18日，…) is kind ``quotes`` and yields no facts;
* the article text starts with its title (and subtitle), so that headline-only programme names
  are found, and fact offsets index into ``Article.text``.

Articles whose head was cut off by the layout are detected later, with the gazetteer's help,
in :func:`split_fragments`.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace

from .schema import Article, Document
from .tables import is_number_cell

TERMINAL = "。！？!?…；;”’」』）)】"
_PHRASE_END = set(TERMINAL + "，,、：:")
_SENTENCE_END = re.compile(r"[。！？!?…]")
_BYLINE = re.compile(r"^[□■◇◆●○]?\s*(?:[\u4e00-\u9fff]{2,8}?(?:日报|晚报|报社|新闻网|融媒体中心|电视台|广播电视台)\s*)?"
                     r"(本报记者|本报通讯员|记者|通讯员|特约记者|本报讯|文/|文：|撰稿)")
_PHOTO_CREDIT = re.compile(r"^[^。！？，]{1,24}\s(摄|供图|摄影)$|^(本报记者\s*)?[^。！？，\s]{1,12}\s*摄$")
# A short caption with its credit in brackets (沙漠酒店(央广网发 曾令飞 摄), 牧民在转场（图片由某旗委宣传部提供）)
_INLINE_CAPTION = re.compile(r"^[^。！？\n]{1,30}[(（][^()（）\n]{1,24}(?:\s摄|摄影|供图|提供)[)）]$")
_QUOTE_ITEM = re.compile(r"^[★☆]")  # a quotation column's item (◆ ● ■ are bullets of lists and briefs)
# A page's rule between articles: ━━━━, ────, ＝＝＝＝, ****
# (or a line of nothing but emoji and signs: 🌿🌿🌿🌿🌿, a post's divider)
_RULE_LINE = re.compile(r"^[━─—－=＝*＊~～·•_＿\-]{5,}$|^[^\w\s“”‘’\"'《》（）()【】\[\]]{3,}$")
# An article continued from another page: （上接第1版）…
_CONTINUED = re.compile(r"^[■□◆●▲◇]?\s*[（(]?\s*(?:上接|接上|接)第?\s*[0-9０-９一二三四五六七八九十]+\s*版\s*[)）]?")
# A news brief in a column of briefs: ◆本报乌海12月5日讯, ◆赤峰市巴林左旗近日…
_BRIEF = re.compile(r"^[◆●■▶►]\s*.{0,24}?(?:近日|日前|连日来|近期|本报|讯|日电|今年以来|入冬以来|[0-9０-９]{1,2}月[0-9０-９]{1,2}日)")
# A brief's headline in a list of briefs: 【简讯】…, 【动态】…
_BRIEF_HEAD = re.compile(r"^[【\[［](?:简讯|短讯|快讯|动态|资讯|要闻|图片新闻|基层动态|工作动态)[】\]］]")
# A paragraph that is a photo caption with its credit at the end: …400余人次。　本报记者 孟和 摄
_CAPTION_END = re.compile(r"[。！）)]\s*(?:[（(])?(?:本报记者|记者|通讯员)?\s*[^\s。，！？]{1,12}(?:\s+[^\s。，！？]{1,12})?\s*(?:摄|供图|摄影)[)）]?$")
# A quotation's source under it: ——2017年10月18日，习近平在…; ——摘自《…》; ——习近平 (not a subtitle: ——访…书记,
# ——新巴尔虎右旗112户党员中心户串起…)
_QUOTE_SOURCE = re.compile(r"^—{1,2}\s*(?:(?:19|20)[0-9]{2}\s*年|[0-9０-９]{1,2}\s*月|《|摘自|引自|选自|习近平|毛泽东|邓小平|[\u4e00-\u9fff]{2,3}(?:在|于|《|，|,|$))")
# Page furniture that is no part of any article: source and editor lines, WeChat counters, a
# dateline of a reposted text ("兴安发布 2024-01-22 18:05").
_META = re.compile(
    r"^[（(]?(来源|编辑|审核|责任编辑|责编|校对|监制|出品|终审|初审|复审|排版|供稿)[：:]"
    r"|^阅读\s*\d|^.{0,16}\s(19|20)\d\d-\d\d-\d\d(\s+\d\d:\d\d)?(\s+[\u4e00-\u9fff]{2,8})?$"
    r"|^.{0,16}?(19|20)\d\d-\d\d-\d\d\s*\d\d:\d\d\s*[\u4e00-\u9fff]{0,8}$"
    r"|^原创\s.{0,30}?(19|20)\d\d(?:-\d\d?-\d\d?|年\d{1,2}月\d{1,2}日)(?:\s*\d\d:\d\d)?\s*[\u4e00-\u9fff]{0,8}$"
    r"|^(19|20)\d\d-\d\d-\d\d(\s+\d\d:\d\d)?$"
    # a WeChat post's account, date, time and place line (荣和社区 2024年06月12日 18:05 内蒙古) and its
    # follow prompt (点击上方蓝字 关注我们)
    r"|^[^。，！？]{0,24}?\s*(19|20)\d\d年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d\d\s*[\u4e00-\u9fff]{0,8}$"
    r"|^[^。！？]{0,14}关注(?:我们|公众号)[!！]?$|^[^。！？]{0,4}点击上方[^。！？]{0,24}$"
    # a column's issue label (草原上的党旗红·第12期)
    r"|^[^。，！？：:]{0,20}?[·•・丨|｜\s]*第\s*[0-9０-９一二三四五六七八九十百]+\s*期$"
    # a page's weather box (今日天气　临河　晴　13℃～27℃) and a newspaper's imprint (本报地址…邮编…零售价…)
    r"|^[【\[〔]?(?:今日|明日|今天|明天)?天气(?:[】\]〕][：:\s]?|[：:\s])[^。！？]{0,40}$"  # (【今日天气】康巴什区…)
    # a page's pointers to other pages (【相关阅读】 / ·包头87个社区试点“邻里食堂”（A03版）)
    r"|^[【\[](?:相关阅读|相关新闻|延伸阅读|推荐阅读|往期回顾)[】\]]$"
    r"|^[·•●◆▪]\s*[^。！？\n]{2,40}[（(](?:[A-Z]?[0-9０-９]{1,2}|第[0-9０-９一二三四五六七八九十]+)版[)）]$"
    r"|^[^。！？]{0,60}(?:邮编|邮政编码|广告热线|发行热线|零售价|定价)[：:][^。！？]{0,80}$"
    # a WeChat 原创 mark with the author and account names only (原创  敖汉旗委组织部  敖汉组工)
    r"|^原创\s+[\u4e00-\u9fff·]{2,20}(?:\s+[\u4e00-\u9fff·]{2,20}){0,2}$"
    # a bulletin's print run (（共印80份）) and its distribution lines (报：…  送：…  发：…)
    r"|^[（(]?\s*共印\s*[0-9０-９]+\s*份\s*[)）]?$"
    # a web page's pager: 共2条 第1页 下一页
    r"|^(?:(?:共\s*\d+\s*[条页篇]|第\s*\d+\s*页|上一页|下一页|首页|尾页|末页|\d{1,3})\s*){2,}$"
    # a Word page's footer: — 1 —, - 2 -
    r"|^[-—－–]{1,2}\s*\d{1,3}\s*[-—－–]{1,2}$"
    # a document number (巴组发〔2024〕41号) and a page's editors (本版编辑：…)
    r"|^[\u4e00-\u9fff]{1,8}[〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*\d{1,4}\s*号$"
    r"|^.{0,24}(?:本版编辑|责任编辑|版式|美编|校对)[：:].{0,40}$"
    # a web page's date/source line (2024年06月18日09:12 | 来源：人民网), breadcrumbs (首页 > 新闻 > 正文,
    # 人民网>>内蒙古频道) and widgets (【字号：大 中 小】, 小字号, 【打印】【关闭】)
    r"|^.{0,30}(?:来源|发布时间|发布日期|信息来源|作者)[：:].{0,60}$"
    r"|^[^。，！？]{0,60}(?:>>|＞＞|\s>\s|\s＞\s)[^。，！？]{0,60}$"
    r"|^[【\[]?\s*(?:字号|小字号|大字号|字体|打印|关闭|分享到|收藏|返回顶部)[：:】\]\s大中小]*[】\]]?(?:\s*[【\[].{0,6}[】\]])*$")
# Under a work report's title: its date and its issuing offices (中共巴彦淖尔市委组织部 …).
_ATTACHMENT = re.compile(r"^附件\s*(?:[0-9０-９一二三四五六七八九十]+)?\s*(?:[：:.．、].*)?$")
_KICKER_LINE = re.compile(r"^\W{0,3}【([\u4e00-\u9fff]{2,10})】\W{0,3}$")
_DATE_LINE = re.compile(r"^[（(]?\s*(?:19|20)\d\d\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*[）)]?$")
_ISSUER = (r"(?:中共)?[\u4e00-\u9fff]{2,20}?(?:委员会|党委|党组|党工委|组织部|宣传部|社会工作部|统战部|办公室|办公厅|人民政府|政府|局)"
           r"(?:调研组|课题组|调查组|考察组|督查组|工作组|联合调研组)?")
_AUTHOR_LINE = re.compile(rf"^{_ISSUER}(?:\s+{_ISSUER})*$"
                          # a speaker under a speech's title: 阿拉善右旗塔木素布拉格苏木党委书记　巴音孟和
                          r"|^[\u4e00-\u9fff]{2,30}?(?:书记|主任|部长|旗长|盟长|市长|县长|区长|镇长|乡长|苏木达|嘎查达|局长|主席|"
                          r"常委|委员)\s+[\u4e00-\u9fff·]{2,6}$")
# A paragraph that opens with a news dateline starts a new article even after a single headline
# (石拐区：小院里议出村里大事 / 本报讯（记者 杨帆）石拐区…).
_DATELINE = re.compile(r"^[□■◇◆●○]?\s*(本报讯|新华社|本报[^\s，。]{0,10}[电讯]|[^\s，。]{2,8}讯[（(]|[^\s，。]{2,8}电[（(]|据[^\s，。]{2,10}报道)")
# Everything after these is a list of links to other articles.
_TAIL = re.compile(r"^(往期推荐|推荐阅读|相关阅读|相关新闻|相关推荐|相关文章|延伸阅读|往期回顾|热门推荐|热点推荐|更多阅读|猜你喜欢|点击“?阅读原文)")
# A headline that names a number and goes on saying something (民馨路街道：7处“暖蜂驿站”让骑手有了歇脚地),
# unlike a list line that ends with its figure (科右前旗：服务站45个)
_HEADLINE_AFTER_NUMBER = re.compile(r"[0-9０-９一二两三四五六七八九十百千万]+[\u4e00-\u9fff]?[“”\u4e00-\u9fff]*[\u4e00-\u9fff]{2,}[^0-9０-９]{4,}$")
_SPACE = re.compile(r"[ \t\u3000\xa0\u2009\u202f]+")
_SCRIPT_LABEL = re.compile(r"[【\[［](?:导语|正文|解说|现场|片头|片尾|口播|画面|字幕|结束语|编后|编者按)[】\]］]")
_TITLE_LABEL = re.compile(r"[【\[［](?:标题|题目|主标题)[】\]］]\s*")
_NOTE = re.compile(r"^(?:注|备注)[：:]\s*[①1１(（]?")
_NOTE_ITEM = re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]")
# A line led by a symbol that is not a letter, digit, quote or bracket (✅ ✔ • ▪ ◎ 📍): a bullet
_BULLET = re.compile(r"^[^\w\s“”‘’\"'《（(【\[［〔<]")
_BLANK_LINE = re.compile(r"\n\s*\n")
_SENTENCE_PUNCT = re.compile(r"[。，！？]")
# "科尔沁右翼前旗：服务站45个", "1. …", "（一）…", "一是…": items of a list or table rows
# A figure set as the label of its line (682个：排查整顿…; 87.4%：…占比), as in a 数读 box
_FIGURE_LABEL = r"[\d０-９][\d０-９.．]*(?:万|亿)?[\u4e00-\u9fff%％]{0,2}[：:]"
_LIST_ITEM = re.compile(r"^(?:" + _FIGURE_LABEL + r"|[\u4e00-\u9fff“”]{2,14}(?:[：:]\s*\S*|[|｜]\s*\S{0,10}|\s+)[\d０-９]|\d{1,2}[.、．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]是|[-•·])")


@dataclass
class _Block:
    text: str
    kind: str  # head | byline | credit | quote | source | para


_ALIGNED = re.compile(r"\t+| {2,}|\u3000+")
_HAS_ALIGNED_GAP = re.compile(r"\S(?:\t| {2,}|\u3000+)\S")
_PIPE = re.compile(r"[ \u3000]*[|｜][ \u3000]*")


def _aligned_cells(line: str) -> list[str] | None:
    """The cells of a line whose columns are separated by tabs or runs of spaces (a text table row).

    A label spaced out to fill its column (合  计, 总  计) is one cell.
    """
    line = line.strip()
    if "|" in line or "｜" in line or not _HAS_ALIGNED_GAP.search(line):
        return None
    cells = [c for c in _ALIGNED.split(line) if c]
    k = 0
    while k + 1 < len(cells) and len(cells) >= 3:  # 合  计, 序号  乡  镇: a spaced-out label anywhere in the row
        if len(cells[k]) == 1 and len(cells[k + 1]) == 1 and _HAN_CHAR.match(cells[k]) and _HAN_CHAR.match(cells[k + 1]):
            cells[k:k + 2] = [cells[k] + cells[k + 1]]
        k += 1
    return cells if len(cells) >= 2 else None


_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")


# A table's border or the rule under its header (────, ------, ═══)
_BORDER = re.compile(r"^\s*[─━═—\-－=＝_＿+]{6,}\s*$")


def _normalise_tables(lines: list[str]) -> dict[int, str]:
    """Rows of text tables, rewritten with one tab between cells: {line index: row}.

    A table is two or more consecutive lines (single blank lines between them allowed) whose
    columns are separated by tabs or aligned with runs of spaces, with the same number of cells,
    numbers in its body; pipe rows (正蓝旗 | 64) are kept with single spaces around the pipes.
    """
    out: dict[int, str] = {}
    for i, line in enumerate(lines):
        if ("|" in line or "｜" in line) and len([c for c in _PIPE.split(line.strip()) if c]) >= 2:
            out[i] = " ".join(line.split())
    cells = [_aligned_cells(ln) for ln in lines]
    i = 0
    while i < len(lines):
        if cells[i] is None:
            i += 1
            continue
        run = [i]
        borders = []
        j = i + 1
        while j < len(lines):
            if (not lines[j].strip() or _BORDER.match(lines[j])) and j + 1 < len(lines) and cells[j + 1] is not None:
                if lines[j].strip():
                    borders.append(j)
                j += 1
                continue
            if cells[j] is not None and len(cells[j]) == len(cells[run[0]]):
                run.append(j)
                j += 1
                continue
            if (cells[j] is not None and len(cells[j]) == len(cells[run[0]]) - 1 and lines[j][:1] in " \u3000\t"
                    and len(run) >= 2):
                # a total row with its first column (序号) left blank: 　　合  计　　—　　547
                cells[j] = ["", *cells[j]]
                run.append(j)
                j += 1
                continue
            break
        # a table's body rows hold numbers in their cells (not dates: a masthead is no table)
        numeric_rows = sum(1 for k in run if any(is_number_cell(c) for c in cells[k][1:]))
        if len(run) >= 2 and numeric_rows * 2 >= len(run) - 1 and numeric_rows:
            for k in run:
                out[k] = "\t".join(cells[k])
            # its borders are no rules between articles
            for k in (run[0] - 1, *borders, run[-1] + 1):
                if 0 <= k < len(lines) and _BORDER.match(lines[k]):
                    out[k] = ""
        i = j if len(run) >= 2 else i + 1
    return out


# One space between a number and the words around it, as a PDF's text layer or some web pages write
# (签订协作协议 8 份, 财政援助资金 3860 万元): dropped, so that the number reads with its unit.
_DIGIT_SPACE = re.compile(r"(?<=[\u4e00-\u9fff%％])[ \u3000](?=[0-9０-９])|(?<=[0-9０-９%％])[ \u3000](?=[\u4e00-\u9fff])")
# …but a list line of a name and its count (东河区 14个) keeps the space that makes it a list item
_NAME_COUNT_LINE = re.compile(r"^[\u4e00-\u9fff“”]{2,14}[ \u3000]+[0-9０-９][0-9０-９.,，]*[ \u3000]?[\u4e00-\u9fff%％]{0,4}$")


# Thousands grouped with a space, as typeset pages and their PDF text layers write them (GB/T 15835:
# 28 000元, 12 345 名): one number. Only groups of exactly three digits after the first one join.
_GROUPED = re.compile(r"(?<![0-9.,])[0-9]{1,3}(?: [0-9]{3})+(?![0-9])")


_SI_UNIT_SPACE = re.compile(r"(?<=[0-9]) (?=(?:km²|km2|m²)(?![A-Za-z0-9]))")


def _tidy_line(line: str) -> str:
    line = _SPACE.sub(" ", line).strip()
    if " " not in line:  # the patterns below need a space (_SPACE made every one " ")
        return line
    if _GROUPED.search(line):
        line = _GROUPED.sub(lambda m: m.group().replace(" ", ""), line)
    if "km" in line or "m²" in line:
        line = _SI_UNIT_SPACE.sub("", line)  # 全旗总面积7 476 km2: the number and its SI unit
    return line if _NAME_COUNT_LINE.match(line) else _DIGIT_SPACE.sub("", line)


# pinyin with a tone mark in brackets right after a character: 萬(wàn), 全区(qū), 达(dá)到
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（](?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")


def normalise(text: str) -> str:
    """Normalise newlines and compatibility spaces; keep full-width characters as written.

    Rows of text tables keep their columns: one tab between cells (see _normalise_tables).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = unicodedata.normalize("NFC", text)
    if "(" in text and _PINYIN.search(text):
        text = _PINYIN.sub("", text)  # 2.71萬(wàn)元, 已经(jīng): a mirror site's reading aids inside the words
    lines = text.split("\n")
    rows = _normalise_tables(lines) if ("\t" in text or "  " in text or "\u3000" in text or "|" in text
                                         or "｜" in text) else {}
    return "\n".join(rows[i] if i in rows else _tidy_line(line) for i, line in enumerate(lines))


_TABLE_RULE = re.compile(r"^[\s|｜:：\-—－=＝─━+]{3,}$")


def is_table_row(line: str) -> bool:
    """Tell whether a normalised line is a row of a table (cells separated by a tab or a pipe)."""
    return ("\t" in line or "|" in line or "｜" in line) and len(
        [c for c in re.split(r"[ \u3000]*[|｜\t][ \u3000]*", line.strip()) if c]) >= 2


def _raw_blocks(text: str, post: bool = False) -> list[str]:
    """Split into blocks at blank lines and at single newlines that follow a finished sentence.

    Consecutive table rows (blank lines between them allowed) make one block, one row per line.
    """
    blocks: list[str] = []
    table_open = False  # the last block is a table that the next rows continue
    for chunk in _BLANK_LINE.split(text):
        lines = [ln for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        current: str | None = None
        last = ""
        # a chunk of short lines that mostly end with punctuation (WeChat's one phrase per line: 今年合作社分红41.6万元，
        # / 村集体经济收入 / 也突破了30万元。) is prose broken by the layout: a bare line in it is no headline
        prose = (len(lines) >= 4 and sum(map(len, lines)) <= 24 * len(lines)
                 and sum(ln.rstrip()[-1:] in _PHRASE_END for ln in lines) >= 0.6 * len(lines))
        if not prose and _phrase_stack(lines, post and bool(blocks)):
            # one phrase per line with no punctuation at all (早上七点半 / 小区东门的修车摊前 / 已经排起了
            # 小队): running text, kept line by line; a headline stack is at most three lines
            blocks.append("\n".join(lines))
            table_open = False
            continue
        for line in lines:
            if table_open and current is None and _TABLE_RULE.match(line):
                blocks[-1] += "\n" + line  # |---|---| or ──── under a table's header: part of the table
                continue
            if is_table_row(line):
                if current is not None:
                    blocks.append(current)
                    current = None
                if table_open:
                    blocks[-1] += "\n" + line
                else:
                    blocks.append(line)
                    table_open = True
                continue
            table_open = False
            if current is None:
                current = last = line
                continue
            if prose and not is_table_row(line):
                if _LIST_ITEM.match(line) or _LIST_ITEM.match(last):  # (a blank line ends its paragraph)
                    blocks.append(current)
                    current = line
                else:
                    current += line
                last = line
                continue
            if (current.endswith(tuple(TERMINAL) + ("：", ":")) or _is_headline(current) or _is_headline(line)
                    or _LIST_ITEM.match(line) or _LIST_ITEM.match(last)):
                blocks.append(current)
                current = line
            else:  # a line broken mid-sentence by the layout
                current += line
            last = line
        if current is not None:
            blocks.append(current)
            table_open = False
    return blocks


def _phrase_stack(lines: list[str], post: bool = False) -> bool:
    """Tell whether a chunk is running text set one phrase per line without punctuation (WeChat style).

    Four lines or more (three in a WeChat post, whose only headline stack is its title), all short,
    none a list item, a bullet, a table row, a byline or a rule, and together more than a headline
    stack: phrases shorter than headlines, some going on a clause (a comma inside), or six lines or
    more (in a post, three lines are enough).
    """
    if len(lines) < (3 if post else 4) or any(len(ln) > 30 for ln in lines):
        return False
    if any(_LIST_ITEM.match(ln) or _BULLET.match(ln) or is_table_row(ln) or _RULE_LINE.match(ln)
           or _BYLINE.match(ln) or _META.match(ln) or ln.rstrip()[-1:] in "：:" for ln in lines):
        return False
    if sum(ln.rstrip()[-1:] in TERMINAL for ln in lines) * 2 > len(lines):
        return False  # lines of finished sentences: paragraphs, one per line
    if post:
        return True
    # (a list of headlines, 【本期要目】's, has lines of a headline's length)
    return sum(map(len, lines)) <= 14 * len(lines) and (len(lines) >= 6 or any("，" in ln for ln in lines))


def _is_headline(text: str, as_first: bool = False) -> bool:
    """Tell whether a block looks like a headline: short, no full stop, not a clause ending.

    A line that looks like a table row (科右前旗：服务站45个) is a headline only as a page's first
    line (as_first).
    """
    if len(text) > 40 or "。" in text:
        return False
    if (_LIST_ITEM.match(text) and not text.startswith("“") and not (as_first and len(text) >= 16 and "，" not in text)
            and not _HEADLINE_AFTER_NUMBER.search(text)):
        return False
    if text.endswith(("，", "、", "：", ":", ",", "；")) or (re.match(_FIGURE_LABEL, text) and not as_first):
        return False
    if text.endswith(("👇", "⬇", "↓", "⬇️")) and not as_first:
        return False  # a line that introduces what follows (…成绩单来啦👇), unless it is the page's first
    if _BYLINE.match(text) or _PHOTO_CREDIT.match(text) or _QUOTE_ITEM.match(text):
        return False
    return True


def _classify(text: str) -> str:
    if "\n" in text and is_table_row(text.split("\n", 1)[0]):
        return "table"  # two rows or more (one line with a ｜ is a WeChat headline: 守望相助｜…)
    if _RULE_LINE.match(text):
        return "rule"
    if _META.match(text):
        return "meta"
    if _CONTINUED.match(text):
        return "continued"
    if _BRIEF.match(text) and len(text) > 40:
        return "brief"
    if len(text) > 40 and ("摄" in text[-4:] or "供图" in text[-4:]) and _CAPTION_END.search(text):  # it ends so
        return "captioned"
    if _BYLINE.match(text) and len(text) <= 40 and not _SENTENCE_PUNCT.search(text):
        return "byline"
    if len(text) <= 60 and (_DATE_LINE.match(text) or _AUTHOR_LINE.match(text)):
        return "byline"  # a work report's issuer and date under its title: not the title
    if len(text) <= 30 and _PHOTO_CREDIT.match(text):
        return "credit"
    if "\n" not in text and _INLINE_CAPTION.match(text):
        return "para"  # 沙漠酒店(央广网发 曾令飞 摄): a web page's photo caption inside the story, not a headline
    if _QUOTE_ITEM.match(text):
        return "quote"
    if _QUOTE_SOURCE.match(text) and len(text) <= 100 and "。" not in text[:-1]:
        return "source"  # ——2017年10月18日，习近平在…: a quotation's source (not a speech's ——item。…。)
    if _is_headline(text) and "\n" not in text:
        return "head"  # (lines kept together are a paragraph set one phrase per line)
    return "para"


def _ends_open(text: str) -> bool:
    """Tell whether a paragraph stops mid-sentence (a word broken across blocks)."""
    return not text.endswith(tuple(TERMINAL)) and not text.endswith(("：", ":"))


# A speech's or work report's date and venue under its title (——2020年4月21日在巴林右旗第十七届人民代表大会
# 第四次会议上), possibly cut before its end (…会议上 / …时的讲话 on the next line)
_VENUE_OPEN = re.compile(r"^[（(]?(?:—{1,2}\s*)?(?:19|20)[0-9]{2}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日\s*在"
                         r"(?![^\n]*(?:会议上|会上|时|讲话|发言|报告)[)）]?$)")


# the same date and venue on one line, whole
_VENUE_LINE = re.compile(r"^[（(]?(?:—{1,2}\s*)?(?:19|20)[0-9]{2}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日\s*在"
                         r"[^\n。]{2,44}?(?:会议上|会上|时|讲话|发言|报告)[)）]?$")


def _blocks(text: str, post: bool = False) -> list[_Block]:
    """Classify blocks and join paragraphs that the layout broke in the middle of a word."""
    out: list[_Block] = []
    in_notes = False
    for raw in _raw_blocks(text, post):
        if _TAIL.match(raw):
            break
        # a table's notes (注：①本表统计时点… ②…指…): definitions and sources, no facts of the report
        if _NOTE.match(raw) or (in_notes and _NOTE_ITEM.match(raw)):
            in_notes = True
            continue
        in_notes = False
        if _SCRIPT_LABEL.fullmatch(raw):
            continue  # 【导语】, 【正文】, 【解说】: the parts of a broadcast script, not headlines
        title_label = _TITLE_LABEL.match(raw)
        if title_label and "\n" not in raw:
            raw = raw[title_label.end():]  # 【标题】京蒙协作“帮扶车间”开到家门口: the headline itself
        kind = _classify(raw)
        if not out and kind == "para" and _is_headline(raw, as_first=True):
            kind = "head"  # a page's first short line is its headline, even "鄂前旗：“飞地抱团”让32个…"
        if kind == "meta":
            if out and out[-1].kind == "head":  # 来源：阿拉善日报 2024-11-05 right under a headline
                out.append(_Block(raw, "meta"))  # (its text only tells a post's time line from a source line)
            continue
        prev = out[-1] if out else None
        # ——2020年4月21日在巴林右旗 / 第十七届人民代表大会第四次会议上: a speech's date and venue, set on two
        # lines under its title, is one line of its head (not a quotation's source, not a new headline)
        if prev is not None and prev.kind == "byline" and _VENUE_OPEN.match(prev.text) and len(raw) <= 40 \
                and "\n" not in raw and not _SENTENCE_PUNCT.search(raw):
            prev.text += raw
            continue
        if (_VENUE_OPEN.match(raw) or _VENUE_LINE.match(raw)) and len(raw) <= 60 and "\n" not in raw:
            kind = "byline"  # (——2024年1月22日在九原区第十八届人民代表大会第三次会议上: a speech's venue, no quotation's source)
        # "…，引" + "导群众…": a long open paragraph continues in the next block, whatever the
        # next block looks like on its own ("‘零距离’，大雪天…" is short but not a headline).
        if (prev is not None and prev.kind == "para" and _ends_open(prev.text) and kind in ("para", "head")
                and "\n" not in prev.text  # (a paragraph set one phrase per line ends where its lines end)
                and (len(prev.text) >= 30 or "。" in prev.text)
                and not _LIST_ITEM.match(raw) and not _LIST_ITEM.match(prev.text.rsplit("\n", 1)[-1])):
            # (…一起回顾—— / 🚩 “头雁领航”：…: a dash that introduces what follows, then a heading)
            if (kind == "para" or not _is_headline(raw) or len(prev.text) > 40) and not (
                    kind == "head" and prev.text.endswith(("——", "—", "👇", "⬇️", "⬇", "↓"))):
                prev.text += raw
                continue
        out.append(_Block(raw, kind))
    # Short lines led by the same symbol, one after another (✅ 小区党支部建起来5个 / ✅ 党小组2个), are the
    # items of a list, not a stack of headlines.
    # A list a line introduces (…成绩单来啦👇, …如下：) or the body goes on after; a run of such lines at
    # a page's end with nothing introducing it is a list of links to other articles (left as it was).
    k = 0
    while k < len(out):
        b = out[k]
        if b.kind != "head" or not _BULLET.match(b.text):
            k += 1
            continue
        j = k
        while j + 1 < len(out) and out[j + 1].text.startswith(b.text[0]) and out[j + 1].kind in ("head", "para"):
            j += 1
        before = out[k - 1].text if k > 0 else ""
        if j > k and (before.endswith(("：", ":", "👇", "⬇", "↓", "⬇️")) or j + 1 < len(out)):
            for item in out[k:j + 1]:
                item.kind = "para"
        k = j + 1
    # A short line right above a news dateline (本报赤峰6月16日讯…) is that story's headline, even when it
    # reads like a list line (赤峰：2.3万名党员“联”起41万户).
    for a, b in zip(out, out[1:]):
        if (a.kind == "para" and len(a.text) <= 40 and not _SENTENCE_END.search(a.text) and "\n" not in a.text
                and b.kind == "para" and _DATELINE.match(b.text) and not is_table_row(a.text)):
            a.kind = "head"
    # A short line right above a table is its caption (表1 各苏木镇党员中心户设立情况), not a headline.
    for a, b in zip(out, out[1:]):
        if a.kind == "head" and b.kind == "table":
            a.kind = "para"
    return out


def article_id(source_file: str, seq: int, text: str) -> str:
    """Return an article id derived from its file, position and content."""
    digest = hashlib.sha1(f"{source_file}\x1f{seq}\x1f{text}".encode()).hexdigest()
    return "a" + digest[:15]


# A WeChat post's head (its account, date and time; the follow prompt): the post is one article, whose
# rule lines and stacked short lines are its own sections
_WECHAT = re.compile(r"(?m)^[^：:\n]{0,24}(?:19|20)\d\d(?:年\d{1,2}月\d{1,2}日|-\d{1,2}-\d{1,2})\s*\d{1,2}:\d\d[^\n：:]{0,12}$"
                     r"|点击.{0,4}蓝字|关注我们")


# a post's account name and its author, side by side (哈达街道  红山区哈达街道办事处)
_ACCOUNT_NAMES = re.compile(r"[\u4e00-\u9fff·]{2,20}(?:\s+[\u4e00-\u9fff·]{2,20})+")


def split_articles(doc: Document) -> list[Article]:
    """Split a document's text into articles, captions and quotation columns."""
    text = normalise(doc.text)
    one_post = doc.kind != "html" and _WECHAT.search(text, 0, 300) is not None
    blocks = _blocks(text, one_post)
    page = _is_page(text, blocks)
    groups: list[dict] = []
    current: dict | None = None
    pending_heads: list[str] = []

    def open_group(heads: list[str]) -> dict:
        title = heads[-1] if heads else ""
        subtitle = heads[-2] if len(heads) >= 2 and len(heads[-2]) >= 8 else ""
        # a bracketed kicker above them (🔥【草原红管家】): the programme or column the piece is filed under
        kicker = next((h for h in heads[:-1] if h is not subtitle and (k := _KICKER_LINE.match(h))
                       and "“" + k.group(1) + "”" in text), "")  # (a column's label, 【乡村振兴这么干】, is not)
        return {"title": title, "subtitle": subtitle, "kicker": kicker, "byline": "", "paras": [], "kind": "article",
                "credit": ""}

    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind == "head":
            pending_heads.append(b.text)
            i += 1
            continue
        if b.kind == "rule" and one_post and current is not None:  # a WeChat post's section rule
            i += 1
            continue
        if b.kind == "rule":  # a rule between articles closes the running one
            if pending_heads and current is not None and not current.get("closed"):
                current["paras"].extend(pending_heads)
                pending_heads = []
            if current is not None:
                current["closed"] = True
            i += 1
            continue
        if b.kind in ("continued", "brief") and not pending_heads:
            # （上接第1版）… continues an article from another page; ◆… is a brief of its own: neither
            # belongs to the article above it
            current = open_group([])
            current["kind"] = "fragment" if b.kind == "continued" else "article"
            groups.append(current)
            current["paras"].append(b.text)
            i += 1
            continue
        if b.kind == "meta":  # a source line under a headline: it opens an article, like a byline
            if (one_post and len(pending_heads) == 1 and len(pending_heads[0]) <= 10 and not groups
                    and i + 1 < len(blocks) and blocks[i + 1].kind == "head"):
                # a WeChat post's account name (林西组工), then its account and time line, then the headline
                pending_heads = []
                i += 1
                continue
            if (one_post and not groups and len(pending_heads) >= 2 and _WECHAT.search(b.text)
                    and _ACCOUNT_NAMES.fullmatch(pending_heads[-1])):
                # the headline, then the account's name and author (哈达街道  红山区哈达街道办事处), then the time
                pending_heads.pop()
            if pending_heads:
                current = open_group(pending_heads)
                groups.append(current)
                pending_heads = []
            i += 1
            continue
        if (pending_heads and current is not None and current["paras"] and not current.get("closed")
                and current["kind"] == "article"
                and (_ATTACHMENT.match(pending_heads[0])
                     or (b.kind == "byline" and _DATE_LINE.match(b.text)
                         and all(_AUTHOR_LINE.match(h) or _ATTACHMENT.match(h) for h in pending_heads)))):
            # a notice's closing: its attachment list (附件：…统计表), the issuing offices over the date, and the
            # attachment itself (附件 / its caption / its table) belong to the notice, not to a new article
            current["paras"].extend(pending_heads)
            pending_heads = []
        if pending_heads:
            nxt = b.kind
            opens = (
                nxt in ("byline", "quote")
                or (nxt == "para" and _DATELINE.match(b.text) is not None)
                or current is None
                or current["kind"] in ("caption", "quotes")
                or current.get("closed")
                or _caption_ahead(blocks, i)
                # a kicker and a title open an article on a page; a web page holds one article, in
                # which two-line subheads (网格划分“精细化” / 从“一张大网”到“格中有格”) are sections
                or (len(pending_heads) >= 2 and doc.kind != "html" and not one_post
                    # (one story's subheads head its sections once its body has begun: a finished sentence)
                    and (page or current is None or not any(_SENTENCE_END.search(t) for t in current["paras"]))
                    # 村情简介 / 经济情况: a profile's or a report's topic labels are its sections, not a new title
                    and not (current is not None and current["paras"]
                             and all(_SECTION_LABEL.match(h) for h in pending_heads)))
                or _BRIEF_HEAD.match(pending_heads[-1]) is not None  # 【简讯】杭锦旗：… opens a brief of its own
            )
            if current is not None and not current["paras"] and not current["title"] and current["kind"] == "article":
                # an article opened by its issuer's line (中共翁牛特旗委组织部) takes the headline under it
                head_group = open_group(pending_heads)
                current["title"], current["subtitle"] = head_group["title"], head_group["subtitle"]
            elif opens:
                current = open_group(pending_heads)
                groups.append(current)
            else:  # a subhead inside the running article: keep it as a paragraph
                current["paras"].extend(pending_heads)
            pending_heads = []
        if current is None:
            current = open_group([])
            groups.append(current)
        if b.kind == "byline":
            current["byline"] = (current["byline"] + " " + b.text).strip()
        elif b.kind == "credit":
            current["credit"] = b.text
            if len(current["paras"]) <= 3:
                current["kind"] = "caption"
            current["closed"] = True
        elif b.kind in ("quote", "source"):
            current["kind"] = "quotes"
            current["paras"].append(b.text)
        elif b.kind == "captioned":  # a photo and its caption: the text, then the credit
            if current["paras"] and (current.get("closed") or (current["kind"] != "caption" and len(current["paras"]) > 1)):
                current = open_group([])
                groups.append(current)
            current["paras"].append(b.text)
            if len(current["paras"]) <= 3:
                current["kind"] = "caption"
            current["closed"] = True
        else:
            if current.get("closed") or (current["kind"] == "quotes" and not b.text.startswith(("★", "——"))):
                if current["kind"] == "quotes" and b.text.startswith(("（来源", "(来源")):
                    current["paras"].append(b.text)
                    i += 1
                    continue
                current = open_group([])
                current["kind"] = "fragment"  # body text with no headline: a cut-off article
                groups.append(current)
            current["paras"].append(b.text)
        i += 1
    if pending_heads:  # trailing headlines with no body (a page's last label)
        current = open_group(pending_heads)
        groups.append(current)

    articles: list[Article] = []
    for g in groups:
        if not g["paras"] and not g["title"]:
            continue
        head = [h for h in (g.get("kicker", ""), g["subtitle"], g["title"]) if h]
        body = list(g["paras"])
        if g["credit"]:
            body.append(g["credit"])
        text = "\n\n".join(head + body)
        seq = len(articles)
        title = g["title"] or (doc.title if seq == 0 else "")
        articles.append(Article(
            article_id=article_id(doc.source_file, seq, text),
            source_file=doc.source_file,
            seq=seq,
            title=title,
            text=text,
            kind=g["kind"],
            byline=g["byline"],
            published=doc.published,
        ))
    return articles


# A newspaper page's masthead or folio (内蒙古日报2024年6月18日 星期二, 第5版 旗县区新闻, 北疆党建 A03)
_MASTHEAD = re.compile(r"(?:日报|晚报|新报|时报|商报|早报|周报|党建|报社)\s*(?:19|20)\d\d\s*年|星期[一二三四五六日天]|"
                       r"(?:^|\s)第\s*[0-9０-９一二三四五六七八九十]+\s*版|(?:^|\s)[A-Z]?[0-9０-９]{1,2}\s*版(?:\s|$)")


def _is_page(text: str, blocks: list[_Block]) -> bool:
    """Tell whether a text file holds a newspaper page (several stories) rather than one story.

    A page shows its masthead or folio (报名 and date, 星期…, 第5版), or stories that each bring their own
    byline, dateline or brief: two of them or more. One story copied from a web page or a document has
    neither; its two-line subheads (盘活资产 / 集体经济天地宽) are its sections, not new articles.
    """
    head = text[:400]
    if _MASTHEAD.search(head):
        return True
    marks = sum(1 for b in blocks if b.kind in ("byline", "brief", "continued")
                or (b.kind == "para" and _DATELINE.match(b.text)))
    return marks >= 2


# A heading that only names a topic of what it heads (基本情况, 村情简介, 地理环境, 主要做法, 存在问题,
# 下一步打算): a generic noun of a report's or a profile's parts, with at most a few words before it
_SECTION_LABEL = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])?[\u4e00-\u9fff]{0,5}"
                            r"(?:情况|简介|概况|概述|简况|环境|做法|成效|成绩|问题|打算|现状|沿革|资源|经验|措施|举措|"
                            r"思路|目标|特色|亮点|释义|背景)$")


def _caption_ahead(blocks: list[_Block], i: int) -> bool:
    """Tell whether a photo credit closes the blocks starting at i within two paragraphs."""
    for b in blocks[i:i + 3]:
        if b.kind == "credit":
            return True
        if b.kind in ("head", "byline"):
            return False
    return False


def reseq(articles: list[Article]) -> list[Article]:
    """Renumber articles after a split and recompute their content-derived ids."""
    out = []
    for seq, a in enumerate(articles):
        out.append(replace(a, seq=seq, article_id=article_id(a.source_file, seq, a.text)))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of a text (end exclusive, punctuation kept)."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        # keep a closing quote with its sentence: 。” / ！”
        while end < len(text) and text[end] in "”’」』":
            end += 1
        if end > start:
            spans.append((start, end))
        start = end
    for seg_start, seg_end in _split_lines(text, start, len(text)):
        spans.append((seg_start, seg_end))
    # split any span that crosses a paragraph break
    out = []
    for s, e in spans:
        if e - s <= MAX_SENTENCE and text[s] not in " \n" and text.find("\n", s, e) < 0:
            out.append((s, e))  # one line, short enough: what _split_lines and _cap would give
            continue
        for a, b in _split_lines(text, s, e):
            out.extend(_cap(text, a, b))
    return out


MAX_SENTENCE = 400  # characters; a run-on "sentence" of a 50 MB one-line file is cut at commas


def _cap(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than MAX_SENTENCE at its last comma before the limit."""
    out = []
    while end - start > MAX_SENTENCE:
        cut = max(text.rfind(c, start + 1, start + MAX_SENTENCE) for c in "，；、,;")
        cut = cut + 1 if cut > start else start + MAX_SENTENCE
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        s, e = pos, stop
        while s < e and text[s] in " \n":
            s += 1
        if e > s:
            out.append((s, e))
        pos = stop + 1
    return out
