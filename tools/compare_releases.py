"""Compare two releases table by table, row by row on key and value, and print every difference.

Usage: python tools/compare_releases.py OLD NEW
OLD and NEW are release folders (holding manifest.json and the Parquet files) or warehouse folders (whose
CURRENT names the release). Rows are matched on each table's sort key (warehouse.schema.SORT_KEYS; for
observations the observation key); a row present on one side only, or matched with any other column
different (numbers compared exactly), is listed. Exit status 0 when the releases hold the same rows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warehouse.schema import OBSERVATION_KEY, SORT_KEYS, TABLES  # noqa: E402

SHOWN = 20  # differences printed per table and kind


def release_folder(path: Path) -> Path:
    """The release folder itself, or the one a warehouse folder's CURRENT names."""
    pointer = path / "CURRENT"
    if pointer.is_file():
        return path / "releases" / pointer.read_text(encoding="utf-8").strip()
    return path


def compare_table(con: duckdb.DuckDBPyConnection, name: str, old: Path, new: Path) -> int:
    """Print the differences of one table; how many rows differ (a changed row counts once per side).

    When a schema change added or removed columns, rows are compared on the columns both sides have; a table only
    one release has counts all its rows."""
    held = [side for side, folder in (("old", old), ("new", new)) if (folder / f"{name}.parquet").is_file()]
    if len(held) < 2:
        folder = old if held == ["old"] else new
        rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(folder / f"{name}.parquet")]).fetchall()[0][0]
        print(f"{name}: a table only in {held[0]}, {rows:,} rows" if held else f"{name}: in neither release")
        return rows if held else 0
    found = {}
    for side, folder in (("old", old), ("new", new)):
        found[side] = con.execute(
            "DESCRIBE SELECT * FROM read_parquet(?)", [str(folder / f"{name}.parquet")]
        ).fetchall()
    shared = [c for c, *_ in found["old"] if c in {n for n, *_ in found["new"]}]
    for side, folder in (("old", old), ("new", new)):
        extra = [c for c, *_ in found[side] if c not in shared]
        if extra:
            print(f"{name}: only in {side}, not compared: {', '.join(extra)}")
        columns = ", ".join(shared)
        con.execute(
            f"CREATE OR REPLACE TABLE {side} AS SELECT {columns} FROM read_parquet(?)",
            [str(folder / f"{name}.parquet")],
        )
    keys = ", ".join(k for k in (OBSERVATION_KEY if name == "observations" else SORT_KEYS[name]) if k in shared)
    con.execute("CREATE OR REPLACE TABLE removed AS SELECT * FROM old EXCEPT ALL SELECT * FROM new")
    con.execute("CREATE OR REPLACE TABLE added AS SELECT * FROM new EXCEPT ALL SELECT * FROM old")
    both = f"({keys}) IN (SELECT ({keys}) FROM added INTERSECT SELECT ({keys}) FROM removed)"
    kinds = {
        "only in old": f"SELECT * FROM removed WHERE NOT {both}",
        "only in new": f"SELECT * FROM added WHERE NOT {both}",
        "changed, was": f"SELECT * FROM removed WHERE {both}",
        "changed, now": f"SELECT * FROM added WHERE {both}",
    }
    counts = con.execute("SELECT (SELECT count(*) FROM old), (SELECT count(*) FROM new)").fetchall()[0]
    totals = {kind: con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0] for kind, sql in kinds.items()}
    shown = {
        "only in old": totals["only in old"],
        "only in new": totals["only in new"],
        "changed": totals["changed, now"],
    }
    print(f"{name}: {counts[0]:,} rows old, {counts[1]:,} new; " + ", ".join(f"{n:,} {k}" for k, n in shown.items()))
    for kind, sql in kinds.items():
        for row in con.execute(f"{sql} ORDER BY ALL LIMIT {SHOWN}").fetchall():
            print(f"  {kind}: " + ", ".join(f"{n}={v!r}" for n, v in zip(shared, row, strict=True)))
    return sum(totals.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    old, new = release_folder(args.old), release_folder(args.new)
    print(f"old: {old}\nnew: {new}")
    con = duckdb.connect()
    different = sum(compare_table(con, name, old, new) for name in TABLES)
    print("the releases hold the same rows" if not different else f"{different:,} rows differ")
    return 0 if not different else 1


if __name__ == "__main__":
    sys.exit(main())
