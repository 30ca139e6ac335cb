"""Times girth's 2PL marginal maximum likelihood on a response CSV and reports recovery.

Usage: girth_2pl.py <data.csv> <truth.csv> <repeats>

The CSV is the one `irt_calibrate simulate` writes (header of item ids, one row per person, 0/1 cells,
complete design). girth wants an integer matrix laid out items x persons. Prints one JSON line: the median
seconds of `twopl_mml` over the repeats (parsing excluded), and RMSE and bias of a and b.
"""
import json
import statistics
import sys
import time

import numpy as np
from girth import twopl_mml


def main() -> None:
    data_path, truth_path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    persons_by_items = np.loadtxt(data_path, delimiter=",", skiprows=1, dtype=int)
    dataset = np.ascontiguousarray(persons_by_items.T.astype(int))  # items x persons, int (not bool)
    truth = np.loadtxt(truth_path, delimiter=",", skiprows=1, usecols=(1, 2))
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = twopl_mml(dataset)
        times.append(time.perf_counter() - start)
    err_a = np.asarray(result["Discrimination"]) - truth[:, 0]
    err_b = np.asarray(result["Difficulty"]) - truth[:, 1]
    print(json.dumps({
        "seconds": statistics.median(times),
        "runs": [round(t, 4) for t in times],
        "rmse_a": float(np.sqrt(np.mean(err_a ** 2))),
        "bias_a": float(np.mean(err_a)),
        "rmse_b": float(np.sqrt(np.mean(err_b ** 2))),
        "bias_b": float(np.mean(err_b)),
    }))


if __name__ == "__main__":
    main()
