"""Times one maximum-information selection with catsim's MaxInfoSelector over 500 items.

The items are those of item-bank/examples/assembly_select.rs: item k has
a = 0.8 + 0.8 * ((7919 k) mod 500) / 500, b = -3 + 6 k / 500, c = 0, d = 1.

usage: catsim_select.py THETA REPS
"""

import json
import sys
import timeit

import numpy as np
from catsim.item_bank import ItemBank
from catsim.selection import MaxInfoSelector

theta = float(sys.argv[1])
reps = int(sys.argv[2])
k = np.arange(500)
a = 0.8 + 0.8 * ((7919 * k) % 500) / 500
b = -3 + 6 * k / 500
bank = ItemBank(np.column_stack([a, b, np.zeros(500), np.ones(500)]))
selector = MaxInfoSelector()
selected = selector.select(item_bank=bank, administered_items=[], est_theta=theta)
best = min(
    timeit.repeat(
        lambda: selector.select(item_bank=bank, administered_items=[], est_theta=theta),
        number=reps,
        repeat=5,
    )
)
print(json.dumps({"selected": int(selected), "seconds_per_selection": best / reps}))
