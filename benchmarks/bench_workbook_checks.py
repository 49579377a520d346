"""Benchmark refusing zip-bomb workbooks, against opening a normal workbook of the same size.

    python benchmarks/bench_workbook_checks.py

Builds, in a temporary directory, the attack's workbook (about 1 MB, one shared string that
decompresses to 1 GiB), the same with a zip directory that lies about the size, and a normal
workbook of about the same size on disk (synthetic firms, built by openpyxl). Each is handled in a
child process of its own, so that each peak memory is its own:

- a bomb: `read_table` as every import calls it (the check refuses it before anything opens it);
- the baseline: python-calamine opening the normal workbook and reading every row;
- the check alone on the normal workbook: what it adds to an ordinary import.

Prints seconds and peak memory of each (ru_maxrss of the process that did the work, read with
os.wait4, see tests/workbook_bombs.py), and each bomb's ratio against the baseline, with the
issue's targets: a bomb refused in under a second, the process under 300 MB.
"""

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def normal_workbook_of(size: int, path: Path) -> Path:
    """Synthetic firms, rows added until the file is about `size` bytes."""
    from tests.workbook_bombs import normal_workbook

    rng = random.Random(7)
    words = "长春吉林汽车零部件商贸科技建设食品药品医疗器械服务有限公司合作社个体工商户"
    rows, n = [["统一社会信用代码", "名称", "行政区划代码", "住所"]], 0
    while True:
        for _ in range(2_000):
            n += 1
            name = "".join(rng.choice(words) for _ in range(12))
            address = "吉林省长春市" + "".join(rng.choice(words) for _ in range(10)) + f"{n}号"
            rows.append([f"91220{n:013d}", name, "220104", address])
        path.write_bytes(normal_workbook(rows))
        if path.stat().st_size >= size:
            return path


def mb(value: float) -> str:
    return f"{value / 1024 / 1024:8.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    from tests.workbook_bombs import huge_string_workbook, run_measured

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        bombs = {
            "bomb, honest directory": huge_string_workbook(folder / "bomb.xlsx"),
            "bomb, lying directory": huge_string_workbook(
                folder / "lying.xlsx", declared_size=5000
            ),
        }
        size = bombs["bomb, honest directory"].stat().st_size
        normal = normal_workbook_of(size, folder / "normal.xlsx")
        print(
            f"bombs {mb(size).strip()} on disk, 1 GiB inside; "
            f"normal workbook {mb(normal.stat().st_size).strip()}"
        )

        baseline = run_measured("open", normal)
        print(
            f"  baseline: calamine opens the normal workbook   {baseline['seconds']:7.3f} s "
            f"{mb(baseline['peak'])}  ({baseline['outcome']})"
        )
        checked = run_measured("check", normal)
        print(
            f"  the check alone on the normal workbook        {checked['seconds']:7.3f} s "
            f"{mb(checked['peak'])}  ({checked['outcome']}; "
            f"{checked['seconds'] / baseline['seconds']:.2f}x the baseline's time)"
        )
        for label, path in bombs.items():
            refused = run_measured("refuse", path)
            verdict = refused["seconds"] < 1 and refused["peak"] < 300 * 1024 * 1024
            print(
                f"  {label:<24} refused ({refused['outcome']}) {refused['seconds']:7.3f} s "
                f"{mb(refused['peak'])}  time {refused['seconds'] / baseline['seconds']:.3f}x, "
                f"memory {refused['peak'] / baseline['peak']:.2f}x the baseline "
                f"(target < 1 s and < 300 MB: {'met' if verdict else 'MISSED'})"
            )


if __name__ == "__main__":
    main()
