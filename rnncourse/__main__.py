"""Command line: ``python -m rnncourse {doctor,lab,run,pretrain,exercises}``.

- ``doctor``: check this installation and say what to fix.
- ``lab``: open the course notebooks in JupyterLab.
- ``run``: execute the course headless and write a report (see ``rnncourse.runner``).
- ``pretrain``: the longer training of a notebook's model (see ``rnncourse.pretrain``).
- ``exercises``: list the exercises; ``--solutions DIR`` writes solved notebooks.
"""

import argparse
import importlib.util
import sys

__all__ = ["main"]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command", choices=["doctor", "lab", "run", "pretrain", "exercises"], help="what to do"
    )
    args, rest = parser.parse_known_args(argv[:1])
    rest = argv[1:]
    if args.command == "doctor":
        from rnncourse.doctor import main as doctor_main

        return doctor_main(rest)
    if args.command == "lab":
        from rnncourse.lab import main as lab_main

        return lab_main(rest)
    if args.command == "exercises":
        from rnncourse.exercises._cli import main as exercises_main

        return exercises_main(rest)
    if args.command == "pretrain":
        from rnncourse.pretrain import main as pretrain_main

        return pretrain_main(rest)
    from rnncourse.doctor import requirements

    # what `run` needs beyond a learner's install: pyproject.toml's extra "run"
    missing = [r.name for r in requirements("run") if importlib.util.find_spec(r.name) is None]
    if missing:
        print(
            f"python -m rnncourse run needs the course runner's tools, and {', '.join(missing)} "
            "is not installed: pip install 'rnncourse[run]' (in a clone of the course: "
            "pip install -e '.[run]').",
            file=sys.stderr,
        )
        return 2
    from rnncourse.runner import main as run_main

    return run_main(rest)


if __name__ == "__main__":
    sys.exit(main())
