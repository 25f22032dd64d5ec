/* gongkai search: the results page client. It reads the static index written by gongkai/search/index.py
 * (see that module for the file layout) and mirrors gongkai/search/tokenize.py exactly. No other host is
 * contacted, except the other gongkai sites the site owner lists (sites: of gongkai/search, data-sites):
 * their published indexes are read by this same code and their hits merged with this site's. */
(function () {
  "use strict";

  var root = document.querySelector("[data-gk-search]");
  if (!root) return;

  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 80;
  // Hits found while the visitor may still be typing wait this long after the last keystroke before their fragments
  // are fetched: postings are fetched early (the next query mostly needs the same shards), fragments are not
  // fetched for a query that the next keystroke replaces.
  var SETTLE_MS = 130;
  var WEIGHTS = [0, 1, 1.5, 1.9, 3, 3.6, 4, 4.4]; // weight code → score factor; 4+ means "in the title"
  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{2ffff}";
  var RUN_RE = new RegExp("([" + HAN + "]+)|([0-9a-z]+)", "gu");

  var REMOTE_TIMEOUT_MS = 8000;  // another site's file that takes longer counts as unreachable
  var EARLY_MS = 1500;  // this site's results are drawn after this long even if another site is still loading
  var form = root.querySelector("form");
  var input = form.elements.q;
  var status = root.querySelector("[data-gk-status]");
  var list = root.querySelector("[data-gk-results]");
  var pager = root.querySelector("[data-gk-pager]");
  var notice = root.querySelector("[data-gk-nearest]");
  var filters = root.querySelector("[data-gk-filters]");
  var yearSelect = form.elements.y;
  var notes = root.querySelector("[data-gk-site-notes]");
  var t2s = new Map();
  var meta = null;  // this site's meta.bin: the query is read (synonyms, pinyin, 繁→简) with its tables

  // ---- indexes: this site's and those of the sites listed in data-sites ----------------------------

  function Index(index, base, name, own) {
    return { url: new URL(index, location.href), base: new URL(base, location.href), name: name, own: own,
             files: new Map(), shards: new Map(), meta: null, ready: null };
  }
  var local = Index(root.getAttribute("data-index"), root.getAttribute("data-base"),
                    root.getAttribute("data-site-name") || "", true);
  var indexes = [local].concat(JSON.parse(root.getAttribute("data-sites") || "[]").map(function (site) {
    return Index(site.index, site.base, site.name, false);
  }));

  // ---- files -------------------------------------------------------------------------------------

  function load(ix, path) {
    if (!ix.files.has(path)) {
      // Another site's files: no cookies (fetch's default), only this site's origin as referrer, a time limit.
      var options = ix.own ? undefined : { referrerPolicy: "origin",
        signal: window.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(REMOTE_TIMEOUT_MS) : undefined };
      ix.files.set(path, fetch(new URL(path, ix.url), options).then(function (response) {
        if (!response.ok) throw new Error(path + ": HTTP " + response.status);
        var body = response.body.pipeThrough(new DecompressionStream("gzip"));
        return new Response(body).arrayBuffer();
      }).then(function (buffer) { return new Uint8Array(buffer); }));
    }
    return ix.files.get(path);
  }

  function loadJSON(ix, path) {
    return load(ix, path).then(function (bytes) { return JSON.parse(new TextDecoder().decode(bytes)); });
  }

  function open(ix) {
    if (!ix.ready) ix.ready = loadJSON(ix, "meta.bin").then(function (m) { ix.meta = m; return m; });
    return ix.ready;
  }

  var traditional = new Set();  // the 繁体 characters of the table, from meta.bin; the table itself is t2s.bin
  var ready = open(local).then(function (m) {
    meta = m;
    var code = 0;
    (m.trad || "").split(",").forEach(function (gap) {
      if (gap) { code += parseInt(gap, 16); traditional.add(String.fromCodePoint(code)); }
    });
    return m;
  });

  // The 繁→简 table, loaded the first time a query holds a 繁体 character (most never do).
  var tableLoaded = null;
  function foldingFor(query) {
    if (tableLoaded || !Array.from(query.normalize("NFKC")).some(function (ch) { return traditional.has(ch); })) {
      return tableLoaded || Promise.resolve();
    }
    tableLoaded = load(local, "t2s.bin").then(function (bytes) {
      var pairs = Array.from(new TextDecoder().decode(bytes));
      for (var i = 0; i + 1 < pairs.length; i += 2) t2s.set(pairs[i], pairs[i + 1]);
    });
    return tableLoaded;
  }

  // ---- text folding and terms (gongkai/search/tokenize.py, pinyin.py, synonyms.py) -----------------------
  // <mirror> tests/test_search_mirror.py runs this section in node against the Python functions.

  var BRACKETS = { "[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕", "〖": "〔", "〗": "〕" };
  var DOC_NUMBER_RE = /^[^〔〕\s]{1,30}〔(\d{4})〕第?(\d{1,5})号$/u;
  var INDEX_NUMBER_RE = /^[0-9a-z]{9}(?:[0-9a-z]{9})?\/\d{4}-\d{1,8}$/;
  var QUERY_NUMBER_RE = /^\S{2,30}?第?\d{1,5}号$/u;
  var YEAR_FORM_RE = /^([^〔〕]{1,30}?)\s*(?:〔\s*((?:19|20)[0-9]{2})\s*〕|((?:19|20)[0-9]{2})\s*(?:年|-|\s))\s*第?\s*([0-9]{1,5})\s*号?$/u;
  var HAN_CHAR_RE = new RegExp("[" + HAN + "]", "u");
  var PINYIN = "\u0003";
  var SYLLABLES = new Set("a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo".split(" "));

  function fold(text) {
    var out = "";
    for (var ch of text.normalize("NFKC").toLowerCase()) out += t2s.get(ch) || ch;
    return out;
  }

  function runs(text) {
    var found = [], match;
    RUN_RE.lastIndex = 0;
    while ((match = RUN_RE.exec(text))) found.push(match[1] ? { han: Array.from(match[1]) } : { word: match[2] });
    return found;
  }

  function queryTerms(query) {
    var out = [];
    runs(fold(query)).forEach(function (run) {
      var grams = [];
      if (run.word) grams.push(run.word);
      else if (run.han.length === 1) grams.push(run.han[0]);
      else for (var i = 0; i + 1 < run.han.length; i++) grams.push(run.han[i] + run.han[i + 1]);
      grams.forEach(function (g) { if (out.indexOf(g) < 0) out.push(g); });
    });
    return out;
  }

  // doc_number_key: one key for a 文号 however it is typed (示政规2026年9号, 示政规〔2026〕9 …).
  function docNumberKey(value) {
    var text = fold(value).replace(/[\[\]()【】〖〗]/g, function (c) { return BRACKETS[c]; }).trim();
    var m = YEAR_FORM_RE.exec(text);
    if (m) {
      var org = m[1].replace(/\s+/g, "");
      if (HAN_CHAR_RE.test(org) && "0123456789".indexOf(org[org.length - 1]) < 0) {
        return org + "〔" + (m[2] || m[3]) + "〕" + parseInt(m[4], 10) + "号";
      }
    }
    return text.replace(/\s+/g, "").replace(/第(?=[0-9]{1,5}号$)/u, "");
  }

  function exactKey(value) {
    var text = docNumberKey(value);
    return DOC_NUMBER_RE.test(text) || INDEX_NUMBER_RE.test(text) || QUERY_NUMBER_RE.test(text) ? text : null;
  }

  // pinyin.segment: syllables, longest first with backtracking.
  function segment(word) {
    if (word.length > 60) return null;
    var cut = function (pos) {
      if (pos === word.length) return [];
      for (var size = Math.min(6, word.length - pos); size > 0; size--) {
        var piece = word.slice(pos, pos + size);
        if (SYLLABLES.has(piece)) {
          var rest = cut(pos + size);
          if (rest) return [piece].concat(rest);
        }
      }
      return null;
    };
    return cut(0);
  }

  // pinyin.query_terms: dibao → [dibao]; db → [db]; zuidishenghuo → [zuidi, disheng, shenghuo].
  function pinyinTerms(word) {
    if (!/^[a-z]{2,}$/.test(word)) return null;
    var syl = segment(word), pairs = [], out = [];
    if (syl && syl.length >= 2) for (var i = 0; i + 1 < syl.length; i++) pairs.push(syl[i] + syl[i + 1]);
    else if (word.length <= 12 && !syl) for (var j = 0; j + 1 < word.length; j++) pairs.push(word.slice(j, j + 2));
    else return null;
    pairs.forEach(function (p) { if (out.indexOf(PINYIN + p) < 0) out.push(PINYIN + p); });
    return out;
  }

  // synonyms.expand: [before, word put in, after, word replaced] for each synonym of a word of the query.
  function synonymVariants(folded, groups, limit) {
    var out = [];
    groups.forEach(function (group) {
      var oneWay = Array.isArray(group[0]);
      var left = oneWay ? group[0] : group, right = oneWay ? group[1] : group;
      var found = null;
      left.forEach(function (w) { if (folded.indexOf(w) >= 0 && (!found || w.length > found.length)) found = w; });
      if (found === null) return;
      var at = folded.indexOf(found);
      right.forEach(function (w) {
        if (w !== found && folded.indexOf(w) < 0 && out.length < limit) {
          out.push([folded.slice(0, at), w, folded.slice(at + found.length), found]);
        }
      });
    });
    return out;
  }
  // </mirror>

  // Words that make a query a question (怎么申请, 是多少) and name nothing a document holds.
  var QUESTION_RE = /请问|我想|怎么办理|怎么办|怎么|怎样|如何|什么|哪些|在哪里|在哪|哪里|多少钱|是多少|多少|是否|能不能|能否|可不可以|可以|需要|有没有|了吗|吗|呢/gu;

  // The ways a query is searched: as typed; with a synonym in place of a word (低保 → 最低生活保障); a Latin run
  // read as the pinyin of a word of the synonym table (dibao → 低保, and its synonyms); a Latin run read as
  // pinyin of title and 主题词 bigrams (yanglao); and, for a question, all of these again without its question
  // words (养狗需要办什么手续 → 养狗 办 手续). A way's score is scaled by its factor and by how many terms it has
  // against the query as typed, so a hit by synonym or pinyin ranks below an equally good hit of the words
  // typed. A synonym way's terms come from the pieces around the replaced word: no bigram spans the seam.
  function variants(query) {
    var folded = fold(query);
    var out = waysOf(folded, 1, "");
    var core = folded.replace(QUESTION_RE, " ").trim();
    if (core && core !== folded.trim()) {
      waysOf(core, 0.9, "关键词“" + core.replace(/\s+/g, " ") + "”").forEach(function (w) { out.push(w); });
    }
    // A reading holding every term of the query as typed (营商环境 → 优化营商环境) can only find documents the query
    // finds itself: its shards are not fetched.
    var typed = out[0].terms;
    out = out.filter(function (w, k) {
      return !k || !typed.length || typed.some(function (t) { return w.terms.indexOf(t) < 0; });
    });
    return out.slice(0, 16);
  }

  function waysOf(folded, base, label) {
    var syn = meta.syn || [], spoken = meta.spoken || {};
    var out = [{ terms: queryTerms(folded), via: label || null, factor: base, word: null }];
    var said = function (via) { return label ? label + "的" + via : via; };
    var pieces = function (v) {
      var terms = [];
      [v[0], v[1], v[2]].forEach(function (piece) {
        queryTerms(piece).forEach(function (t) { if (terms.indexOf(t) < 0) terms.push(t); });
      });
      return terms;
    };
    synonymVariants(folded, syn, 6).forEach(function (v) {
      out.push({ terms: pieces(v), via: said("同义词“" + v[1] + "”"), factor: 0.8 * base, word: v[1] });
    });
    runs(folded).forEach(function (run) {
      if (!run.word || !Object.prototype.hasOwnProperty.call(spoken, run.word)) return;
      spoken[run.word].forEach(function (word) {
        var at = folded.indexOf(run.word);
        var v = [folded.slice(0, at), word, folded.slice(at + run.word.length)];
        out.push({ terms: pieces(v), via: said("拼音“" + word + "”"), factor: 0.8 * base, word: word });
        synonymVariants(v.join(""), syn, 4).forEach(function (s) {
          out.push({ terms: pieces(s), via: said("拼音“" + word + "”的同义词“" + s[1] + "”"), factor: 0.7 * base,
                     word: s[1] });
        });
      });
    });
    var spokenTerms = [], converted = false;
    runs(folded).forEach(function (run) {
      var own = run.word ? pinyinTerms(run.word) : null;
      if (own) converted = true;
      (own || queryTerms(run.word || run.han.join(""))).forEach(function (t) {
        if (spokenTerms.indexOf(t) < 0) spokenTerms.push(t);
      });
    });
    if (converted) out.push({ terms: spokenTerms, via: said("拼音"), factor: 0.6 * base, word: null });
    return out;
  }

  // ---- postings --------------------------------------------------------------------------------------

  function shardOf(ix, term) {
    var shards = ix.meta.shards, lo = 0, hi = shards.length - 1;
    if (!shards.length || term < shards[0]) return -1;
    while (lo < hi) {  // last shard whose first term is <= term
      var mid = (lo + hi + 1) >> 1;
      if (shards[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function varint(bytes, pos) {
    var value = 0, shift = 0, b;
    do { b = bytes[pos.i++]; value += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
    return value;
  }

  function shard(ix, n) {
    var shards = ix.shards;
    if (!shards.has(n)) {
      shards.set(n, load(ix, "t/" + n + ".bin").then(function (bytes) {
        var pos = { i: 0 }, count = varint(bytes, pos), heads = [], decoder = new TextDecoder();
        for (var k = 0; k < count; k++) {
          var len = varint(bytes, pos);
          var term = decoder.decode(bytes.subarray(pos.i, pos.i + len));
          pos.i += len;
          heads.push([term, varint(bytes, pos), varint(bytes, pos)]);
        }
        var terms = new Map(), offset = pos.i;
        heads.forEach(function (h) {
          terms.set(h[0], { df: h[1], bytes: bytes.subarray(offset, offset + h[2]) });
          offset += h[2];
        });
        return terms;
      }));
    }
    return shards.get(n);
  }

  function postings(ix, term) {
    var n = shardOf(ix, term);
    if (n < 0) return Promise.resolve(null);
    return shard(ix, n).then(function (terms) {
      var entry = terms.get(term);
      if (!entry) return null;
      if (!entry.ids) {
        var ids = new Int32Array(entry.df), w = new Uint8Array(entry.df), pos = { i: 0 }, id = -1;
        for (var k = 0; k < entry.df; k++) {
          var v = varint(entry.bytes, pos);
          id += Math.floor(v / 8);
          ids[k] = id;
          w[k] = v & 7;
        }
        entry.ids = ids;
        entry.w = w;
      }
      return entry;
    });
  }

  // ---- search ------------------------------------------------------------------------------------------

  // Form field → filter term prefix (\u0001<prefix>:<value>): 发布主体, 栏目, 主题分类, 文件类型, 文号机关代字, 文号年份, 有效性.
  var FILTERS = [["p", "p"], ["c", "c"], ["t", "t"], ["k", "k"], ["j", "j"], ["w", "w"], ["v", "v"]];
  var FIELDS = ["p", "c", "t", "k", "v", "j", "w", "y", "from", "to", "r"];
  // 有效性 as partials/validity.html marks it: the word, coloured by its state.
  var VALIDITY_CLASS = { "尚未施行": "pending", "已修改（仍有效）": "amended", "废止": "repealed", "失效": "expired" };

  var FILTER_LABELS = { p: "发布主体", c: "栏目", t: "主题分类", k: "文件类型", j: "文号机关代字", w: "文号年份",
                        v: "有效性", from: "发布日期" };

  // The filter terms of one index. 发布主体 and 栏目 ids are each site's own: another site is asked for its entry
  // of the same name (none: it has no such documents). A filter another site's index does not offer at all (an
  // index written before that filter existed) cannot be answered: { missing: field }, and the site is left out.
  function filterTermsOf(ix, state) {
    var out = [], facets = ix.meta.facets || {};
    for (var i = 0; i < FILTERS.length; i++) {
      var key = FILTERS[i][0], value = state[key];
      if (!value) continue;
      if (!ix.own && !Object.prototype.hasOwnProperty.call(facets, key)) return { missing: key };
      if (!ix.own && (key === "p" || key === "c")) {
        var label = null, theirs = "\u0000";
        (meta.facets[key] || []).forEach(function (e) { if (e[0] === value) label = e[1]; });
        facets[key].forEach(function (e) { if (e[1] === label && theirs === "\u0000") theirs = e[0]; });
        value = theirs;
      }
      out.push("\u0001" + FILTERS[i][1] + ":" + value);
    }
    if (!ix.own && (state.from || state.to) && !ix.meta.months) return { missing: "from" };
    return out;
  }

  // One index's postings for the query's ways of reading, its filters and its 文号.
  function search(ix, state, ways, exact, filterTerms) {
    var terms = [];
    ways.forEach(function (w) { w.terms.forEach(function (t) { if (terms.indexOf(t) < 0) terms.push(t); }); });
    var wanted = terms.concat(filterTerms, exact ? ["\u0002" + exact] : []);
    return Promise.all(wanted.map(function (t) { return postings(ix, t); })).then(function (lists) {
      return { ix: ix, terms: terms, lists: lists, filters: filterTerms.length };
    });
  }

  // The sites searched together count as one collection for idf: a term's weight is the same on every site, so
  // their hits merge by one ranking (with this site alone, exactly its own idf).
  function collection(found) {
    var n = 0, df = new Map();
    found.forEach(function (f) {
      n += f.ix.meta.n;
      f.terms.forEach(function (t, k) { if (f.lists[k]) df.set(t, (df.get(t) || 0) + f.lists[k].df); });
    });
    return function (t) { var d = df.get(t) || 0; return Math.log(1 + (n - d + 0.5) / (d + 0.5)); };
  }

  // One index's hits in its own order (文号 hit, documents holding every term, partial matches), with their scores
  // so that several sites' hits can be merged.
  function rank(found, state, ways, exact, idfOf) {
    var ix = found.ix, terms = found.terms, lists = found.lists, meta = ix.meta, n = meta.n;
    var filterTerms = lists.slice(terms.length, terms.length + found.filters);
    var byTerm = new Map();
    terms.forEach(function (t, k) { byTerm.set(t, lists[k]); });
    var allowed = null;
    filterTerms.forEach(function (list) {
      var mask = new Uint8Array(n);
      if (list) for (var k = 0; k < list.ids.length; k++) if (!allowed || allowed[list.ids[k]]) mask[list.ids[k]] = 1;
      allowed = mask;
    });
    var range = null;
    if (state.y) {
      range = [n, -1];
      meta.years.forEach(function (y) { if (String(y[0]) === state.y) range = [y[1], y[2]]; });
    }
    // A range of months (发布日期从/到) is a range of ids as a year is: documents are numbered by 发布日期.
    var month = function (v) { var m = /^(\d{4})-(\d{2})$/.exec(v || ""); return m ? Number(m[1] + m[2]) : null; };
    var from = month(state.from), to = month(state.to);
    if (from || to) {
      var span = [n, -1];
      (meta.months || []).forEach(function (m) {
        if ((!from || m[0] >= from) && (!to || m[0] <= to)) { span[0] = Math.min(span[0], m[1]); span[1] = Math.max(span[1], m[2]); }
      });
      range = range ? [Math.max(range[0], span[0]), Math.min(range[1], span[1])] : span;
    }
    var ok = function (id) { return (!allowed || allowed[id]) && (!range || (id >= range[0] && id <= range[1])); };
    var pinned = [];
    // The exact term's postings: weight 0 for a document's own 文号/索引号, 1 for a 文号 its text cites.
    var exactList = exact ? lists[lists.length - 1] : null, citing = [];
    if (exactList) for (var e = exactList.ids.length - 1; e >= 0; e--) {  // newest first
      if (ok(exactList.ids[e])) (exactList.w[e] ? citing : pinned).push(exactList.ids[e]);
    }

    var titleOnly = state.r === "title";
    // Score and count matched terms per document, for one way of reading the query.
    var tally = function (wayTerms) {
      var score = new Float32Array(n), hits = new Uint8Array(n);
      wayTerms.forEach(function (t) {
        var list = byTerm.get(t);
        if (!list) return;
        var idf = idfOf(t);
        for (var k = 0; k < list.ids.length; k++) {
          if (titleOnly && list.w[k] < 4) continue;  // weights of 4 and more: the term is in the title
          score[list.ids[k]] += idf * WEIGHTS[list.w[k]];
          hits[list.ids[k]]++;
        }
      });
      return { score: score, hits: hits, need: wayTerms.length };
    };
    var ids = [], viaIds = [], near = [], score = null, via = new Map();
    var main = ways[0].terms;
    if (found.lookup) {
      ids = citing;  // a number looked up alone: its document, then the documents citing it
    } else if (main.length) {
      var first = tally(main);
      score = first.score;
      var hits = first.hits, need = main.length;
      var collect = function (min, max) {
        var out = [];
        for (var id = 0; id < n; id++) if (hits[id] >= min && hits[id] <= max && ok(id)) out.push(id);
        return out;
      };
      ids = collect(need, need);
      // Synonyms and pinyin: documents holding every term of another reading, below every document that
      // holds the query as typed.
      var inMain = new Uint8Array(n);
      ids.forEach(function (id) { inMain[id] = 1; });
      ways.slice(1).forEach(function (way) {
        if (!way.terms.length) return;
        var t = tally(way.terms), scale = way.factor * need / t.need;
        for (var id = 0; id < n; id++) {
          if (t.hits[id] !== t.need || inMain[id] || !ok(id)) continue;
          var s = t.score[id] * scale;
          if (!via.has(id)) { via.set(id, way.via); viaIds.push(id); score[id] = s; }
          else if (s > score[id]) { via.set(id, way.via); score[id] = s; }
        }
      });
      // Few documents hold every term (a query across a word boundary, a word the text spells otherwise):
      // those holding most of them follow, in their own group, and the status line says so.
      var inIds = new Uint8Array(n);
      ids.concat(viaIds).forEach(function (id) { inIds[id] = 1; });
      var notIn = function (id) { return !inIds[id]; };
      if (ids.length < PAGE_SIZE && need > 2) near = collect(Math.ceil(need * 0.6), need - 1).filter(notIn);
      if (!ids.length && !near.length && need > 1) near = collect(1, need - 1).filter(notIn);
      for (var j = 0; j < near.length; j++) score[near[j]] -= 1000 * (need - hits[near[j]]);
    } else if (filterTerms.length || range) {
      for (var id2 = 0; id2 < n; id2++) if (ok(id2)) ids.push(id2);
    }
    // Ids are oldest first (a document published today takes the next id), so 发布日期 order, newest first, is
    // descending id order, and so is a tie of scores.
    if (state.sort !== "date" && score) {
      var byScore = function (a, b) { return score[b] - score[a] || b - a; };
      ids = ids.concat(viaIds).sort(byScore);
      near.sort(byScore);
    } else {
      ids = ids.concat(viaIds).sort(function (a, b) { return b - a; });
    }
    // A pasted 文号/索引号 is looked up alone first (update()): the document it names on top, then the documents
    // citing it. A number that names nothing is searched here as words, and render() says so and offers the
    // nearest number; that fallback lists only documents holding all its terms: partial matches on its digits
    // and "号" would be noise.
    if (exact) near = [];
    var full = ids.length;
    ids = ids.concat(near);
    if (pinned.length) ids = pinned.concat(ids.filter(function (id) { return pinned.indexOf(id) < 0; }));
    return { ix: ix, ids: ids, full: full, near: near, pinned: pinned, via: via, score: score };
  }

  // The year (and month, yyyymm) of an id: documents are numbered by 发布日期, so each is an id range.
  function rangeOf(ranges, id) {
    for (var y = 0; y < ranges.length; y++) if (id >= ranges[y][1] && id <= ranges[y][2]) return ranges[y][0];
    return 0;
  }

  // Every site's hits in one list, by the same ranking: the 文号 hit first, then documents holding every term,
  // then partial matches; within each, by score (or by month of 发布日期, newest first), a tie keeping a site's
  // own order. With this site alone the order is exactly its own.
  function merge(results, state, exact) {
    var hits = [], merged = { full: 0, near: 0, pinned: 0, via: 0, years: new Map(), exact: exact };
    var byDate = state.sort === "date" && results.length > 1;
    results.forEach(function (res, site) {
      var pinned = new Set(res.pinned), near = new Set(res.near), months = res.ix.meta.months;
      // An index without months (an older version) is placed by year: after that year's months elsewhere.
      var monthOf = months ? function (id) { return rangeOf(months, id); }
        : function (id) { return rangeOf(res.ix.meta.years, id) * 100; };
      merged.full += res.full;
      merged.near += res.near.length;
      merged.pinned += res.pinned.length;
      merged.via += res.via.size;
      res.ids.forEach(function (id, pos) {
        var year = rangeOf(res.ix.meta.years, id);
        merged.years.set(year, (merged.years.get(year) || 0) + 1);
        hits.push({ res: res, ix: res.ix, id: id, site: site, pos: pos,
                    group: pinned.has(id) ? 0 : near.has(id) ? 2 : 1,
                    score: res.score ? res.score[id] : 0, month: byDate ? monthOf(id) : 0 });
      });
    });
    // One site's hits are in their order already (a large site's hit list is not sorted twice).
    if (results.length > 1) hits.sort(function (a, b) {
      return a.group - b.group || (a.group && (byDate ? b.month - a.month : b.score - a.score)) ||
        a.site - b.site || a.pos - b.pos;
    });
    merged.hits = hits;
    return merged;
  }

  // The indexed 文号 (or 索引号) closest to one that names nothing: same issuer prefix, nearest year and number.
  // Exact terms are sorted like every term, so candidates sit in the shard where the number would be, or next to it.
  function nearestNumber(key) {
    var prefix = "\u0002" + key.split(/[〔\/]/)[0];
    var digits = function (k) { return (k.match(/\d+/g) || []).map(Number); };
    var want = digits(key);
    var n = shardOf(local, "\u0002" + key);
    var around = [n - 1, n, n + 1].filter(function (k) { return k >= 0 && k < meta.shards.length; });
    return Promise.all(around.map(function (k) { return shard(local, k); })).then(function (maps) {
      var best = null, bestCost = Infinity;
      maps.forEach(function (terms) {
        terms.forEach(function (entry, term) {
          if (term.indexOf(prefix) !== 0 || term === "\u0002" + key) return;
          var have = digits(term.slice(1)), cost = 0;
          for (var i = 0; i < Math.max(have.length, want.length); i++) {
            cost = cost * 100000 + Math.abs((have[i] || 0) - (want[i] || 0));
          }
          if (cost < bestCost) { bestCost = cost; best = term; }
        });
      });
      if (!best) return null;
      return postings(local, best).then(function (entry) {
        if (!entry || !entry.ids.length) return null;
        var own = Array.prototype.indexOf.call(entry.w, 0);  // the document of that number, not one citing it
        return fragment(local, entry.ids[own < 0 ? 0 : own]);
      });
    });
  }

  // ---- rendering --------------------------------------------------------------------------------------

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function highlighter(query, exact, extra) {
    var parts = [];
    runs(fold([query].concat(extra || []).join(" "))).forEach(function (run) {
      if (run.word) { parts.push(run.word); return; }
      parts.push(run.han.join(""));
      for (var i = 0; i + 1 < run.han.length; i++) parts.push(run.han[i] + run.han[i + 1]);
    });
    if (exact) parts.push(exact);
    parts = parts.filter(function (p, i) { return p && parts.indexOf(p) === i; })
      .sort(function (a, b) { return b.length - a.length; });
    // Letters and digits are marked as whole runs only: "3" must not light up inside "2023".
    return parts.length ? new RegExp(parts.map(function (p) {
      return /^[0-9a-z]+$/.test(p) ? "(?<![0-9a-z])" + escapeRe(p) + "(?![0-9a-z])" : escapeRe(p);
    }).join("|"), "giu") : null;
  }

  // Text folded for matching keeps the original's length where it matters (繁→简 is one to one); where
  // NFKC changes lengths the original is matched directly.
  function mark(node, text, re) {
    if (!re) { node.textContent = text; return; }
    var folded = fold(text);
    var source = folded.length === text.length ? folded : text;
    var last = 0, match;
    re.lastIndex = 0;
    while ((match = re.exec(source))) {
      if (!match[0].length) { re.lastIndex++; continue; }
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      var m = document.createElement("mark");
      m.textContent = text.slice(match.index, match.index + match[0].length);
      node.appendChild(m);
      last = match.index + match[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function snippet(text, re, size) {
    var at = -1;
    if (re) {
      var folded = fold(text);
      re.lastIndex = 0;
      var match = re.exec(folded.length === text.length ? folded : text);
      if (match) at = match.index;
    }
    var start = at > 30 ? at - 30 : 0;
    var piece = text.slice(start, start + size);
    return (start > 0 ? "…" : "") + piece + (start + size < text.length ? "…" : "");
  }

  function fragment(ix, id) { return loadJSON(ix, "d/" + Math.floor(id / ix.meta.dirs) + "/" + id + ".bin"); }

  function render(state, result, token) {
    if (token !== current) return Promise.resolve();
    var wait = lastKey + SETTLE_MS - performance.now();
    if (wait > 0) {
      return new Promise(function (resolve) { setTimeout(resolve, wait); }).then(function () {
        return render(state, result, token);
      });
    }
    var total = result.hits.length;
    var pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    var page = Math.min(Math.max(1, state.page || 1), pages);
    var slice = result.hits.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    var words = [];
    result.ways.forEach(function (w) { if (w.word) words.push(w.word); });
    var re = highlighter(state.q, result.exact, words);
    // Another site's fragment that cannot be read (that site republished meanwhile) leaves its hit out.
    return Promise.all(slice.map(function (hit) {
      return hit.ix.own ? fragment(hit.ix, hit.id) : fragment(hit.ix, hit.id).catch(function () { return null; });
    })).then(function (docs) {
      if (token !== current) return;
      list.textContent = "";
      docs.forEach(function (doc, i) {
        if (!doc || typeof doc.u !== "string") return;
        var li = document.createElement("li");
        li.className = "gk-hit";
        var hit = slice[i];
        if (hit.group === 0) li.classList.add("gk-hit--exact");
        var h = document.createElement("h2");
        h.className = "gk-hit__title";
        // Another site's index is not trusted to name a link: only a web address becomes one (no javascript:).
        var target = new URL(doc.u, hit.ix.base);
        var a = document.createElement(/^https?:$/.test(target.protocol) ? "a" : "span");
        if (a.tagName === "A") a.href = target.href;
        mark(a, doc.t, re);
        h.appendChild(a);
        if (doc.v && VALIDITY_CLASS[doc.v]) {
          var badge = document.createElement("span");
          badge.className = "gk-validity-badge gk-validity-badge--" + VALIDITY_CLASS[doc.v];
          badge.textContent = doc.v;
          h.appendChild(document.createTextNode(" "));
          h.appendChild(badge);
        }
        li.appendChild(h);
        var info = document.createElement("p");
        info.className = "gk-hit__meta";
        if (indexes.length > 1) {  // several sites searched: each hit says whose it is, in words
          var from = document.createElement("span");
          from.className = "gk-hit__site" + (hit.ix.own ? "" : " gk-hit__site--other");
          from.textContent = hit.ix.name;
          info.appendChild(from);
        }
        [doc.p, doc.d, doc.n, doc.c].forEach(function (v, k) {
          if (!v) return;
          var span = document.createElement("span");
          if (k === 2) mark(span, v, re); else span.textContent = v;
          info.appendChild(span);
        });
        if (result.lookup && hit.group) {
          var cites = document.createElement("span");
          cites.className = "gk-hit__via";
          cites.textContent = "引用了这一文号";
          info.appendChild(cites);
        }
        if (hit.res.via.has(hit.id)) {
          var tag = document.createElement("span");
          tag.className = "gk-hit__via";
          tag.textContent = "按" + hit.res.via.get(hit.id) + "找到";
          info.appendChild(tag);
        }
        if (info.childNodes.length) li.appendChild(info);
        var p = document.createElement("p");
        p.className = "gk-hit__snippet";
        mark(p, snippet(doc.x || "", re, 120), re);
        li.appendChild(p);
        list.appendChild(li);
      });
      var text;
      var isIndex = result.exact && INDEX_NUMBER_RE.test(result.exact);
      var what = isIndex ? "索引号" : "文号";
      notice.textContent = "";
      notice.hidden = true;
      if (result.exact && result.pinned) {
        text = "按" + what + "找到：" + state.q.trim();
        if (total > result.pinned) {
          text += "；另有 " + (total - result.pinned) + (result.lookup ? " 件文件引用了这一文号" : " 条结果包含这些字词");
        }
      } else if (result.exact) {
        text = "未找到" + what + "“" + state.q.trim() + "”";
        text += total ? "，以下 " + total + " 条是按字词检索的结果" : "，按字词检索也没有结果";
        if (result.nearest) {
          text += "。请核对" + what + "。";
          var a = document.createElement("a");
          a.href = new URL(result.nearest.u, local.base).href;
          a.textContent = result.nearest.t;
          notice.appendChild(document.createTextNode("最接近的" + what + "（" +
            (isIndex ? result.nearest.i : result.nearest.n || result.nearest.i) + "）："));
          notice.appendChild(a);
          notice.hidden = false;
        } else {
          text += "。请核对后重试。";
        }
      } else if (!state.q.trim() && !total && !hasFilters(state)) text = "请输入关键词，或选择筛选条件。";
      else if (!total) text = "没有找到相关结果。请减少关键词、检查用字，或清除筛选条件。";
      else if (!result.near) {
        text = "找到 " + total + " 条结果";
        if (result.via) text += "，其中 " + result.via + " 条按同义词、拼音或问句中的关键词找到";
      }
      else if (!result.full) text = "没有同时包含全部关键词的结果，以下 " + total + " 条为部分匹配";
      else text = "找到 " + result.full + " 条结果，另有 " + result.near + " 条部分匹配";
      if (total && pages > 1) text += "，第 " + page + "/" + pages + " 页";
      var trouble = renderNotes(result.notes);
      if (trouble) text += "。另有 " + trouble + " 个网站本次未能检索，见下方说明";
      status.textContent = text;
      renderYears(result.years, state.y);
      renderPager(page, pages);
      root.setAttribute("data-state", result.pending ? "partial" : "done");
      root.setAttribute("data-total", String(total));
      root.setAttribute("data-query", state.q);
    });
  }

  // Other sites that could not be searched this time, each named with the reason and a way on; returns how many.
  function renderNotes(list) {
    if (!notes) return 0;
    notes.textContent = "";
    var trouble = 0;
    (list || []).forEach(function (note) {
      var li = document.createElement("li"), ix = note.ix, name = "“" + ix.name + "”";
      var link = document.createElement("a");
      link.href = ix.base.href;
      link.textContent = ix.name;
      if (note.why === "loading") {
        li.textContent = "正在检索" + name + "，稍后会并入结果……";
      } else {
        trouble++;
        li.textContent = note.why === "version"
          ? "暂时不能一并检索" + name + "：该网站的搜索索引与本站的版本不同。请直接到"
          : note.why === "filter"
            ? name + "的搜索索引不能按“" + FILTER_LABELS[note.key] + "”筛选，本次结果中没有该网站的文件。去掉这一条件，或直接到"
            : "暂时无法检索" + name + "（未能读取该网站的搜索索引），本次结果中没有该网站的文件。请稍后刷新本页重试，或直接到";
        li.appendChild(link);
        li.appendChild(document.createTextNode("检索。"));
      }
      notes.appendChild(li);
    });
    notes.hidden = !notes.childNodes.length;
    return trouble;
  }

  function hasFilters(state) { return FIELDS.some(function (key) { return Boolean(state[key]); }); }

  function renderYears(counts, selected) {
    if (!yearSelect) return;
    Array.from(yearSelect.options).forEach(function (opt) {
      if (!opt.value) return;
      var c = counts.get(Number(opt.value)) || 0;
      opt.textContent = opt.value + "年" + (opt.value === selected ? "" : "（" + c + "）");
    });
  }

  function renderPager(page, pages) {
    pager.textContent = "";
    if (pages < 2) { pager.hidden = true; return; }
    pager.hidden = false;
    var add = function (label, target, current) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.className = "gk-pager__button";
      if (current) { b.setAttribute("aria-current", "page"); b.disabled = true; }
      if (target < 1 || target > pages) b.disabled = true;
      b.addEventListener("click", function () {
        state.page = target;
        update(true);
        status.focus();
      });
      pager.appendChild(b);
    };
    add("上一页", page - 1);
    var first = Math.max(1, Math.min(page - 2, pages - 4));
    for (var k = first; k <= Math.min(pages, first + 4); k++) add(String(k), k, k === page);
    add("下一页", page + 1);
  }

  // ---- state and events -------------------------------------------------------------------------------

  var state = readState();
  var current = 0;
  var lastKey = -Infinity;  // performance.now() of the last keystroke in the query box
  var timer = 0;

  function readState() {
    var params = new URLSearchParams(location.search);
    var s = { q: params.get("q") || "", sort: params.get("sort") === "date" ? "date" : "relevance",
              page: parseInt(params.get("page") || "1", 10) || 1 };
    FIELDS.forEach(function (key) { s[key] = params.get(key) || ""; });
    return s;
  }

  function writeForm() {
    input.value = state.q;
    FIELDS.concat(["sort"]).forEach(function (key) { if (form.elements[key]) form.elements[key].value = state[key]; });
  }

  function readForm() {
    state.q = input.value;
    FIELDS.concat(["sort"]).forEach(function (key) { if (form.elements[key]) state[key] = form.elements[key].value; });
  }

  function writeUrl() {
    var params = new URLSearchParams();
    ["q"].concat(FIELDS).forEach(function (key) { if (state[key]) params.set(key, state[key]); });
    if (state.sort === "date") params.set("sort", "date");
    if (state.page > 1) params.set("page", String(state.page));
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  // One site searched: its result, or why it could not be ({ ix, why }). This site's own failure is not caught.
  function searchSite(ix, state, ways, exact) {
    if (ix.own) return search(ix, state, ways, exact, filterTermsOf(ix, state));
    return open(ix).then(function (m) {
      if (m.v !== meta.v) return { ix: ix, why: "version" };
      if (!(m.n >= 0 && m.n <= 10000000) || !Array.isArray(m.shards) || !Array.isArray(m.years)) throw new Error("meta");
      var filterTerms = filterTermsOf(ix, state);
      if (filterTerms.missing) return { ix: ix, why: "filter", key: filterTerms.missing };
      return search(ix, state, ways, exact, filterTerms);
    }).catch(function (error) {
      if (window.console) console.warn(ix.name + ": " + error);
      return { ix: ix, why: "unreachable" };
    });
  }

  function update(keepPage) {
    if (!keepPage) state.page = 1;
    writeUrl();
    var token = ++current;
    root.setAttribute("data-state", "busy");
    return ready.then(function () { return foldingFor(state.q); }).then(function () {
      var exact = exactKey(state.q);
      // A 文号 or 索引号 is looked up first on its own: its document and those citing it, without any word's
      // shards. Only a number no site has is searched as words (and render() says so).
      if (!exact) return searchAll(token, variants(state.q), null, false);
      return searchAll(token, LOOKUP, exact, true).then(function (shown) {
        return shown ? null : searchAll(token, variants(state.q), exact, false);
      });
    }).catch(function (error) {
      status.textContent = "检索出错，请刷新页面后重试。";
      root.setAttribute("data-state", "error");
      if (window.console) console.error(error);
    });
  }

  var LOOKUP = [{ terms: [], via: null, factor: 1, word: null }];

  // Every site searched and the merged hits drawn; true once drawn. A lookup that finds no document draws nothing.
  function searchAll(token, ways, exact, lookup) {
    var settled = indexes.map(function () { return null; });
    var searches = indexes.map(function (ix, k) {
      return searchSite(ix, state, ways, exact).then(function (r) {
        if (r && !r.why) r.lookup = lookup;
        settled[k] = r;
        return r;
      });
    });
    var all = Promise.all(searches);
    var show = function (pending) {
      if (token !== current) return Promise.resolve(true);
      var found = settled.filter(function (r) { return r && !r.why; }), idfOf = collection(found), ranked = [];
      found.forEach(function (f) {
        try {
          ranked.push(rank(f, state, ways, exact, idfOf));
        } catch (error) {  // another site's index that does not read as one: named like an unreachable site
          if (f.ix.own) throw error;
          settled[indexes.indexOf(f.ix)] = { ix: f.ix, why: "unreachable" };
        }
      });
      var merged = merge(ranked, state, exact);
      if (lookup && !merged.pinned) return Promise.resolve(false);
      merged.ways = ways;
      merged.lookup = lookup;
      merged.pending = pending;
      merged.notes = settled.map(function (r, k) { return r ? r : { ix: indexes[k], why: "loading" }; })
        .filter(function (r) { return r.why; });
      var nearest = exact && !merged.pinned ? nearestNumber(exact) : Promise.resolve(null);
      return nearest.then(function (doc) {
        merged.nearest = doc;
        return render(state, merged, token).then(function () { return true; });
      });
    };
    // This site's results wait for another site's only so long: drawn then, and again when every site is in.
    return searches[0].then(function () {
      return Promise.race([all, new Promise(function (resolve) { setTimeout(resolve, EARLY_MS); })]);
    }).then(function () {
      var pending = settled.some(function (r) { return !r; });
      return show(pending).then(function (shown) {
        return pending ? all.then(function () { return show(false); }).then(function (last) { return shown || last; })
          : shown;
      });
    });
  }

  // Searches as the visitor types, but not on the pinyin of an unfinished IME composition.
  function schedule() {
    clearTimeout(timer);
    // A keystroke supersedes a search still under way: its hits are not drawn and their fragments not fetched.
    current++;
    lastKey = performance.now();
    timer = setTimeout(function () { readForm(); update(); }, DEBOUNCE_MS);
  }
  input.addEventListener("input", function (event) { if (!event.isComposing) schedule(); });
  input.addEventListener("compositionend", schedule);
  form.addEventListener("change", function (event) {
    if (event.target === input) return;
    readForm();
    update();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    readForm();
    update();
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { readForm(); update(); input.focus(); }, 0);
  });

  writeForm();
  // Filters are folded away on phones so the results come first; open where there is room or one is in use.
  if (filters && (hasFilters(state) || state.sort === "date" || window.matchMedia("(min-width: 45em)").matches)) {
    filters.open = true;
  }
  root.classList.add("gk-search--ready");
  update(true);
})();
