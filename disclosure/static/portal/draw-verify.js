/* DR-1 in the browser: recompute a published draw from its published files (docs/draw-protocol.md).
 *
 * The citizen's second copy of the algorithm, beside verify_draw.py: it shares no code with the
 * system that performed the draw. SHA-256 is the browser's own (crypto.subtle) where the page is a
 * secure context; over plain HTTP, which many government intranets serve, crypto.subtle does not
 * exist and the small SHA-256 below (FIPS 180-4, tested against the draw vectors) takes its place.
 * No eval, no inline script: the strict Content-Security-Policy allows this file as it is.
 */
(function () {
  "use strict";

  // --- SHA-256 in plain JavaScript (FIPS 180-4) ------------------------------------------------
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);

  function sha256Plain(bytes) {
    var length = bytes.length;
    // Message, the 0x80 byte, zeros, and the bit length in the last 8 bytes of a 64-byte block.
    var padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    var view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(padded.length - 4, (length * 8) % 0x100000000);
    var h = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    var w = new Uint32Array(64);
    for (var offset = 0; offset < padded.length; offset += 64) {
      for (var t = 0; t < 16; t++) w[t] = view.getUint32(offset + 4 * t);
      for (t = 16; t < 64; t++) {
        var x = w[t - 15], y = w[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (k + S1 + ch + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
    }
    var out = new Uint8Array(32);
    var outView = new DataView(out.buffer);
    for (t = 0; t < 8; t++) outView.setUint32(4 * t, h[t]);
    return out;
  }

  // --- the hash the page uses: the browser's where it exists --------------------------------
  function subtle() {
    return typeof crypto !== "undefined" && crypto && crypto.subtle ? crypto.subtle : null;
  }

  function sha256(bytes) {
    var webCrypto = subtle();
    if (webCrypto) {
      return webCrypto.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
    }
    return Promise.resolve(sha256Plain(bytes));
  }

  var encoder = new TextEncoder();

  function utf8(text) { return encoder.encode(text); }

  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  function fromHex(text) {
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }

  function sha256Hex(bytes) { return sha256(bytes).then(hex); }

  function concat(parts) {
    var size = 0, i;
    for (i = 0; i < parts.length; i++) size += parts[i].length;
    var out = new Uint8Array(size), at = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], at); at += parts[i].length; }
    return out;
  }

  // "Sorted" in DR-1 means by UTF-8 bytes, which is the order of code points (not of the UTF-16
  // units that JavaScript's own comparison uses: they differ above U+FFFF).
  function compare(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    if (i < a.length) return 1;
    return j < b.length ? -1 : 0;
  }

  // Python's json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort(compare).map(function (key) {
        return JSON.stringify(key) + ":" + canonical(value[key]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  // --- DR-1 ------------------------------------------------------------------------------------
  function Mismatch(message) { this.message = message; }

  function readCsv(text, header, name) {
    if (text.indexOf("\r") >= 0 || text.indexOf('"') >= 0 || text.slice(-1) !== "\n") {
      throw new Mismatch(name + " 格式不符（含回车、引号或缺少末尾换行）");
    }
    var lines = text.slice(0, -1).split("\n");
    if (lines[0] !== header) throw new Mismatch(name + " 的表头应为 " + header);
    var width = header.split(",").length;
    return lines.slice(1).map(function (line, n) {
      var row = line.split(",");
      if (row.length !== width) throw new Mismatch(name + " 第 " + (n + 2) + " 行字段数不对");
      return row;
    });
  }

  function ticket(seed, purpose, key) { return sha256Hex(utf8(seed + ":" + purpose + ":" + key)); }

  function eligibleByStratum(pool) {
    var groups = {};
    pool.forEach(function (row) {
      if (row[2] === "") (groups[row[1]] = groups[row[1]] || []).push(row[0]);
    });
    return groups;
  }

  function byTicket(a, b) { return compare(a[0], b[0]) || compare(a[1], b[1]); }

  function ranked(seed, purpose, keys) {
    return Promise.all(keys.map(function (key) {
      return ticket(seed, purpose, key).then(function (t) { return [t, key]; });
    })).then(function (pairs) { return pairs.sort(byTicket); });
  }

  async function drawFirms(seed, pool, quota) {
    var eligible = eligibleByStratum(pool);
    Object.keys(eligible).forEach(function (stratum) {
      if (!(stratum in quota)) throw new Mismatch("分层 " + stratum + " 没有抽取数");
    });
    var lines = ["stratum,rank,key,ticket"];
    var strata = Object.keys(quota).sort(compare);
    for (var s = 0; s < strata.length; s++) {
      var stratum = strata[s], keys = eligible[stratum] || [];
      if (quota[stratum] > keys.length) throw new Mismatch("分层 " + stratum + " 抽取数超过符合条件数");
      var order = await ranked(seed, "firms", keys);
      for (var r = 0; r < quota[stratum]; r++) {
        lines.push(stratum + "," + (r + 1) + "," + order[r][1] + "," + order[r][0]);
      }
    }
    return lines;
  }

  async function drawTeams(seed, firms, pool, team, cap, conflicts) {
    var eligible = eligibleByStratum(pool), load = {};
    var lines = ["firm,department,seat,officer,ticket"];
    var departments = Object.keys(team).sort(compare);
    for (var f = 0; f < firms.length; f++) {
      var firm = firms[f];
      for (var d = 0; d < departments.length; d++) {
        var department = departments[d], seat = 0;
        var order = await ranked(seed, "teams:" + firm, eligible[department] || []);
        for (var o = 0; o < order.length && seat < team[department]; o++) {
          var officer = order[o][1];
          if (conflicts[officer + "," + firm] || (load[officer] || 0) >= cap) continue;
          load[officer] = (load[officer] || 0) + 1;
          seat += 1;
          lines.push(firm + "," + department + "," + seat + "," + officer + "," + order[o][0]);
        }
        if (seat < team[department]) {
          throw new Mismatch("检查对象 " + firm + " 的 " + department + " 部门缺少 " +
            (team[department] - seat) + " 个席位");
        }
      }
    }
    return lines;
  }

  /* Verify one draw from its files' bytes (Uint8Array each): announcement, reveal, result, and
   * pool (firms draws; teams draws when the reader may audit), conflicts and firmsResult (teams).
   * `step(kind, text, detail)` is told each step as it is done. Resolves to
   * {ok, seed, recomputed, message, hash}: recomputed is the result file's text, or "" when the
   * public files of a teams draw do not allow recomputing it. */
  async function verify(files, step) {
    step = step || function () {};
    var decoder = new TextDecoder("utf-8", { fatal: true });
    function text(name) {
      try { return decoder.decode(files[name]); }
      catch (e) { throw new Mismatch(name + " 不是 UTF-8 文本"); }
    }
    var outcome = { ok: false, seed: "", recomputed: "", message: "",
      hash: subtle() ? "webcrypto" : "javascript" };
    try {
      var ann = JSON.parse(text("announcement")), rev = JSON.parse(text("reveal"));
      if (ann.spec !== "DR-1" || (ann.purpose !== "firms" && ann.purpose !== "teams")) {
        throw new Mismatch("公告不是 DR-1 抽取");
      }
      var nonce = rev.nonce;
      if (Object.keys(rev).sort().join() !== "nonce,witness_values" ||
          !/^[0-9a-f]{64}$/.test(nonce)) {
        throw new Mismatch("揭示内容格式不符");
      }
      if (await sha256Hex(fromHex(nonce)) !== ann.nonce_sha256) {
        throw new Mismatch("系统随机数与公告时承诺的摘要不一致");
      }
      step("nonce", "系统随机数与公告时公布的摘要一致", ann.nonce_sha256);
      if (rev.witness_values.length !== ann.witnesses.length) {
        throw new Mismatch("见证值的个数与公告的见证人数不一致");
      }
      step("witnesses", ann.witnesses.length + " 位见证人各提供了一个值",
        ann.witnesses.map(function (w, i) { return w + "：" + rev.witness_values[i]; }).join("；"));
      var annDigest = await sha256(utf8(canonical(ann)));
      var revDigest = await sha256(utf8(canonical(rev)));
      var seed = hex(await sha256(concat([utf8("DR-1\u0000"), annDigest, revDigest])));
      outcome.seed = seed;
      step("seed", "由公告和揭示计算出种子", seed);

      var pool = null;
      if (files.pool) {
        var poolDigest = await sha256Hex(files.pool);
        if (poolDigest !== ann.pool_sha256) {
          throw new Mismatch("候选名单与公告时公布的摘要不一致（公告 " + ann.pool_sha256 +
            "，文件 " + poolDigest + "）");
        }
        pool = readCsv(text("pool"), "key,stratum,excluded", "候选名单");
        if (pool.length !== ann.pool_size) throw new Mismatch("候选名单行数与公告不一致");
        for (var i = 1; i < pool.length; i++) {
          if (compare(pool[i - 1][0], pool[i][0]) >= 0) throw new Mismatch("候选名单未排序或有重复");
        }
        step("pool", "候选名单与公告一致（共 " + pool.length + " 行）", poolDigest);
      }

      var published = text("result");
      var expected = null;
      if (ann.purpose === "firms") {
        if (!pool) throw new Mismatch("缺少候选名单");
        expected = await drawFirms(seed, pool, ann.quota);
      } else {
        var firmsDigest = await sha256Hex(files.firmsResult);
        if (firmsDigest !== ann.firms_result_sha256) {
          throw new Mismatch("所依据的检查对象抽取结果与公告时公布的摘要不一致");
        }
        step("firms", "所依据的检查对象抽取结果与公告一致", firmsDigest);
        var firms = readCsv(text("firmsResult"), "stratum,rank,key,ticket", "检查对象抽取结果")
          .map(function (row) { return row[2]; });
        if (pool && files.conflicts) {
          var conflictsDigest = await sha256Hex(files.conflicts);
          if (conflictsDigest !== ann.conflicts_sha256) {
            throw new Mismatch("回避名单与公告时公布的摘要不一致");
          }
          step("conflicts", "回避名单与公告一致", conflictsDigest);
          var conflicts = {};
          readCsv(text("conflicts"), "officer,firm", "回避名单").forEach(function (row) {
            conflicts[row[0] + "," + row[1]] = true;
          });
          expected = await drawTeams(seed, firms, pool, ann.team, ann.cap, conflicts);
        } else {
          await checkTeamsTickets(seed, firms, ann, published, step);
        }
      }
      if (expected) {
        outcome.recomputed = expected.join("\n") + "\n";
        step("picks", "重新计算的抽取结果（按顺序）", outcome.recomputed);
        if (outcome.recomputed !== published) {
          var want = expected, got = published.split("\n");
          var n = 0;
          while (n < want.length && want[n] === got[n]) n++;
          throw new Mismatch("结果文件第 " + (n + 1) + " 行不同：重新计算为“" +
            (n < want.length ? want[n] : "（文件结束）") + "”，公布的为“" +
            (n < got.length && got[n] !== "" ? got[n] : "（文件结束）") + "”");
        }
        step("result", "公布的结果与重新计算的结果逐字节一致（" + (expected.length - 1) + " 行）", "");
      }
      outcome.ok = true;
    } catch (e) {
      outcome.message = e instanceof Mismatch ? e.message : "文件无法解读：" + e.message;
    }
    return outcome;
  }

  /* A teams draw for the public: the officer pool and the conflicts file go to auditors only, so
   * the choice cannot be recomputed; what can be checked is that every published row's ticket is
   * the one the seed gives, that the rows staff exactly the drawn firms, department by department,
   * and that no officer has more firms than the cap. */
  async function checkTeamsTickets(seed, firms, ann, published, step) {
    var rows = readCsv(published, "firm,department,seat,officer,ticket", "结果文件");
    var departments = Object.keys(ann.team).sort(compare), shape = [];
    firms.forEach(function (firm) {
      departments.forEach(function (department) {
        for (var s = 1; s <= ann.team[department]; s++) shape.push(firm + "," + department + "," + s);
      });
    });
    var load = {};
    for (var i = 0; i < Math.max(rows.length, shape.length); i++) {
      var row = rows[i];
      if (!row || row.slice(0, 3).join(",") !== shape[i]) {
        throw new Mismatch("结果文件第 " + (i + 2) + " 行不同：应为“" + (shape[i] || "（文件结束）") +
          "”的席位，公布的为“" + (row ? row.join(",") : "（文件结束）") + "”");
      }
      var t = await ticket(seed, "teams:" + row[0], row[3]);
      if (t !== row[4]) {
        throw new Mismatch("结果文件第 " + (i + 2) + " 行的签号不同：重新计算为 " + t + "，公布的为 " + row[4]);
      }
      load[row[3]] = (load[row[3]] || 0) + 1;
      if (load[row[3]] > ann.cap) throw new Mismatch("人员 " + row[3] + " 分配的检查对象超过上限 " + ann.cap);
    }
    step("picks", "每一行的签号都由种子重新算出，且每个检查对象的席位齐全、无人超过上限", published);
    step("audit-only", "候选人员名单和回避名单仅向审计人员提供，公众无法重算人员的选择；其摘要已载于公告", "");
  }

  // --- the page --------------------------------------------------------------------------------
  async function fetchBytes(url) {
    var response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Mismatch("无法取得 " + url + "（" + response.status + "）");
    return new Uint8Array(await response.arrayBuffer());
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  async function run(panel, button) {
    var steps = panel.querySelector("[data-verify-steps]");
    var verdict = panel.querySelector("[data-verify-verdict]");
    var hashNote = panel.querySelector("[data-verify-hash]");
    steps.textContent = "";
    verdict.textContent = "正在取得公开文件并重新计算……";
    verdict.className = "verdict";
    button.disabled = true;
    hashNote.textContent = subtle()
      ? "使用浏览器内置的 SHA-256（Web Crypto）。"
      : "本浏览器在此页面不提供 Web Crypto（例如通过 http 访问内网时），改用本页自带的 SHA-256 程序。";
    var urls = {}, files = {};
    ["announcement", "reveal", "pool", "result", "conflicts", "firmsResult"].forEach(function (name) {
      var url = panel.dataset[name + "Url"];
      if (url) urls[name] = url;
    });
    var outcome;
    try {
      for (var name in urls) files[name] = await fetchBytes(urls[name]);
      outcome = await verify(files, function (kind, label, detail) {
        var item = element("li", "verify-step", null);
        item.dataset.step = kind;
        item.appendChild(element("strong", null, label));
        if (detail) item.appendChild(element("pre", "mono", detail));
        steps.appendChild(item);
      });
    } catch (e) {
      outcome = { ok: false, message: e.message };
    }
    verdict.textContent = outcome.ok
      ? "一致：按公开的规则和公开的文件重新计算，结果与公布的抽取结果一致。"
      : "不一致：" + outcome.message;
    verdict.className = "verdict " + (outcome.ok ? "verdict-ok" : "verdict-bad");
    verdict.dataset.result = outcome.ok ? "ok" : "mismatch";
    button.disabled = false;
  }

  window.DR1 = { sha256Plain: sha256Plain, hex: hex, canonical: canonical, verify: verify };

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector("[data-draw-verifier]");
    if (!panel) return;
    var button = panel.querySelector("[data-verify-button]");
    button.hidden = false;
    button.addEventListener("click", function () { run(panel, button); });
  });
})();
