"""Pinyin terms, so that a visitor typing dibao / db, yanglao / yl finds 低保 / 养老 without an input method.

At build time the titles and 主题词 of every page are converted with pypinyin (its phrase dictionary picks the
reading of 重庆, 银行 …; tones dropped, ü written v as on a keyboard). Each pair of adjacent characters gives
two terms under the ``PINYIN`` prefix: the pair's full pinyin (``低保`` → ``dibao``) and its two initials
(``db``), the pinyin twin of the character bigrams. The browser cuts a typed Latin run into syllables (longest
first, with backtracking: ``zuidishenghuo`` → zui di sheng huo → zuidi, disheng, shenghuo) or, when it is not
pinyin, into pairs of initials (``zdsh`` → zd, ds, sh); ``assets/search/search.js`` holds the same syllable
table (a test checks the two are equal).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .tokenize import PINYIN, _HAN

# Every toneless syllable of Putonghua as pypinyin spells it (ü as v).
SYLLABLES = frozenset("""
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng
cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu
cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e
ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan
guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian
jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan
kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan
lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne
nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen
peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang
rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she
shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan
tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia
xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun
za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai
zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
""".split())

_HAN_RUN_RE = re.compile(f"[{_HAN}]+")


def index_terms(text: str) -> set[str]:
    """Pinyin terms of already folded text (titles, 主题词): full pinyin and initials of each character pair."""
    out: set[str] = set()
    for run in _HAN_RUN_RE.findall(text):
        if len(run) < 2:
            continue
        syllables = _syllables(run)
        if len(syllables) != len(run):  # pypinyin keeps a run it cannot read whole: skip rather than misalign
            continue
        for a, b in zip(syllables, syllables[1:]):
            out.add(PINYIN + a + b)
            out.add(PINYIN + a[0] + b[0])
    return out


@lru_cache(maxsize=65536)  # phrase lookup costs ~0.5 ms a title; repeated runs (机关名称, 通知) are common
def _syllables(run: str) -> list[str]:
    # Imported on first use (its dictionaries cost ~0.3 s): tools that load the site's plugins without building
    # the search index (gongkai new) never pay for it.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(run, style=Style.NORMAL, v_to_u=False)


def segment(word: str) -> list[str] | None:
    """``word`` cut into pinyin syllables, longest syllable first with backtracking; None if it is not pinyin."""
    if len(word) > 60:
        return None

    def cut(pos: int) -> list[str] | None:
        if pos == len(word):
            return []
        for size in range(min(6, len(word) - pos), 0, -1):
            if word[pos:pos + size] in SYLLABLES:
                rest = cut(pos + size)
                if rest is not None:
                    return [word[pos:pos + size]] + rest
        return None

    return cut(0)


def query_terms(word: str) -> list[str] | None:
    """The pinyin terms of one typed Latin run (lower case), or None when it cannot stand for Chinese: two or
    more syllables give the full pinyin of each adjacent pair; otherwise 2–12 letters are initials, paired."""
    if not word.isascii() or not word.isalpha() or len(word) < 2:
        return None
    syllables = segment(word)
    if syllables and len(syllables) >= 2:
        pairs = [a + b for a, b in zip(syllables, syllables[1:])]
    elif len(word) <= 12 and not syllables:
        pairs = [word[i:i + 2] for i in range(len(word) - 1)]
    else:
        return None
    out: list[str] = []
    for p in pairs:
        if PINYIN + p not in out:
            out.append(PINYIN + p)
    return out


def spoken_words(groups: list) -> dict[str, list[str]]:
    """Full pinyin and initials of every word of the synonym table → the words (dibao → 低保, gjj → 公积金),
    shipped in ``meta.bin`` so that pinyin typed for a whole word finds its Chinese spellings and synonyms,
    also where no title spells the word."""
    words: list[str] = []
    for group in groups:
        for word in (group[0] + group[1] if isinstance(group[0], list) else group):
            if word not in words and _HAN_RUN_RE.fullmatch(word) and len(word) >= 2:
                words.append(word)
    out: dict[str, list[str]] = {}
    for word in words:
        syllables = _syllables(word)
        if len(syllables) != len(word):
            continue
        for key in ("".join(syllables), "".join(s[0] for s in syllables)):
            out.setdefault(key, [])
            if word not in out[key]:
                out[key].append(word)
    return out
