"""Run cjm as ``python -m cjm``."""

from cjm.cli import main

if __name__ == "__main__":
    main()
