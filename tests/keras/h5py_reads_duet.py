#!/usr/bin/python3
"""Prints the optimizer group of a .weights.h5 file as h5py (what Keras 3's H5IOStore reads
with) sees it, one line per dataset of optimizer/vars in index order: "<kind><bytes> <shape>"
("i8 ()", "f4 (3, 4)") with the iteration count's value, then "name=<attribute>".
Exit status 77 when h5py is missing (the caller skips, saying so).

    /usr/bin/python3 tests/keras/h5py_reads_duet.py FILE.weights.h5
"""
import sys

try:
    import h5py
except ImportError:
    print("h5py is not installed (Debian: python3-h5py)")
    sys.exit(77)

with h5py.File(sys.argv[1], "r") as f:
    group = f["optimizer"]["vars"]
    for i in range(len(group)):
        ds = group[str(i)]
        line = f"{ds.dtype.kind}{ds.dtype.itemsize} {ds.shape}"
        if i == 0:
            line += f" = {int(ds[()])}"
        print(line)
    print(f"name={group.attrs['name']}")
