"""Entry script of the packaged app: the same command line as `humetrics` (humetrics_desktop.cli:main).

freeze_support() must run first: the sentiment scorer starts forkserver/spawn worker processes, and in
a frozen app those re-run this executable, which has to become the worker instead of the CLI.
"""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from humetrics_desktop.cli import main

    sys.exit(main())
