"""Print each notebook's nbval time (the sum of its cells' test times) from a JUnit XML file.

Usage: python .ci/nbtimes.py build/junit.xml [--budget SECONDS]
Marks the notebooks over the budget; it only reports (the course's speed targets
are measured by benchmarks/, not enforced by a timed test).
"""

import argparse
import collections
import sys
import xml.etree.ElementTree as ET


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("junit")
    parser.add_argument("--budget", type=float, default=75.0)
    args = parser.parse_args()
    times = collections.defaultdict(float)
    for case in ET.parse(args.junit).getroot().iter("testcase"):
        classname = case.get("classname", "")
        # nbval's cells only (classname "notebooks.NN_x.ipynb"), not tests parametrised by a name
        if classname.endswith(".ipynb"):
            notebook = classname.removesuffix(".ipynb").split(".")[-1] + ".ipynb"
            times[notebook] += float(case.get("time", 0))
    if not times:
        sys.exit(f"no notebook cells found in {args.junit}")
    print(f"nbval time per notebook (budget {args.budget:g} s each):")
    for notebook, seconds in sorted(times.items()):
        flag = "  over the budget" if seconds > args.budget else ""
        print(f"  {notebook:30s} {seconds:6.1f} s{flag}")
    print(f"  {'all notebooks':30s} {sum(times.values()):6.1f} s")


if __name__ == "__main__":
    main()
