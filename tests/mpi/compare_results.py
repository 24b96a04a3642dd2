"""Compares two floodtwin results files (or checkpoints) exactly: every dataset, bitwise
(NaN equal to NaN), and every attribute but those that describe the run rather than its
results (wall time, command line, run id, thread and process counts, file names).

usage: compare_results.py A.h5 B.h5    (exit 1 and the differences when they differ)
"""

import sys

import h5py
import numpy as np

RUN_ATTRIBUTES = {
    "wall_time",
    "wall_seconds",
    "wall_time_s",
    "command_line",
    "run_id",
    "threads",
    "history",
    "date_created",
    "created",
    "resumed_from",
    "carried_over",
    "output",
    "results",
    "_NCProperties",
}


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def compare(a_path, b_path):
    problems = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        names_a, names_b = [], []
        a.visit(names_a.append)
        b.visit(names_b.append)
        if sorted(names_a) != sorted(names_b):
            problems.append(f"objects differ: {sorted(set(names_a) ^ set(names_b))}")
        datasets = 0
        for name in ["/"] + sorted(set(names_a) & set(names_b)):
            oa, ob = a[name], b[name]
            for key in sorted(set(oa.attrs) | set(ob.attrs)):
                if key in RUN_ATTRIBUTES or key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                    continue
                if key not in oa.attrs or key not in ob.attrs:
                    problems.append(f"{name}: attribute {key} only in one file")
                    continue
                try:
                    va, vb = oa.attrs[key], ob.attrs[key]
                except (OSError, TypeError):
                    continue  # references (dimension scales): compared through the datasets
                if not same(va, vb):
                    problems.append(f"{name}: attribute {key}: {va!r:.60} != {vb!r:.60}")
            if isinstance(oa, h5py.Dataset):
                datasets += 1
                if oa.dtype.kind == "O" or oa.dtype.kind == "V":
                    if oa[()].tobytes() if oa.dtype.kind == "V" else list(oa[()]) != list(ob[()]):
                        problems.append(f"{name}: values differ")
                elif not same(oa[()], ob[()]):
                    diff = "shape/dtype" if oa.shape != ob.shape else "values"
                    problems.append(f"{name}: {diff} differ")
    return datasets, problems


if __name__ == "__main__":
    n, problems = compare(sys.argv[1], sys.argv[2])
    if problems:
        problems.sort(key=lambda p: "attribute" in p)  # differing values first
        print(f"{sys.argv[1]} and {sys.argv[2]} differ:")
        for p in problems[:40]:
            print("  " + p)
        sys.exit(1)
    print(f"{n} datasets bitwise equal")
