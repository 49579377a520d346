#!/usr/bin/env python3
"""独立验证一次 DR-1 公开抽取 / Independently verify a DR-1 public draw.

    python3 verify_draw.py announcement.json reveal.json pool.csv result.csv
    python3 verify_draw.py announcement.json reveal.json pool.csv result.csv \\
        --conflicts conflicts.csv --firms-result firms.result.csv      (teams draws)

Needs only Python 3.7+ and its standard library. This file is deliberately self-contained: it is
the public's own copy of the algorithm in the DR-1 specification, written to be read, and it does
not share code with the system that performed the draw. Exit status 0: verified; 1: not verified.
"""

import argparse
import hashlib
import heapq
import json
import sys
from itertools import zip_longest


class Failed(Exception):
    pass


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def is_hex64(text):
    return len(text) == 64 and set(text) <= set("0123456789abcdef")


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def ok(zh, en):
    print(f"[OK] {zh} / {en}")


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise Failed(f"无法读取文件 / cannot read {path}: {exc}") from None


def load_json(path):
    def no_duplicates(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj:
                raise Failed(f"{path}: 重复的键 / duplicate key {key!r}")
            obj[key] = value
        return obj

    try:
        return json.loads(read(path).decode("utf-8"), object_pairs_hook=no_duplicates)
    except ValueError as exc:
        raise Failed(f"{path}: 不是有效的 JSON / not valid JSON: {exc}") from None


def read_csv(data, header, path):
    """Rows of a DR-1 file: UTF-8, LF line endings, final newline, exact header, no quoting."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Failed(f"{path}: 不是 UTF-8 / not UTF-8") from None
    if "\r" in text or '"' in text or not text.endswith("\n"):
        raise Failed(f"{path}: 格式不符（CR、引号或缺少末尾换行）/ CR, quote or no final newline")
    lines = text[:-1].split("\n")
    if lines[0] != header:
        raise Failed(f"{path}: 表头应为 / header must be {header!r}")
    rows = [line.split(",") for line in lines[1:]]
    width = header.count(",") + 1
    for number, row in enumerate(rows, 2):
        if len(row) != width:
            raise Failed(f"{path}: 第 {number} 行字段数不对 / line {number}: wrong field count")
    return rows


def show(lines, n):
    # repr() makes a missing or extra line ending (\n, \r) visible.
    if n < len(lines):
        return repr(lines[n].decode("utf-8", errors="replace"))
    return "(文件结束 / end of file)"


def count(value, what, minimum=0):
    if type(value) is not int or value < minimum:
        raise Failed(f"{what} 必须是整数 / must be an integer >= {minimum}: {value!r}")
    return value


def ticket(seed, purpose, key):
    return hashlib.sha256(f"{seed}:{purpose}:{key}".encode()).hexdigest()


def eligible_by_stratum(pool):
    groups = {}
    for key, stratum, excluded in pool:
        if excluded == "":
            groups.setdefault(stratum, []).append(key)
    return groups


def draw_firms(seed, pool, quota):
    eligible = eligible_by_stratum(pool)
    for stratum in eligible:
        if stratum not in quota:
            raise Failed(f"分层 {stratum} 没有抽取数 / no quota for stratum {stratum}")
    lines = ["stratum,rank,key,ticket"]
    for stratum in sorted(quota):
        keys = eligible.get(stratum, [])
        if count(quota[stratum], "quota") > len(keys):
            raise Failed(f"分层 {stratum} 抽取数超过符合条件数 / quota exceeds eligible count")
        # The quota smallest (ticket, key) pairs, in order: sorted(...)[:quota], but faster.
        ranked = heapq.nsmallest(
            quota[stratum], ((ticket(seed, "firms", key), key) for key in keys)
        )
        for rank, (t, key) in enumerate(ranked, 1):
            lines.append(f"{stratum},{rank},{key},{t}")
    return lines


def draw_teams(seed, firms, pool, team, cap, conflicts):
    eligible = eligible_by_stratum(pool)
    count(cap, "cap", minimum=1)
    load = {}
    lines = ["firm,department,seat,officer,ticket"]
    for firm in firms:
        for department in sorted(team):
            count(team[department], "team")
            purpose = "teams:" + firm
            ranked = sorted((ticket(seed, purpose, o), o) for o in eligible.get(department, []))
            seat = 0
            for t, officer in ranked:
                if seat == team[department]:
                    break
                if (officer, firm) in conflicts or load.get(officer, 0) >= cap:
                    continue
                load[officer] = load.get(officer, 0) + 1
                seat += 1
                lines.append(f"{firm},{department},{seat},{officer},{t}")
            if seat < team[department]:
                missing = team[department] - seat
                raise Failed(
                    f"企业 {firm} 的 {department} 部门缺少 {missing} 个席位 / seats missing"
                )
    return lines


def verify(args):
    ann, rev = load_json(args.announcement), load_json(args.reveal)
    if ann.get("spec") != "DR-1" or ann.get("purpose") not in ("firms", "teams"):
        raise Failed("公告不是 DR-1 抽取 / the announcement is not a DR-1 draw")
    print(f"抽取 / draw {ann.get('draw')}  任务 / task {ann.get('task')}  ({ann['purpose']})")

    nonce = rev["nonce"]
    if sorted(rev) != ["nonce", "witness_values"] or not is_hex64(nonce):
        raise Failed("揭示内容格式不符 / the reveal is malformed")
    if sha256_hex(bytes.fromhex(nonce)) != ann["nonce_sha256"]:
        raise Failed("随机数与公告承诺不符 / the nonce does not match nonce_sha256")
    ok("系统随机数与公告时的承诺相符", "system nonce matches the announced nonce_sha256")
    if len(rev["witness_values"]) != len(ann["witnesses"]):
        raise Failed("见证值个数与见证人数不符 / witness value count differs from witnesses")
    ok(f"{len(ann['witnesses'])} 位见证人各有一个值", "one value per announced witness")
    inner = hashlib.sha256(canonical(ann)).digest() + hashlib.sha256(canonical(rev)).digest()
    seed = sha256_hex(b"DR-1\x00" + inner)
    print(f"     种子 / seed {seed}")

    pool_bytes = read(args.pool)
    if sha256_hex(pool_bytes) != ann["pool_sha256"]:
        raise Failed("名单文件不是公告的那一份 / pool file differs from the announced pool_sha256")
    pool = read_csv(pool_bytes, "key,stratum,excluded", args.pool)
    if len(pool) != ann["pool_size"]:
        raise Failed("名单行数与公告不符 / pool row count differs from pool_size")
    keys = [row[0] for row in pool]
    if any(a >= b for a, b in zip(keys, keys[1:])):  # noqa: B905 -- strict= needs Python 3.10
        raise Failed("名单未按键排序或有重复 / pool keys not sorted and unique")
    ok(f"名单与公告一致（{len(pool)} 行）", f"pool matches pool_sha256 and pool_size ({len(pool)})")

    if ann["purpose"] == "firms":
        expected = draw_firms(seed, pool, ann["quota"])
    else:
        if not args.conflicts or not args.firms_result:
            raise Failed("人员抽取需要 --conflicts 和 --firms-result / teams draws need both files")
        conflicts_bytes, firms_bytes = read(args.conflicts), read(args.firms_result)
        if sha256_hex(conflicts_bytes) != ann["conflicts_sha256"]:
            raise Failed("回避名单不是公告的那一份 / conflicts file differs from conflicts_sha256")
        ok("回避名单与公告一致", "conflicts file matches conflicts_sha256")
        if sha256_hex(firms_bytes) != ann["firms_result_sha256"]:
            raise Failed("企业抽取结果不是公告的那一份 / firms result differs from its sha256")
        ok("企业抽取结果与公告一致", "firms result matches firms_result_sha256")
        conflicts = {tuple(row) for row in read_csv(conflicts_bytes, "officer,firm", "conflicts")}
        firms_rows = read_csv(firms_bytes, "stratum,rank,key,ticket", args.firms_result)
        firms = [row[2] for row in firms_rows]
        expected = draw_teams(seed, firms, pool, ann["team"], ann["cap"], conflicts)

    recomputed = ("\n".join(expected) + "\n").encode()
    published = read(args.result)
    if recomputed != published:
        want, got = recomputed.splitlines(True), published.splitlines(True)
        n = next(i for i, (a, b) in enumerate(zip_longest(want, got, fillvalue=b"-")) if a != b)
        raise Failed(
            f"结果第 {n + 1} 行不同 / result line {n + 1} differs:\n"
            f"  重新计算 / recomputed: {show(want, n)}\n  公布 / published:      {show(got, n)}"
        )
    ok(f"结果逐字节一致（{len(expected) - 1} 行）", "result recomputed byte for byte")


def main(argv=None):
    if hasattr(sys.stdout, "reconfigure"):  # never crash on a console that lacks a character
        sys.stdout.reconfigure(errors="replace")
    parser = argparse.ArgumentParser(description="验证 DR-1 公开抽取 / verify a DR-1 draw")
    for name in ("announcement", "reveal", "pool", "result"):
        parser.add_argument(name)
    parser.add_argument("--conflicts", help="回避名单 / conflicts file (teams draws)")
    parser.add_argument("--firms-result", help="企业抽取结果 / firms result file (teams draws)")
    args = parser.parse_args(argv)
    try:
        verify(args)
    except (Failed, KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"缺少字段 / missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        print(f"[失败 FAIL] {detail}")
        print("验证失败 / NOT VERIFIED")
        return 1
    print("验证通过 / VERIFIED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
